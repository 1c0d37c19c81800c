import { z } from "zod";
import { BOARD_STATUSES, BOUNTY_KINDS, DIFFICULTIES, PERSONA_SLUGS } from "../lib/vocabulary";
import { pageParam } from "./catalog";
import { choice, form, text } from "./fields";

const choices = (values: readonly string[]) => values.join(", ");

export const BoardQuerySchema = form({
  status: z.enum(BOARD_STATUSES, { error: `choose one of ${choices(BOARD_STATUSES)}` }).optional(),
  persona: z.enum(PERSONA_SLUGS, { error: `choose one of ${choices(PERSONA_SLUGS)}` }).optional(),
  kind: z.enum(BOUNTY_KINDS, { error: `choose one of ${choices(BOUNTY_KINDS)}` }).optional(),
  target: z.string().trim().max(64, "is too long").optional(),
  q: z.string().trim().max(100, "must be 100 characters or fewer").optional(),
  page: pageParam,
});

/** A bounty page's query: which page of its timeline. */
export const BountyPageQuerySchema = form({ page: pageParam });

/** "https://github.com/owner/repo/issues/12", ".../pull/12" or "owner/repo#12". */
export function parseGithubIssueRef(value: string): { repo: string; number: number } | null {
  const m =
    /^https:\/\/github\.com\/([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)\/(?:issues|pull)\/(\d+)\/?(?:[#?].*)?$/.exec(value) ??
    /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)#(\d+)$/.exec(value);
  if (!m) return null;
  const number = Number(m[2]);
  return Number.isSafeInteger(number) && number > 0 ? { repo: m[1]!, number } : null;
}

const GithubRef = text("the GitHub issue")
  .trim()
  .transform((value, ctx) => {
    if (value === "") return null;
    const ref = parseGithubIssueRef(value);
    if (!ref) {
      ctx.addIssue({ code: "custom", message: "Paste a GitHub issue or pull request URL, or write owner/repo#123." });
      return z.NEVER;
    }
    return ref;
  });

export const NewBountySchema = form({
  title: text("the title").trim().min(5, "Give it a title of at least 5 characters.").max(120, "Keep the title under 120 characters."),
  description: text("the description")
    .trim()
    .min(20, "Describe the work in at least 20 characters: what done looks like.")
    .max(10_000, "Keep the description under 10,000 characters."),
  kind: choice(BOUNTY_KINDS, "Choose the kind of work."),
  personas: z
    .array(choice(PERSONA_SLUGS, "Choose who it suits from the list of personas."), { error: "Choose who it suits from the list of personas." })
    .default([]),
  difficulty: choice(["", ...DIFFICULTIES], "Choose the difficulty: easy, medium or hard, or leave it blank.")
    .transform((d) => (d === "" ? null : d))
    .prefault(""),
  github: GithubRef.prefault(""),
});

const Url = z
  .url({ protocol: /^https?$/, error: "Each link must be a full http(s) URL, one per line." })
  .max(2_000, "Each link may be at most 2,000 characters.");

/** One URL per line, blank lines ignored, at most 5. */
const Links = text("the links")
  .default("")
  .transform((s) =>
    s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  )
  .pipe(z.array(Url).max(5, "Add at most 5 links."));

export const IntentSchema = form({
  intent: choice(
    ["claim", "release", "progress", "submit", "complete", "reopen", "cancel", "accept", "decline"],
    "That action was not understood: use the page's buttons.",
  ),
  note: text("the note").max(10_000, "Keep the note under 10,000 characters.").optional(),
  reason: text("the reason").max(2_000, "Keep the reason under 2,000 characters.").optional(),
  links: Links,
});
