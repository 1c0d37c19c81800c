// Who may see what. Every door (pages, actions, feeds, the JSON API, webhooks) asks here, so
// a private title cannot leak through a door that wrote its own copy of the rule.
import { notInArray, type SQL } from "drizzle-orm";
import { bounties, type BountyStatus, type Role } from "~/db/schema";

/** Someone looking: a signed-in person (their id and roles), or nobody (null). */
export interface Viewer {
  userId: number | null;
  roles: readonly Role[];
}

/** SSC members and admins decide on proposals, so they see them all. */
export function isBountyReviewer(viewer: Viewer | null): boolean {
  return Boolean(viewer && (viewer.roles.includes("ssc") || viewer.roles.includes("admin")));
}

/** A proposal, and a declined one, is private to its proposer and the reviewers. */
export const PRIVATE_BOUNTY_STATUSES = ["proposed", "declined"] as const satisfies readonly BountyStatus[];

const isPrivate = (status: BountyStatus) => (PRIVATE_BOUNTY_STATUSES as readonly BountyStatus[]).includes(status);

/**
 * Whether this viewer may see this bounty (its page, title, timeline): anyone for a public
 * one; for a proposal or a declined one, only its proposer and SSC members and admins.
 * Whoever may not see it is told it does not exist (404).
 */
export function maySeeBounty(viewer: Viewer | null, bounty: { status: BountyStatus; createdByUserId: number | null }): boolean {
  if (!isPrivate(bounty.status)) return true;
  if (isBountyReviewer(viewer)) return true;
  return viewer?.userId != null && bounty.createdByUserId === viewer.userId;
}

/** The same rule for lists everyone sees (board, feed, API): only public bounties. */
export function publicBountiesOnly(): SQL {
  return notInArray(bounties.status, [...PRIVATE_BOUNTY_STATUSES]);
}
