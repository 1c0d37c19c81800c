// Forms that keep the catalog: a target's fields, its status with evidence, a suggestion, and
// the reviewers' decisions on suggestions. Every message names its field.
import { z } from "zod";
import { PERSONA_SLUGS, TARGET_STATUSES } from "../lib/vocabulary";
import { choice, form, text, wholeNumber } from "./fields";

/** Slugs that would shadow a page under /targets/. */
export const RESERVED_TARGET_SLUGS = ["new", "suggest", "suggestions"] as const;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const REPO = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
export const MAX_REPOS = 10;
export const MAX_BRIDGES = 10;

/** Printable text only: control characters (tabs and newlines aside, where allowed) would break pages and feeds. */
const Line = (field: string, max: number) =>
  text(field)
    .trim()
    .max(max, `Keep ${field} under ${max.toLocaleString("en")} characters.`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `Remove the control characters from ${field}.`);

export const Slug = text("the slug")
  .trim()
  .toLowerCase()
  .refine((s) => SLUG.test(s), "The slug is the address of the page: lowercase letters, digits and dashes, 1 to 64 characters (e.g. kafka-connect).")
  .refine((s) => !(RESERVED_TARGET_SLUGS as readonly string[]).includes(s), "That slug is taken by a page of the site: choose another.");

/** An https link, checked: a full URL with a host and no credentials. */
export function httpsUrl(field: string) {
  return text(field)
    .trim()
    .max(2_000, `Keep ${field} under 2,000 characters.`)
    .refine((s) => {
      try {
        const url = new URL(s);
        return url.protocol === "https:" && url.hostname !== "" && !url.username && !url.password && !/\s/.test(s);
      } catch {
        return false;
      }
    }, `Give ${field} as a full https:// link.`);
}

const optional = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .pipe(z.union([z.literal("").transform(() => null), schema]));

/** Suggested and accepted targets share these. */
const common = {
  name: Line("the name", 80).pipe(z.string().min(2, "Give the target's name (at least 2 characters).")),
  category: text("the category")
    .trim()
    .toLowerCase()
    .refine((s) => SLUG.test(s) && s.length <= 40, "Give a category in lowercase words joined by dashes, e.g. proxy or service-mesh."),
  repos: text("the upstream repositories")
    .default("")
    .transform((s) =>
      s
        .split(/\r?\n/)
        .map((l) =>
          l
            .trim()
            .replace(/^https:\/\/github\.com\//, "")
            .replace(/\/$/, ""),
        )
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(REPO, "Write each upstream repository as owner/name (GitHub), one per line."))
        .max(MAX_REPOS, `List at most ${MAX_REPOS} upstream repositories.`),
    )
    .refine((repos) => new Set(repos.map((r) => r.toLowerCase())).size === repos.length, "List each upstream repository once."),
  summary: text("the summary")
    .trim()
    .min(20, "Write a summary of at least 20 characters: what it is and where SPIFFE fits.")
    .max(4_000, "Keep the summary under 4,000 characters."),
  homepage: optional(httpsUrl("the homepage")),
};

export const SuggestTargetSchema = form(common);
export type TargetSuggestionInput = z.infer<typeof SuggestTargetSchema>;

const helpFields = Object.fromEntries(PERSONA_SLUGS.map((p) => [`help-${p}`, Line(`the help text for ${p}`, 500).optional()])) as Record<
  `help-${(typeof PERSONA_SLUGS)[number]}`,
  z.ZodOptional<ReturnType<typeof Line>>
>;

/**
 * The target form. Bridges come as rows of three fields (bridgeName, bridgeUrl, bridgeNote,
 * posted in order); a row left blank is ignored, a half-filled one is refused by name.
 */
export const TargetFormSchema = form({
  ...common,
  slug: Slug,
  personas: z
    .array(choice(PERSONA_SLUGS, "Choose who can help from the list of personas."), { error: "Choose who can help from the list of personas." })
    .default([]),
  ...helpFields,
  bridgeName: z.array(Line("the bridge's name", 80), { error: "Give each bridge's name as text." }).default([]),
  bridgeUrl: z.array(text("the bridge's link").trim(), { error: "Give each bridge's link as text." }).default([]),
  bridgeNote: z.array(Line("the bridge's note", 500), { error: "Give each bridge's note as text." }).default([]),
})
  // Runs even when other fields failed (`when`), so one submit names every problem; the
  // values may then be unparsed, hence the checks that each list is a list of text.
  .superRefine(
    (v, ctx) => {
      const list = (x: unknown) => (Array.isArray(x) ? x.map((s) => (typeof s === "string" ? s.trim() : "")) : []);
      const [names, urls, notes] = [list(v.bridgeName), list(v.bridgeUrl), list(v.bridgeNote)];
      let filled = 0;
      for (let i = 0; i < Math.max(names.length, urls.length, notes.length); i += 1) {
        const [name, url, note] = [names[i] ?? "", urls[i] ?? "", notes[i] ?? ""];
        if (!name && !url && !note) continue;
        filled += 1;
        if (!name) ctx.addIssue({ code: "custom", path: ["bridgeName"], message: `Give bridge ${i + 1} a name (e.g. spiffe-helper, Ghostunnel).` });
        if (!httpsUrl("the link").safeParse(url).success)
          ctx.addIssue({ code: "custom", path: ["bridgeUrl"], message: `Give bridge ${i + 1}${name ? ` (${name})` : ""} a full https:// link.` });
      }
      if (filled > MAX_BRIDGES) ctx.addIssue({ code: "custom", path: ["bridgeName"], message: `List at most ${MAX_BRIDGES} bridges.` });
      const personas = list(v.personas);
      if (new Set(personas).size !== personas.length) ctx.addIssue({ code: "custom", path: ["personas"], message: "Choose each persona once." });
    },
    { when: () => true },
  )
  .transform(({ bridgeName, bridgeUrl, bridgeNote, personas, ...rest }) => {
    const bridges = bridgeName
      .map((name, i) => ({ name, url: (bridgeUrl[i] ?? "").trim(), note: bridgeNote[i] || null }))
      .filter((b) => b.name || b.url || b.note);
    const r = rest as Record<string, unknown>;
    return {
      name: rest.name,
      slug: rest.slug,
      category: rest.category,
      repos: rest.repos,
      summary: rest.summary,
      homepage: rest.homepage,
      personas: personas.map((slug) => ({ slug, helpText: (r[`help-${slug}`] as string | undefined) || null })),
      bridges,
    };
  });
export type TargetInput = z.infer<typeof TargetFormSchema>;

/** The first status of a new target, and every change after: evidence is required unless the status is "none" at creation. */
export const StatusChangeSchema = form({
  status: choice(TARGET_STATUSES, "Choose the SPIFFE status: native, partial, requested or none."),
  evidence: httpsUrl("the evidence"),
  note: Line("the note", 500).default(""),
});

export const NewTargetStatusSchema = form({
  status: choice(TARGET_STATUSES, "Choose the SPIFFE status: native, partial, requested or none."),
  evidence: optional(httpsUrl("the evidence")),
}).superRefine((v, ctx) => {
  if (v.status !== "none" && v.evidence === null)
    ctx.addIssue({ code: "custom", path: ["evidence"], message: "Give the evidence for this status as an https:// link (a release note, a merged PR, docs)." });
});

export const RetireSchema = form({
  reason: text("the reason").trim().min(5, "Say why it is retired (at least 5 characters).").max(500, "Keep the reason under 500 characters."),
});

export const AcceptSuggestionSchema = form({ slug: Slug });

export const DeclineSuggestionSchema = form({
  reason: text("the reason").trim().min(5, "Say why it is declined (at least 5 characters).").max(2_000, "Keep the reason under 2,000 characters."),
});

/** "Kafka Connect!" → "kafka-connect": a starting point for a slug. */
export function suggestSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** Fields of the target form that repeat (checkboxes, bridge rows). */
export const TARGET_FORM_ARRAYS = ["personas", "bridgeName", "bridgeUrl", "bridgeNote"];

/** The posted target form as the page shows it again after a refusal (repeating fields as lists). */
export function formValues(form: FormData): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = TARGET_FORM_ARRAYS.includes(key) ? all : all[0];
  }
  return out;
}

// The edit and suggestion pages' intents, here rather than in the routes: a schema built at a
// route module's top level would ship zod to the browser with the page.
export const TargetEditIntentSchema = form({
  intent: choice(["save", "status", "retire", "restore"], "That action was not understood: use the page's buttons."),
});
export const SuggestionIdSchema = form({ id: wholeNumber("There is no such suggestion.") });
export const SuggestionIntentSchema = form({ intent: choice(["accept", "decline"], "That action was not understood: use the page's buttons.") });
