import { z } from "zod";
import { TUTORIAL_INTENTS } from "../lib/tutorial-lifecycle";
import { PERSONA_SLUGS } from "../lib/vocabulary";
import { choice, form, text } from "./fields";
import { formToObject, parseForm, type FieldErrors } from "./form";

// Lengths are the model's rules (app/models/tutorials.server.ts), which names the field; here
// only the shape of the form.
const texts = {
  title: text("the title"),
  summary: text("the summary").prefault(""),
  body: text("the tutorial").prefault(""),
  note: text("the note on what changed").prefault(""),
};

export const TutorialFormSchema = form({
  ...texts,
  targets: z.array(z.string({ error: "Choose the targets from the list." }), { error: "Choose the targets from the list." }).prefault([]),
  personas: z.array(z.enum(PERSONA_SLUGS, { error: "Choose the personas from the list." }), { error: "Choose the personas from the list." }).prefault([]),
  bountyId: text("the bounty")
    .refine((s) => s === "" || /^\d{1,15}$/.test(s), "Choose a bounty from the list, or none.")
    .transform((s) => (s === "" ? null : Number(s)))
    .prefault(""),
});

export const TranslationFormSchema = form(texts);

export const TutorialActionSchema = form({
  intent: choice([...TUTORIAL_INTENTS, "translate"] as const, "Unknown action."),
  reason: text("the reason").prefault(""),
  lang: text("the language").prefault(""),
});

/**
 * A tutorial form as the model's input (targets by slug), with what was typed, to show again
 * after a refusal.
 */
export function parseTutorialForm(
  form: FormData,
):
  | { ok: true; input: Omit<z.infer<typeof TutorialFormSchema>, "targets"> & { targetSlugs: string[] }; values: Record<string, string | string[]> }
  | { ok: false; fieldErrors: FieldErrors; values: Record<string, string | string[]> } {
  const lists = ["targets", "personas"];
  const values = formToObject(form, lists);
  const parsed = parseForm(TutorialFormSchema, form, { arrays: lists });
  if (!parsed.ok) return { ok: false, fieldErrors: parsed.fieldErrors, values };
  const { targets, ...rest } = parsed.data;
  return { ok: true, input: { ...rest, targetSlugs: targets }, values };
}
