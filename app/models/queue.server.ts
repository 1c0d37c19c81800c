// The reviewers' work queue: everything that waits for an SSC member or an admin, each kind
// oldest first, and only the kinds this person may act on.
import { and, asc, eq, sql } from "drizzle-orm";
import { bounties, claims, expenses, targets, users } from "~/db/schema";
import { type Db } from "../db.server";
import { formatClaimantLabel } from "../lib/claims";
import { listProposals } from "./bounty-queries.server";
import { expenseQueueColumns, listAwaitingVote, type Person } from "./expenses.server";
import { isBountyReviewer } from "./permissions.server";
import { listOpenSuggestions } from "./target-edits.server";

/** Which queues a person may act on: the same rules the actions enforce. */
export function queueAccess(person: Pick<Person, "roles">) {
  const ssc = person.roles.includes("ssc");
  const admin = person.roles.includes("admin");
  return {
    /** accept or decline a proposal; confirm or send back work in review */
    bounties: isBountyReviewer({ userId: null, roles: person.roles }),
    /** vote on expenses (SSC members only) */
    votes: ssc,
    /** mark an approved expense paid (SSC members and admins) */
    payments: ssc || admin,
  };
}

/** Whether this person has any queue at all (the header link, the page's 403). */
export function hasQueue(person: Pick<Person, "roles">): boolean {
  const a = queueAccess(person);
  return a.bounties || a.votes || a.payments;
}

/** Bounties submitted for review, the longest-waiting first. */
export function listInReview(db: Db) {
  return db
    .select({
      id: bounties.id,
      title: bounties.title,
      targetName: targets.name,
      since: bounties.updatedAt,
      claimUserId: claims.userId,
      claimUsername: users.username,
      claimLogin: claims.githubLogin,
    })
    .from(bounties)
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .leftJoin(claims, and(eq(claims.bountyId, bounties.id), sql`${claims.endedAt} is null`))
    .leftJoin(users, eq(users.id, claims.userId))
    .where(eq(bounties.status, "in_review"))
    .orderBy(asc(bounties.updatedAt), asc(bounties.id))
    .all()
    .map(({ claimUserId, claimUsername, claimLogin, ...rest }) => ({
      ...rest,
      claimant: claimUserId !== null || claimLogin ? formatClaimantLabel({ userId: claimUserId, username: claimUsername, githubLogin: claimLogin }) : null,
    }));
}

/**
 * Approved expenses waiting for payment, oldest first; never the person's own (nobody pays
 * their own expense: actOnExpense refuses it).
 */
export function listAwaitingPayment(db: Db, payerUserId: number) {
  return db
    .select({ ...expenseQueueColumns, since: expenses.updatedAt })
    .from(expenses)
    .innerJoin(users, eq(users.id, expenses.requesterUserId))
    .where(and(eq(expenses.status, "approved"), sql`${expenses.requesterUserId} <> ${payerUserId}`))
    .orderBy(asc(expenses.updatedAt), asc(expenses.id))
    .all();
}

export interface Queue {
  proposals: ReturnType<typeof listProposals> | null;
  /** Suggested new targets: they wait with the proposals, for the same reviewers. */
  targetSuggestions: ReturnType<typeof listOpenSuggestions> | null;
  inReview: ReturnType<typeof listInReview> | null;
  awaitingVote: ReturnType<typeof listAwaitingVote> | null;
  awaitingPayment: ReturnType<typeof listAwaitingPayment> | null;
}

/** Every queue this person may act on (null for the ones they may not), each oldest first. */
export function listQueue(db: Db, person: Person): Queue {
  const access = queueAccess(person);
  const userId = person.userId ?? -1;
  return {
    proposals: access.bounties ? listProposals(db) : null,
    targetSuggestions: access.bounties ? listOpenSuggestions(db) : null,
    inReview: access.bounties ? listInReview(db) : null,
    awaitingVote: access.votes ? listAwaitingVote(db, userId) : null,
    awaitingPayment: access.payments ? listAwaitingPayment(db, userId) : null,
  };
}

/** How many items wait for this person across their queues (the header's count). */
export function countQueue(db: Db, person: Person): number {
  if (!hasQueue(person)) return 0;
  const q = listQueue(db, person);
  return (
    (q.proposals?.length ?? 0) +
    (q.targetSuggestions?.length ?? 0) +
    (q.inReview?.length ?? 0) +
    (q.awaitingVote?.length ?? 0) +
    (q.awaitingPayment?.length ?? 0)
  );
}
