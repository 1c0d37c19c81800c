import { describe, expect, it } from "vitest";
import { availableIntents, BOUNTY_INTENTS, mayAct, nextStatus, type BountyIntent, type WebIntent } from "~/app/lib/bounty-lifecycle";
import { BOUNTY_STATUSES, type BountyStatus } from "~/db/schema";

// The whole table, written out: every state × every intent. "-" means refused.
const U = {
  upstream_review: "-",
  upstream_complete: "-",
  upstream_cancel: "-",
  upstream_reopen: "-",
  upstream_withdraw: "-",
  upstream_unreview: "-",
  upstream_release: "-",
} as const;
const EXPECTED: Record<BountyStatus, Record<BountyIntent, BountyStatus | "-">> = {
  proposed: {
    claim: "-",
    release: "-",
    progress: "-",
    submit: "-",
    complete: "-",
    reopen: "-",
    cancel: "-",
    accept: "open",
    decline: "declined",
    expire: "-",
    ...U,
  },
  declined: { claim: "-", release: "-", progress: "-", submit: "-", complete: "-", reopen: "-", cancel: "-", accept: "-", decline: "-", expire: "-", ...U },
  open: {
    claim: "claimed",
    release: "-",
    progress: "-",
    submit: "-",
    complete: "-",
    reopen: "-",
    cancel: "cancelled",
    accept: "-",
    decline: "-",
    expire: "-",
    ...U,
    upstream_review: "in_review",
    upstream_complete: "completed",
    upstream_cancel: "cancelled",
  },
  claimed: {
    claim: "-",
    release: "open",
    progress: "in_progress",
    submit: "in_review",
    complete: "-",
    reopen: "-",
    cancel: "cancelled",
    accept: "-",
    decline: "-",
    expire: "open",
    ...U,
    upstream_review: "in_review",
    upstream_complete: "completed",
    upstream_cancel: "cancelled",
    upstream_release: "open",
  },
  in_progress: {
    claim: "-",
    release: "open",
    progress: "in_progress",
    submit: "in_review",
    complete: "-",
    reopen: "-",
    cancel: "cancelled",
    accept: "-",
    decline: "-",
    expire: "open",
    ...U,
    upstream_review: "in_review",
    upstream_complete: "completed",
    upstream_cancel: "cancelled",
    upstream_release: "open",
  },
  in_review: {
    claim: "-",
    release: "open",
    progress: "-",
    submit: "-",
    complete: "completed",
    reopen: "in_progress",
    cancel: "cancelled",
    accept: "-",
    decline: "-",
    expire: "-",
    ...U,
    upstream_complete: "completed",
    upstream_cancel: "cancelled",
    upstream_withdraw: "in_progress",
    upstream_unreview: "open",
  },
  completed: {
    claim: "-",
    release: "-",
    progress: "-",
    submit: "-",
    complete: "-",
    reopen: "-",
    cancel: "-",
    accept: "-",
    decline: "-",
    expire: "-",
    ...U,
    upstream_reopen: "open",
  },
  cancelled: {
    claim: "-",
    release: "-",
    progress: "-",
    submit: "-",
    complete: "-",
    reopen: "open",
    cancel: "-",
    accept: "-",
    decline: "-",
    expire: "-",
    ...U,
    upstream_reopen: "open",
  },
};

describe("bounty state machine", () => {
  const cases = BOUNTY_STATUSES.flatMap((status) => BOUNTY_INTENTS.map((intent) => [status, intent] as const));

  it.each(cases)("%s + %s", (status, intent) => {
    const move = nextStatus(status, intent);
    const expected = EXPECTED[status][intent];
    if (expected === "-") {
      expect(move.ok).toBe(false);
      if (!move.ok) expect(move.reason).toMatch(/^You can't .+ a bounty that .+\.$/);
    } else {
      expect(move).toEqual({ ok: true, next: expected });
    }
  });

  it("explains why an open bounty cannot be completed and a cancelled one cannot be claimed", () => {
    expect(nextStatus("open", "complete")).toEqual({ ok: false, reason: "You can't complete a bounty that is open and nobody has claimed it." });
    expect(nextStatus("cancelled", "claim")).toEqual({ ok: false, reason: "You can't claim a bounty that was cancelled." });
  });
});

describe("who may act", () => {
  const anonymous = { signedIn: false, isClaimant: false, isReviewer: false };
  const contributor = { signedIn: true, isClaimant: false, isReviewer: false };
  const claimant = { signedIn: true, isClaimant: true, isReviewer: false };
  const reviewer = { signedIn: true, isClaimant: false, isReviewer: true };
  const EXPECTED_ACTORS: Record<WebIntent, string[]> = {
    claim: ["contributor", "claimant", "reviewer"],
    release: ["claimant", "reviewer"],
    progress: ["claimant"],
    submit: ["claimant"],
    complete: ["reviewer"],
    reopen: ["reviewer"],
    cancel: ["reviewer"],
    accept: ["reviewer"],
    decline: ["reviewer"],
  };
  it.each(Object.entries(EXPECTED_ACTORS))("%s is for %j", (intent, actors) => {
    const who = { anonymous, contributor, claimant, reviewer };
    const allowed = Object.entries(who)
      .filter(([, v]) => mayAct(intent as WebIntent, v))
      .map(([k]) => k);
    expect(allowed).toEqual(actors);
  });

  it("offers a claimant of work in progress exactly progress, submit and release", () => {
    expect(availableIntents("in_progress", claimant)).toEqual(["release", "progress", "submit"]);
  });

  it("offers an SSC member reviewing submitted work complete, send back, release and cancel", () => {
    expect(availableIntents("in_review", reviewer)).toEqual(["release", "complete", "reopen", "cancel"]);
  });
});

describe("own work", () => {
  it("an SSC member holding the claim is not offered to confirm it", () => {
    expect(availableIntents("in_review", { signedIn: true, isClaimant: true, isReviewer: true })).not.toContain("complete");
  });
});
