import { z } from "zod";
import { TUTORIAL_INTENTS } from "../lib/tutorial-lifecycle";
import { PERSONA_SLUGS } from "../lib/vocabulary";
import { choice, form, text } from "./fields";

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
