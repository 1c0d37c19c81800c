import { BOUNTY_STATUSES, type BountyKind, type BountyStatus, type PersonaSlug } from "./vocabulary";

/**
 * The bounty state machine, in one place. Every door (web form, GitHub comment, timer)
 * goes through `nextStatus`; permissions are decided separately by `mayAct`.
 *
 *   proposed ─accept→ open ─claim→ claimed ─progress→ in_progress ─submit→ in_review ─complete→ completed
 *      └─decline→ declined     ↑  release / expire ←──────┴───────────────────┘        │
 *                              └──────────────── reopen (from cancelled) ←─ cancelled ←┘ (cancel: any active)
 *   in_review ─reopen (send back)→ in_progress
 */
export const BOUNTY_INTENTS = [
  "claim",
  "release",
  "progress",
  "submit",
  "complete",
  "reopen",
  "cancel",
  "accept",
  "decline",
  "expire",
  "upstream_review",
  "upstream_complete",
  "upstream_cancel",
  "upstream_reopen",
  "upstream_withdraw",
  "upstream_unreview",
  "upstream_release",
] as const;
export type BountyIntent = (typeof BOUNTY_INTENTS)[number];

/**
 * What GitHub reports upstream (a linked PR opened or merged, the issue closed or
 * reopened): the maintainers' decision there, applied here through the webhook door only.
 */
export type UpstreamIntent = Extract<BountyIntent, `upstream_${string}`>;
export const isUpstreamIntent = (i: BountyIntent): i is UpstreamIntent => i.startsWith("upstream_");

/** Intents a person can send from the bounty page or a GitHub comment. */
export type WebIntent = Exclude<BountyIntent, "expire" | UpstreamIntent>;
const WEB_INTENTS = BOUNTY_INTENTS.filter((i): i is WebIntent => i !== "expire" && !isUpstreamIntent(i));

export const ACTIVE_STATUSES = ["claimed", "in_progress", "in_review"] as const satisfies readonly BountyStatus[];
export const OPEN_AND_ACTIVE = ["open", ...ACTIVE_STATUSES] as const satisfies readonly BountyStatus[];

const MOVES: Record<BountyIntent, Partial<Record<BountyStatus, BountyStatus>>> = {
  claim: { open: "claimed" },
  release: { claimed: "open", in_progress: "open", in_review: "open" },
  progress: { claimed: "in_progress", in_progress: "in_progress" },
  submit: { claimed: "in_review", in_progress: "in_review" },
  complete: { in_review: "completed" },
  reopen: { in_review: "in_progress", cancelled: "open" },
  cancel: { open: "cancelled", claimed: "cancelled", in_progress: "cancelled", in_review: "cancelled" },
  accept: { proposed: "open" },
  decline: { proposed: "declined" },
  expire: { claimed: "open", in_progress: "open" },
  // a PR referencing the issue was opened
  upstream_review: { open: "in_review", claimed: "in_review", in_progress: "in_review" },
  // the issue was closed as completed, or the PR merged
  upstream_complete: { open: "completed", claimed: "completed", in_progress: "completed", in_review: "completed" },
  // the issue was closed as not planned
  upstream_cancel: { open: "cancelled", claimed: "cancelled", in_progress: "cancelled", in_review: "cancelled" },
  // the issue was reopened
  upstream_reopen: { completed: "open", cancelled: "open" },
  // the PR was closed without merging: back to the claimant, or open when nobody holds it
  upstream_withdraw: { in_review: "in_progress" },
  upstream_unreview: { in_review: "open" },
  // the comment that made the claim was deleted on GitHub (work submitted for review stands)
  upstream_release: { claimed: "open", in_progress: "open" },
};

const STATE_PHRASES: Record<BountyStatus, string> = {
  proposed: "is still a proposal waiting for the SSC to accept it",
  declined: "was declined",
  open: "is open and nobody has claimed it",
  claimed: "is already claimed",
  in_progress: "is already claimed and in progress",
  in_review: "is waiting for review",
  completed: "is already completed",
  cancelled: "was cancelled",
};

const VERBS: Record<BountyIntent, string> = {
  claim: "claim",
  release: "release",
  progress: "post progress on",
  submit: "submit",
  complete: "complete",
  reopen: "reopen",
  cancel: "cancel",
  accept: "accept",
  decline: "decline",
  expire: "expire the claim on",
  upstream_review: "put into review",
  upstream_complete: "complete",
  upstream_cancel: "cancel",
  upstream_reopen: "reopen",
  upstream_withdraw: "withdraw the review of",
  upstream_unreview: "withdraw the review of",
  upstream_release: "release the claim on",
};

export type Move = { ok: true; next: BountyStatus } | { ok: false; reason: string };

/** Where `intent` takes a bounty in `status`, or a sentence saying why it cannot. */
export function nextStatus(status: BountyStatus, intent: BountyIntent): Move {
  const next = MOVES[intent][status];
  if (next) return { ok: true, next };
  return { ok: false, reason: `You can't ${VERBS[intent]} a bounty that ${STATE_PHRASES[status]}.` };
}

/** The statuses `intent` moves a bounty out of. */
export function listStatusesFor(intent: BountyIntent): BountyStatus[] {
  return BOUNTY_STATUSES.filter((s) => MOVES[intent][s] !== undefined);
}

export interface Viewer {
  signedIn: boolean;
  /** Holds the bounty's active claim. */
  isClaimant: boolean;
  /** ssc or admin. */
  isReviewer: boolean;
}

/** Who may send each intent (the state machine decides whether it makes sense now). */
export function mayAct(intent: WebIntent, viewer: Viewer): boolean {
  switch (intent) {
    case "claim":
      return viewer.signedIn;
    case "release":
      return viewer.isClaimant || viewer.isReviewer;
    case "progress":
    case "submit":
      return viewer.isClaimant;
    case "complete":
    case "reopen":
    case "cancel":
    case "accept":
    case "decline":
      return viewer.isReviewer;
  }
}

/** The intents this viewer could send for a bounty in this status: the buttons to show. */
export function availableIntents(status: BountyStatus, viewer: Viewer): WebIntent[] {
  return WEB_INTENTS.filter(
    (i) =>
      mayAct(i, viewer) &&
      nextStatus(status, i).ok &&
      // nobody confirms their own work
      !(i === "complete" && viewer.isClaimant),
  );
}

/** Who a kind of work suits, unless the creator adjusts it. */
export const KIND_PERSONAS: Record<BountyKind, PersonaSlug[]> = {
  code: ["developer"],
  docs: ["documenter"],
  tutorial: ["documenter", "end-user"],
  packaging: ["packager", "distro"],
  translation: ["translator"],
  advocacy: ["influencer", "end-user"],
  "security-review": ["security"],
  "deployment-feedback": ["sysadmin", "end-user"],
};

export const KIND_LABELS: Record<BountyKind, string> = {
  code: "Code",
  docs: "Docs",
  tutorial: "Tutorial",
  packaging: "Packaging",
  translation: "Translation",
  advocacy: "Advocacy",
  "security-review": "Security review",
  "deployment-feedback": "Deployment feedback",
};

export const BOUNTY_STATUS_LABELS: Record<BountyStatus, string> = {
  proposed: "Proposed",
  declined: "Declined",
  open: "Open",
  claimed: "Claimed",
  in_progress: "In progress",
  in_review: "In review",
  completed: "Completed",
  cancelled: "Cancelled",
};

/** Bounties per page on the board (shared by the page and the query). */
export const BOARD_PAGE_SIZE = 30;
