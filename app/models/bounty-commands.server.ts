// Bounty commands: every change to a bounty, its claim and its timeline, each in one
// transaction, for every door (web, GitHub, the claim-expiry sweep). Reads live in
// bounty-queries.server.ts.
import { and, asc, count, eq, gt, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { placeholders, preparedPerDatabase } from "~/db/prepared";
import {
  bounties,
  bountyEvents,
  bountyPersonas,
  claims,
  targets,
  users,
  type BountyEventType,
  type BountyKind,
  type BountyStatus,
  type Difficulty,
  type PersonaSlug,
  type Role,
} from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { env } from "../env.server";
import {
  ACTIVE_STATUSES,
  isUpstreamIntent,
  listStatusesFor,
  OPEN_AND_ACTIVE,
  KIND_PERSONAS,
  mayAct,
  nextStatus,
  type BountyIntent,
  type WebIntent,
} from "../lib/bounty-lifecycle";
import { claimExpiresAt, formatClaimantLabel } from "../lib/claims";
import { renderMarkdown } from "../lib/markdown.server";
import { recordAudit, webPerson, type Actor } from "./audit.server";
import { Conflict, Forbidden, InvalidTransition, NotFound, RateLimited, Unprocessable } from "./errors";
import { notify, userIdsWithRole, watcherIds } from "./notifications.server";
import { isBountyReviewer, maySeeBounty } from "./permissions.server";
import { assertMayAct } from "./users.server";

/** Who is acting on a bounty, through which door. */
export interface BountyActor extends Actor {
  roles: Role[];
  /** A GitHub login with no verified Club Zero account (GitHub comment commands). */
  githubLogin?: string | null;
}

export const systemActor: BountyActor = { userId: null, label: "Club Zero", source: "system", roles: [] };

const isReviewer = (actor: BountyActor) => isBountyReviewer(actor);

type BountyRow = typeof bounties.$inferSelect;
type ClaimRow = typeof claims.$inferSelect;

// The statements every command runs (a GitHub /progress runs each of them), compiled once.
const commandQueries = preparedPerDatabase((db: Db | Tx) => {
  const { placeholder } = sql;
  const writing = sql`(${bountyEvents.note} is not null or ${bountyEvents.linksJson} is not null)`;
  const recentNotes = (person: ReturnType<typeof and>) =>
    db
      .select({ bountyId: bountyEvents.bountyId, createdAt: bountyEvents.createdAt })
      .from(bountyEvents)
      .where(and(person, gt(bountyEvents.createdAt, placeholder("since"))))
      .orderBy(asc(bountyEvents.createdAt))
      .prepare();
  return {
    bounty: db
      .select()
      .from(bounties)
      .where(eq(bounties.id, placeholder("id")))
      .prepare(),
    activeClaim: db
      .select()
      .from(claims)
      .where(and(eq(claims.bountyId, placeholder("bountyId")), isNull(claims.endedAt)))
      .prepare(),
    eventByKey: db
      .select({ id: bountyEvents.id })
      .from(bountyEvents)
      .where(eq(bountyEvents.externalKey, placeholder("externalKey")))
      .prepare(),
    dueClaimsOf: db
      .select({ claim: claims, status: bounties.status, title: bounties.title })
      .from(claims)
      .innerJoin(bounties, eq(bounties.id, claims.bountyId))
      .where(and(isNull(claims.endedAt), lt(claims.expiresAt, placeholder("now")), eq(claims.bountyId, placeholder("bountyId"))))
      .prepare(),
    checkIn: db
      .update(claims)
      .set(placeholders(["lastCheckinAt", "expiresAt"]))
      .where(eq(claims.id, placeholder("id")))
      .prepare(),
    setStatus: db
      .update(bounties)
      .set(placeholders(["status", "updatedAt"]))
      .where(eq(bounties.id, placeholder("id")))
      .prepare(),
    insertEvent: db
      .insert(bountyEvents)
      .values(placeholders(["bountyId", "type", "actorUserId", "actorLabel", "source", "note", "noteHtml", "linksJson", "externalKey", "createdAt"]))
      .prepare(),
    // Partial indexes bounty_events_user_writing_idx / _login_writing_idx hold exactly these rows
    // (the condition is written as in the indexes, so SQLite can use them).
    notesByUser: recentNotes(and(eq(bountyEvents.actorUserId, placeholder("userId")), writing)),
    notesByLogin: recentNotes(and(eq(bountyEvents.actorLabel, placeholder("label")), isNull(bountyEvents.actorUserId), writing)),
  };
});

function requireBounty(tx: Tx | Db, id: number): BountyRow {
  const row = commandQueries(tx).bounty.get({ id });
  if (!row) throw new NotFound("There is no such bounty.");
  return row;
}

export function activeClaim(tx: Tx | Db, bountyId: number): ClaimRow | null {
  return commandQueries(tx).activeClaim.get({ bountyId }) ?? null;
}

export function holdsClaim(claim: ClaimRow | null, actor: BountyActor): boolean {
  if (!claim) return false;
  if (actor.userId !== null) return claim.userId === actor.userId;
  return Boolean(actor.githubLogin) && claim.userId === null && claim.githubLogin?.toLowerCase() === actor.githubLogin?.toLowerCase();
}

/** The claimant's label (formatClaimantLabel), looking the user's name up. */
export function claimantLabel(tx: Tx | Db, claim: { userId: number | null; githubLogin: string | null }): string {
  const username =
    claim.userId === null ? null : (tx.select({ username: users.username }).from(users).where(eq(users.id, claim.userId)).get()?.username ?? null);
  return formatClaimantLabel({ userId: claim.userId, username, githubLogin: claim.githubLogin });
}

/** A check-in: the claim runs for CLAIM_DAYS from now again. */
function checkIn(tx: Tx, claimId: number, now: number) {
  commandQueries(tx).checkIn.run({ id: claimId, lastCheckinAt: now, expiresAt: claimExpiresAt(now, env.CLAIM_DAYS) });
}

export interface EventInput {
  type: BountyEventType;
  note?: string | null;
  links?: string[];
  externalKey?: string | null;
}

/**
 * Adds one event to a bounty's timeline: the one place a note is written, rendered once
 * here and stored beside its Markdown, so pages never render it again (a trigger refuses
 * a note without its rendering). Every door comes through here: web actions, GitHub
 * commands, the lifecycle, the seed. Rendering inside the write transaction is bounded:
 * the worst 10,000-character note takes ~5 ms (app/lib/markdown.server.ts).
 */
export function insertBountyEvent(tx: Tx, bountyId: number, actor: Actor, event: EventInput, now: number): number {
  const result = commandQueries(tx).insertEvent.run({
    bountyId,
    type: event.type,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    source: actor.source,
    note: event.note ?? null,
    noteHtml: event.note ? renderMarkdown(event.note) : null,
    linksJson: event.links && event.links.length > 0 ? JSON.stringify(event.links) : null,
    externalKey: event.externalKey ?? null,
    createdAt: now,
  });
  return Number(result.lastInsertRowid);
}

/** A bounty's description with its rendering, as every writer of bounties stores it. */
export function descriptionColumns(description: string): { description: string; descriptionHtml: string } {
  return { description, descriptionHtml: renderMarkdown(description) };
}

// ---------------------------------------------------------------------------
// How fast one person may add notes

/** The note rate limit: per person and bounty, and per person across all bounties. */
export const NOTE_WINDOW_MS = 10 * 60 * 1000;
export const NOTES_PER_BOUNTY = 10;
export const NOTES_PER_PERSON = 30;

/** How much one timeline event may carry, whichever door it came through. */
export const NOTE_MAX_CHARS = 10_000;
export const LINKS_MAX = 5;
export const LINK_MAX_CHARS = 2_000;

/**
 * Refuses a note, reason or links past the sizes every page is built for: the web form says
 * so too, but GitHub comments (up to 65,536 characters) come straight here.
 * @throws Unprocessable
 */
function checkWritingSize(note: string | null, reason: string | null, links: string[] | undefined) {
  for (const text of [note, reason]) {
    if (text && text.length > NOTE_MAX_CHARS) throw new Unprocessable(`A note may be at most ${NOTE_MAX_CHARS.toLocaleString("en")} characters.`);
  }
  if (links && links.length > LINKS_MAX) throw new Unprocessable(`Add at most ${LINKS_MAX} links.`);
  if (links?.some((l) => l.length > LINK_MAX_CHARS)) throw new Unprocessable(`Each link may be at most ${LINK_MAX_CHARS.toLocaleString("en")} characters.`);
}

/**
 * Throws RateLimited when this person already added NOTES_PER_BOUNTY notes to this bounty,
 * or NOTES_PER_PERSON notes anywhere, in the last NOTE_WINDOW_MS. A note is any timeline
 * event carrying text or links a person wrote (progress notes and links, reasons, refused
 * GitHub commands). Club Zero itself and GitHub's own reports (upstream events) are not limited.
 */
function checkNoteRate(tx: Tx, actor: BountyActor, bountyId: number, now: number) {
  if (actor.source === "system" || (actor.userId === null && !actor.githubLogin)) return;
  const since = now - NOTE_WINDOW_MS;
  const q = commandQueries(tx);
  const recent = actor.userId !== null ? q.notesByUser.all({ userId: actor.userId, since }) : q.notesByLogin.all({ label: actor.label, since });
  const here = recent.filter((r) => r.bountyId === bountyId);
  for (const [rows, limit, where] of [
    [here, NOTES_PER_BOUNTY, "on this bounty"],
    [recent, NOTES_PER_PERSON, "across all bounties"],
  ] as const) {
    if (rows.length < limit) continue;
    // the wait ends when enough of the oldest notes leave the window to go under the limit
    const freesUp = rows[rows.length - limit]!.createdAt + NOTE_WINDOW_MS;
    const seconds = Math.max(1, Math.ceil((freesUp - now) / 1000));
    const minutes = Math.ceil(seconds / 60);
    throw new RateLimited(
      `You have added ${rows.length} notes ${where} in the last ${NOTE_WINDOW_MS / 60_000} minutes, the most allowed is ${limit}. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
      seconds,
    );
  }
}

function setStatus(tx: Tx, bounty: BountyRow, status: BountyStatus, now: number, extra: Partial<BountyRow> = {}) {
  if (Object.keys(extra).length === 0) commandQueries(tx).setStatus.run({ id: bounty.id, status, updatedAt: now });
  else
    tx.update(bounties)
      .set({ status, updatedAt: now, ...extra })
      .where(eq(bounties.id, bounty.id))
      .run();
}

function endClaim(tx: Tx, claim: ClaimRow, reason: NonNullable<ClaimRow["endReason"]>, now: number) {
  tx.update(claims).set({ endedAt: now, endReason: reason }).where(eq(claims.id, claim.id)).run();
}

// ---------------------------------------------------------------------------
// Creating

export interface NewBounty {
  targetId: number;
  title: string;
  description: string;
  kind: BountyKind;
  personas?: PersonaSlug[];
  difficulty?: Difficulty | null;
  github?: { repo: string; number: number } | null;
  seedKey?: string;
}

/**
 * Creates a bounty. SSC members and admins create it open; anyone else signed in
 * proposes it, and it waits for an SSC member or admin to accept or decline it.
 * Personas default to the ones the kind suits.
 * @throws NotFound (no such target), Forbidden (a disabled account)
 */
export function createBounty(db: Db, actor: BountyActor, input: NewBounty, now = Date.now(), opts: { open?: boolean } = {}): BountyRow {
  return writeTx(db, (tx) => {
    assertMayAct(tx, actor);
    const target = tx.select({ id: targets.id }).from(targets).where(eq(targets.id, input.targetId)).get();
    if (!target) throw new NotFound("There is no such target.");
    // opts.open: the caller's own rule lets this actor open it directly (packagers asking for packaging).
    const status: BountyStatus = opts.open || isReviewer(actor) || actor.source === "system" || actor.source === "github" ? "open" : "proposed";
    const row = tx
      .insert(bounties)
      .values({
        targetId: input.targetId,
        title: input.title,
        ...descriptionColumns(input.description),
        kind: input.kind,
        difficulty: input.difficulty ?? null,
        status,
        githubRepo: input.github?.repo ?? null,
        githubNumber: input.github?.number ?? null,
        createdByUserId: actor.userId,
        seedKey: input.seedKey ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const chosen = input.personas && input.personas.length > 0 ? input.personas : KIND_PERSONAS[input.kind];
    for (const personaSlug of new Set(chosen)) tx.insert(bountyPersonas).values({ bountyId: row.id, personaSlug }).run();
    insertBountyEvent(tx, row.id, actor, { type: status === "open" ? "created" : "proposed" }, now);
    if (status === "proposed") {
      notify(
        tx,
        {
          kind: "proposal_waiting",
          recipients: userIdsWithRole(tx, "ssc", "admin"),
          exceptUserId: actor.userId,
          eventKey: `bounty:${row.id}:proposed`,
          title: `A bounty proposal is waiting: ${row.title}`,
          body: `${actor.label} proposed "${row.title}". Accept it to open it, or decline it with a reason.`,
          link: `/bounties/${row.id}`,
        },
        now,
      );
    } else {
      notify(
        tx,
        {
          kind: "watched_change",
          recipients: watcherIds(tx, { targetId: input.targetId }),
          exceptUserId: actor.userId,
          eventKey: `bounty:${row.id}:created`,
          title: `New bounty: ${row.title}`,
          body: `A new bounty was opened on a target you watch: "${row.title}".`,
          link: `/bounties/${row.id}`,
        },
        now,
      );
    }
    recordAudit(
      tx,
      actor,
      {
        action: status === "open" ? "bounty.created" : "bounty.proposed",
        entityType: "bounty",
        entityId: row.id,
        after: { title: row.title, kind: row.kind, status },
      },
      now,
    );
    return row;
  });
}

// ---------------------------------------------------------------------------
// Acting

export interface IntentInput {
  note?: string | null;
  links?: string[];
  /** Required for declining, sending back from review, cancelling, and releasing someone else's claim. */
  reason?: string | null;
  /** Natural key of an outside event (GitHub comment id), so it acts once. */
  externalKey?: string | null;
  /** Upstream completion with nobody holding the claim: who did it (the merged PR's author). */
  credit?: { userId: number | null; githubLogin: string | null } | null;
}

export interface IntentResult {
  bounty: BountyRow;
  /** The event recorded; null when an externalKey had already acted. */
  duplicate: boolean;
}

/**
 * Applies one intent to a bounty in a single BEGIN IMMEDIATE transaction: checks who may
 * act, asks the state machine whether it makes sense, enforces the claim rules, moves the
 * bounty, records the timeline event and the audit record.
 * @throws NotFound, Forbidden (not allowed for this person, or a disabled account), InvalidTransition (409, makes
 *   no sense in this state; for a claim it names who holds it), Conflict (claim limit),
 *   Unprocessable (a required reason or link is missing), RateLimited (429: the person's
 *   note rate limit, when the event would carry a note).
 */
export function applyIntent(
  db: Db,
  actor: BountyActor,
  bountyId: number,
  intent: Exclude<BountyIntent, "expire">,
  input: IntentInput = {},
  now = Date.now(),
): IntentResult {
  return writeTx(db, (tx) => {
    if (input.externalKey) {
      const seen = commandQueries(tx).eventByKey.get({ externalKey: input.externalKey });
      if (seen) return { bounty: requireBounty(tx, bountyId), duplicate: true };
    }
    assertMayAct(tx, actor);
    expireClaimsIn(tx, now, bountyId);
    const bounty = requireBounty(tx, bountyId);
    // Whoever may not see the bounty may not act on it either, whichever door asks.
    if (!maySeeBounty(actor, bounty)) throw new NotFound("There is no such bounty.");
    const claim = activeClaim(tx, bountyId);
    const viewer = { signedIn: actor.userId !== null || Boolean(actor.githubLogin), isClaimant: holdsClaim(claim, actor), isReviewer: isReviewer(actor) };

    if (intent === "claim" && claim) {
      throw new InvalidTransition(`${claimantLabel(tx, claim)} has already claimed this bounty.`);
    }
    if (isUpstreamIntent(intent)) {
      if (actor.source !== "github") throw new Forbidden("Only GitHub itself reports what happened upstream.");
    } else if (!mayAct(intent, viewer)) {
      throw new Forbidden(forbiddenReason(intent, claim ? claimantLabel(tx, claim) : null));
    }
    const move = nextStatus(bounty.status, intent);
    if (!move.ok) throw new InvalidTransition(move.reason);
    if (intent === "complete" && viewer.isClaimant) throw new Forbidden("Someone else must review and confirm your own work.");

    const reason = input.reason?.trim() || null;
    const note = input.note?.trim() || null;
    let eventType: BountyEventType;
    let extra: Partial<BountyRow> = {};
    if (!isUpstreamIntent(intent)) {
      checkWritingSize(note, reason, input.links);
      if (reason ?? note ?? input.links?.length) checkNoteRate(tx, actor, bountyId, now);
    }

    switch (intent) {
      case "claim": {
        const held = countActiveClaims(tx, actor);
        if (held >= env.MAX_ACTIVE_CLAIMS) {
          throw new Conflict(`You already hold ${held} active claims, the most anyone may hold at once. Finish or release one first.`);
        }
        tx.insert(claims)
          .values({
            bountyId,
            userId: actor.userId,
            githubLogin: actor.userId === null ? (actor.githubLogin ?? null) : null,
            claimedAt: now,
            lastCheckinAt: now,
            expiresAt: claimExpiresAt(now, env.CLAIM_DAYS),
          })
          .run();
        eventType = "claimed";
        break;
      }
      case "progress":
        if (!note && !input.links?.length) throw new Unprocessable("Write a progress note or add a link.");
        checkIn(tx, claim!.id, now);
        eventType = "progress";
        break;
      case "submit":
        if (!input.links?.length) throw new Unprocessable("Add a link to the work (a pull request, a document, a package) so reviewers can check it.");
        checkIn(tx, claim!.id, now);
        eventType = "submitted";
        break;
      case "release":
        if (!viewer.isClaimant && !reason) throw new Unprocessable("Say why you are releasing someone else's claim.");
        endClaim(tx, claim!, viewer.isClaimant ? "released" : "revoked", now);
        eventType = "released";
        break;
      case "complete":
        endClaim(tx, claim!, "completed", now);
        extra = { completedByUserId: claim!.userId, completedByGithubLogin: claim!.userId === null ? claim!.githubLogin : null, completedAt: now };
        eventType = "completed";
        break;
      case "reopen":
        if (bounty.status === "in_review" && !reason) throw new Unprocessable("Say what still needs doing before it can be completed.");
        // Back to the claimant: the time spent in review does not count against them.
        if (claim) checkIn(tx, claim.id, now);
        eventType = "reopened";
        break;
      case "cancel":
        if (!reason) throw new Unprocessable("Say why the bounty is cancelled.");
        if (claim) endClaim(tx, claim, "cancelled", now);
        eventType = "cancelled";
        break;
      case "accept":
        eventType = "accepted";
        break;
      case "decline":
        if (!reason) throw new Unprocessable("Say why the proposal is declined, so the proposer can learn from it.");
        eventType = "declined";
        break;
      case "upstream_review":
        eventType = "submitted";
        break;
      case "upstream_complete": {
        const credit = claim ? { userId: claim.userId, githubLogin: claim.userId === null ? claim.githubLogin : null } : (input.credit ?? null);
        if (claim) endClaim(tx, claim, "completed", now);
        extra = {
          completedByUserId: credit?.userId ?? null,
          completedByGithubLogin: credit?.userId == null ? (credit?.githubLogin ?? null) : null,
          completedAt: now,
        };
        eventType = "completed";
        break;
      }
      case "upstream_cancel":
        if (claim) endClaim(tx, claim, "cancelled", now);
        eventType = "cancelled";
        break;
      case "upstream_reopen":
        extra = { completedByUserId: null, completedByGithubLogin: null, completedAt: null };
        eventType = "reopened";
        break;
      case "upstream_release":
        endClaim(tx, claim!, "released", now);
        eventType = "released";
        break;
      case "upstream_withdraw":
      case "upstream_unreview":
        if (claim) checkIn(tx, claim.id, now);
        eventType = "reopened";
        break;
    }

    setStatus(tx, bounty, move.next, now, extra);
    const eventId = insertBountyEvent(tx, bountyId, actor, { type: eventType, note: reason ?? note, links: input.links, externalKey: input.externalKey }, now);
    tellAboutIntent(
      tx,
      actor,
      { ...bounty, status: move.next },
      { from: bounty.status, intent, claim, credit: extra.completedByUserId ?? null, eventId, reason },
      now,
    );
    recordAudit(
      tx,
      actor,
      { action: `bounty.${intent}`, entityType: "bounty", entityId: bountyId, before: { status: bounty.status }, after: { status: move.next } },
      now,
    );
    // the row as setStatus left it (no trigger changes a bounty's columns)
    return { bounty: { ...bounty, status: move.next, updatedAt: now, ...extra }, duplicate: false };
  });
}

/**
 * GitHub sends `issues.closed` and the merged `pull_request.closed` in either order. When the
 * issue's close completed the bounty first, nobody holding a claim, the merged PR's author is
 * credited now, as if the PR had arrived first. A completion already credited (to the
 * claimant, or to this author) is left alone. Acts once per externalKey.
 */
export function creditUpstreamCompletion(
  db: Db,
  actor: BountyActor,
  bountyId: number,
  credit: { userId: number | null; githubLogin: string | null },
  input: { note: string; links: string[]; externalKey: string },
  now = Date.now(),
): boolean {
  return writeTx(db, (tx) => {
    const seen = tx.select({ id: bountyEvents.id }).from(bountyEvents).where(eq(bountyEvents.externalKey, input.externalKey)).get();
    if (seen) return false;
    const bounty = requireBounty(tx, bountyId);
    if (bounty.status !== "completed" || bounty.completedByUserId !== null || bounty.completedByGithubLogin !== null) return false;
    const credited = { completedByUserId: credit.userId, completedByGithubLogin: credit.userId === null ? credit.githubLogin : null };
    tx.update(bounties)
      .set({ ...credited, updatedAt: now })
      .where(eq(bounties.id, bountyId))
      .run();
    const eventId = insertBountyEvent(tx, bountyId, actor, { type: "linked", note: input.note, links: input.links, externalKey: input.externalKey }, now);
    tellCredited(tx, actor, bounty, eventId, credit.userId, now);
    recordAudit(tx, actor, { action: "bounty.upstream_credit", entityType: "bounty", entityId: bountyId, before: { credit: null }, after: credited }, now);
    return true;
  });
}

/** Tells the person credited with a completion (if they have an account) that it is done. */
function tellCredited(tx: Tx, actor: BountyActor, bounty: BountyRow, eventId: number, credit: number | null, now: number) {
  if (credit === null) return;
  notify(
    tx,
    {
      kind: "work_completed",
      recipients: [credit],
      exceptUserId: actor.userId,
      eventKey: `bounty:${bounty.id}:event:${eventId}:completed`,
      title: `Your work is completed: ${bounty.title}`,
      body: `"${bounty.title}" is completed and credited to you. Thank you!`,
      link: `/bounties/${bounty.id}`,
    },
    now,
  );
}

/**
 * Completes a bounty whose work was accepted inside Club Zero (a tutorial published by a
 * reviewer), in the caller's transaction: from open or active work only, and never over
 * someone else's claim (the claim must be held by one of `authorIds`, or nobody). Credit goes
 * to the claimant, else to `creditUserId`. Returns whether it completed the bounty.
 */
export function completeBountyByPublishedWork(
  tx: Tx,
  actor: BountyActor,
  bountyId: number,
  work: { authorIds: number[]; creditUserId: number | null; note: string; link: string },
  now: number,
): boolean {
  const bounty = requireBounty(tx, bountyId);
  if (!(OPEN_AND_ACTIVE as readonly BountyStatus[]).includes(bounty.status)) return false;
  const claim = activeClaim(tx, bountyId);
  if (claim && (claim.userId === null || !work.authorIds.includes(claim.userId))) return false;
  if (claim) endClaim(tx, claim, "completed", now);
  const credit = claim?.userId ?? work.creditUserId;
  setStatus(tx, bounty, "completed", now, { completedByUserId: credit, completedByGithubLogin: null, completedAt: now });
  const eventId = insertBountyEvent(tx, bountyId, actor, { type: "completed", note: work.note, links: [work.link] }, now);
  tellCredited(tx, actor, bounty, eventId, credit, now);
  recordAudit(
    tx,
    actor,
    {
      action: "bounty.completed_by_publication",
      entityType: "bounty",
      entityId: bountyId,
      before: { status: bounty.status },
      after: { status: "completed", credit },
    },
    now,
  );
  return true;
}

/**
 * Records on the timeline that a command from outside (a GitHub comment) was refused, and
 * why. Acts once per externalKey.
 * @throws RateLimited: a refusal is a note the person caused, so it counts against their
 *   note rate limit; over it, nothing is recorded.
 */
export function recordRefusal(db: Db, actor: BountyActor, bountyId: number, reason: string, externalKey: string, now = Date.now()) {
  writeTx(db, (tx) => {
    const seen = tx.select({ id: bountyEvents.id }).from(bountyEvents).where(eq(bountyEvents.externalKey, externalKey)).get();
    if (seen) return;
    requireBounty(tx, bountyId);
    checkNoteRate(tx, actor, bountyId, now);
    insertBountyEvent(tx, bountyId, actor, { type: "refused", note: reason, externalKey }, now);
  });
}

/**
 * Records on the timeline something GitHub reported that changes nothing here (an issue
 * moved, a label removed from claimed work), with its audit record. Acts once per externalKey;
 * GitHub's own reports are not rate-limited. Returns whether it was recorded.
 */
export function recordUpstreamNote(
  db: Db,
  actor: BountyActor,
  bountyId: number,
  input: { note: string; links?: string[]; externalKey: string; audit: { action: string; before?: unknown; after?: unknown } },
  now = Date.now(),
): boolean {
  return writeTx(db, (tx) => {
    const seen = tx.select({ id: bountyEvents.id }).from(bountyEvents).where(eq(bountyEvents.externalKey, input.externalKey)).get();
    if (seen) return false;
    requireBounty(tx, bountyId);
    insertBountyEvent(tx, bountyId, actor, { type: "linked", note: input.note, links: input.links, externalKey: input.externalKey }, now);
    recordAudit(tx, actor, { ...input.audit, entityType: "bounty", entityId: bountyId }, now);
    return true;
  });
}

function forbiddenReason(intent: WebIntent, holder: string | null): string {
  switch (intent) {
    case "claim":
      return "Sign in to claim a bounty.";
    case "progress":
    case "submit":
      return holder ? `Only ${holder}, who holds the claim, can do that.` : "Only the person holding the claim can do that.";
    case "release":
      return "Only the person holding the claim, or an SSC member or admin, can release it.";
    default:
      return "Only SSC members and admins can do that.";
  }
}

function countActiveClaims(tx: Tx, actor: BountyActor): number {
  const where =
    actor.userId !== null
      ? and(eq(claims.userId, actor.userId), isNull(claims.endedAt))
      : and(isNull(claims.userId), sql`lower(${claims.githubLogin}) = ${(actor.githubLogin ?? "").toLowerCase()}`, isNull(claims.endedAt));
  return tx.select({ n: count() }).from(claims).where(where).get()?.n ?? 0;
}

/**
 * Releases claims nobody checked in on for CLAIM_DAYS (not those waiting for review:
 * the wait is then the reviewers', not the claimant's). Each release is a timeline event.
 * Returns how many were released.
 */
export function expireClaims(db: Db, now = Date.now()): number {
  // Readers call this on every page: look first (an indexed read), and take the write
  // lock only when a claim is actually due, so pages do not queue behind each other.
  if (!claimDue(db).get({ now })) return 0;
  return writeTx(db, (tx) => expireClaimsIn(tx, now));
}
// Only claims the clock can end: work in review waits for its reviewers, however long, and
// an overdue claim on it must not make every page take the write lock for nothing.
const claimDue = preparedPerDatabase((db: Db | Tx) =>
  db
    .select({ id: claims.id })
    .from(claims)
    // exists, not a join: the walk stays on claims_active_expiry_idx (a join read every claimed bounty)
    .where(
      and(
        isNull(claims.endedAt),
        lt(claims.expiresAt, sql.placeholder("now")),
        sql`exists (select 1 from ${bounties} b where b.id = ${claims.bountyId} and b.status in ${listStatusesFor("expire")})`,
      ),
    )
    .limit(1)
    .prepare(),
);

function expireClaimsIn(tx: Tx, now: number, bountyId?: number): number {
  const due =
    bountyId !== undefined
      ? commandQueries(tx).dueClaimsOf.all({ now, bountyId })
      : tx
          .select({ claim: claims, status: bounties.status, title: bounties.title })
          .from(claims)
          .innerJoin(bounties, eq(bounties.id, claims.bountyId))
          .where(and(isNull(claims.endedAt), lt(claims.expiresAt, now)))
          .all();
  let released = 0;
  for (const { claim, status, title } of due) {
    const move = nextStatus(status, "expire");
    if (!move.ok) continue;
    const label = claimantLabel(tx, claim);
    endClaim(tx, claim, "expired", now);
    tx.update(bounties).set({ status: move.next, updatedAt: now }).where(eq(bounties.id, claim.bountyId)).run();
    const days = Math.round((now - claim.lastCheckinAt) / 86_400_000);
    insertBountyEvent(
      tx,
      claim.bountyId,
      systemActor,
      { type: "expired", note: `The claim by ${label} ran out after ${days} days without a check-in, so the bounty is open again.` },
      now,
    );
    recordAudit(
      tx,
      systemActor,
      { action: "bounty.expire", entityType: "bounty", entityId: claim.bountyId, before: { status }, after: { status: move.next } },
      now,
    );
    notify(
      tx,
      {
        kind: "claim_expired",
        recipients: [claim.userId],
        eventKey: `claim:${claim.id}:expired`,
        title: `Your claim expired: ${title}`,
        body: `Your claim on "${title}" ran out after ${days} days without a check-in, so the bounty is open again. Claim it again if you are still on it.`,
        link: `/bounties/${claim.bountyId}`,
      },
      now,
    );
    released++;
  }
  return released;
}

/** How long before a claim runs out its holder is reminded. */
export const CLAIM_REMINDER_MS = 3 * 86_400_000;

/**
 * Reminds each holder of a claim that runs out within CLAIM_REMINDER_MS (and can run out: not
 * work waiting in review), once per claim and deadline: a check-in moves the deadline, and
 * the next reminder is for the new one. Run by the claim-expiry job.
 */
export function remindExpiringClaims(db: Db, now = Date.now()): number {
  return writeTx(db, (tx) => {
    const soon = tx
      .select({ claim: claims, status: bounties.status, title: bounties.title })
      .from(claims)
      .innerJoin(bounties, eq(bounties.id, claims.bountyId))
      .where(and(isNull(claims.endedAt), isNotNull(claims.userId), gt(claims.expiresAt, now), lt(claims.expiresAt, now + CLAIM_REMINDER_MS)))
      .all();
    let told = 0;
    for (const { claim, status, title } of soon) {
      if (!nextStatus(status, "expire").ok) continue;
      const days = Math.max(1, Math.ceil((claim.expiresAt - now) / 86_400_000));
      told += notify(
        tx,
        {
          kind: "claim_expiring",
          recipients: [claim.userId],
          eventKey: `claim:${claim.id}:expiring:${claim.expiresAt}`,
          title: `Your claim expires in ${days} ${days === 1 ? "day" : "days"}: ${title}`,
          body: `Your claim on "${title}" runs out on ${new Date(claim.expiresAt).toISOString().slice(0, 10)} unless you check in. Add a progress note to keep it, or release it so someone else can pick it up.`,
          link: `/bounties/${claim.bountyId}`,
        },
        now,
      );
    }
    return told;
  });
}

interface IntentNews {
  from: BountyStatus;
  intent: Exclude<BountyIntent, "expire">;
  claim: ClaimRow | null;
  /** Who was credited with the completion. */
  credit: number | null;
  eventId: number;
  reason: string | null;
}

/**
 * Who hears of a move: reviewers of work waiting for review, the claimant of work sent back
 * or completed, and (for public bounties only) whoever watches the bounty or its target.
 */
function tellAboutIntent(tx: Tx, actor: BountyActor, bounty: BountyRow, news: IntentNews, now: number) {
  const link = `/bounties/${bounty.id}`;
  const told = new Set<number>();
  const send = (input: Omit<Parameters<typeof notify>[1], "link" | "exceptUserId">) => {
    notify(tx, { ...input, link, exceptUserId: actor.userId }, now);
    for (const id of input.recipients) if (typeof id === "number") told.add(id);
  };
  const why = news.reason ? ` They said: "${news.reason}"` : "";
  if (news.intent === "submit" || news.intent === "upstream_review") {
    send({
      kind: "review_needed",
      recipients: userIdsWithRole(tx, "ssc", "admin"),
      eventKey: `bounty:${bounty.id}:event:${news.eventId}:review`,
      title: `Work submitted for review: ${bounty.title}`,
      body: `${actor.label} submitted the work on "${bounty.title}". Review it, then complete it or send it back.`,
    });
  }
  if (news.intent === "reopen" && news.from === "in_review" && news.claim?.userId) {
    send({
      kind: "work_sent_back",
      recipients: [news.claim.userId],
      eventKey: `bounty:${bounty.id}:event:${news.eventId}:sent_back`,
      title: `Your work was sent back: ${bounty.title}`,
      body: `${actor.label} sent your work on "${bounty.title}" back from review.${why}`,
    });
  }
  if ((news.intent === "complete" || news.intent === "upstream_complete") && news.credit !== null) {
    send({
      kind: "work_completed",
      recipients: [news.credit],
      eventKey: `bounty:${bounty.id}:event:${news.eventId}:completed`,
      title: `Your work is completed: ${bounty.title}`,
      body: `"${bounty.title}" is completed and credited to you. Thank you!`,
    });
  }
  if (!maySeeBounty(null, bounty)) return; // a proposal's watchers would learn its title
  const watchers = watcherIds(tx, { bountyId: bounty.id, targetId: bounty.targetId }).filter((id) => !told.has(id));
  notify(
    tx,
    {
      kind: "watched_change",
      recipients: watchers,
      exceptUserId: actor.userId,
      eventKey: `bounty:${bounty.id}:event:${news.eventId}`,
      title: `${bounty.title}: ${STATUS_NEWS[bounty.status]}`,
      body: `${actor.label} acted on "${bounty.title}" (${news.intent.replace("upstream_", "upstream ")}); it is now ${STATUS_NEWS[bounty.status]}.${why}`,
      link,
    },
    now,
  );
}

const STATUS_NEWS: Record<BountyStatus, string> = {
  proposed: "proposed",
  declined: "declined",
  open: "open",
  claimed: "claimed",
  in_progress: "in progress",
  in_review: "in review",
  completed: "completed",
  cancelled: "cancelled",
};

// ---------------------------------------------------------------------------
// Reading

export { ACTIVE_STATUSES };
export type { BountyIntent };

/** The actor for a signed-in web user. */
export const webBountyActor: (user: { id: number; username: string; roles: Role[] }) => BountyActor = webPerson;
