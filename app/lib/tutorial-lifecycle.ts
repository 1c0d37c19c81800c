import type { TutorialStatus } from "./vocabulary";

/**
 * The review of tutorials and translations, in one place:
 *
 *   draft ─submit→ in_review ─publish→ published ─unpublish (reason)→ unpublished ─submit→ in_review
 *     ↑               │
 *     └─withdraw / send back (reason)
 *
 * Authors submit and withdraw; SSC members and admins publish, send back and unpublish, and
 * never publish what they wrote themselves (anyone who saved a revision is an author).
 */
export const TUTORIAL_INTENTS = ["submit", "withdraw", "publish", "send_back", "unpublish"] as const;
export type TutorialIntent = (typeof TUTORIAL_INTENTS)[number];

const MOVES: Record<TutorialIntent, Partial<Record<TutorialStatus, TutorialStatus>>> = {
  submit: { draft: "in_review", unpublished: "in_review" },
  withdraw: { in_review: "draft" },
  publish: { in_review: "published" },
  send_back: { in_review: "draft" },
  unpublish: { published: "unpublished" },
};

const STATE_PHRASES: Record<TutorialStatus, string> = {
  draft: "is a draft",
  in_review: "is waiting for review",
  published: "is published",
  unpublished: "was unpublished",
};

const VERBS: Record<TutorialIntent, string> = {
  submit: "send for review",
  withdraw: "withdraw from review",
  publish: "publish",
  send_back: "send back",
  unpublish: "unpublish",
};

/** Intents that need a sentence saying why. */
export const NEEDS_REASON: readonly TutorialIntent[] = ["send_back", "unpublish"];

export type TutorialMove = { ok: true; next: TutorialStatus } | { ok: false; reason: string };

/** Where `intent` takes a tutorial in `status`, or a sentence saying why it cannot. */
export function nextTutorialStatus(status: TutorialStatus, intent: TutorialIntent): TutorialMove {
  const next = MOVES[intent][status];
  if (next) return { ok: true, next };
  return { ok: false, reason: `You can't ${VERBS[intent]} a tutorial that ${STATE_PHRASES[status]}.` };
}

export interface TutorialViewer {
  isAuthor: boolean;
  /** SSC member or admin. */
  isReviewer: boolean;
}

/** Who may send each intent; `null` when allowed, else the sentence a refusal shows. */
export function tutorialRefusal(intent: TutorialIntent, viewer: TutorialViewer): string | null {
  switch (intent) {
    case "submit":
    case "withdraw":
      return viewer.isAuthor ? null : "Only its authors can send it for review or withdraw it.";
    case "publish":
      if (!viewer.isReviewer) return "Only SSC members and admins publish tutorials.";
      return viewer.isAuthor ? "Someone other than its authors must review and publish it." : null;
    case "send_back":
    case "unpublish":
      return viewer.isReviewer ? null : "Only SSC members and admins can send back or unpublish a tutorial.";
  }
}

/** Whether readers other than its authors and reviewers see it. */
export const isPublic = (status: TutorialStatus) => status === "published";

export const TUTORIAL_STATUS_LABELS: Record<TutorialStatus, string> = {
  draft: "Draft",
  in_review: "In review",
  published: "Published",
  unpublished: "Unpublished",
};

/** The intents this viewer may send now (the buttons a page offers). */
export function availableTutorialIntents(status: TutorialStatus, viewer: TutorialViewer): TutorialIntent[] {
  return TUTORIAL_INTENTS.filter((intent) => tutorialRefusal(intent, viewer) === null && nextTutorialStatus(status, intent).ok);
}
