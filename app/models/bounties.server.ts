import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import {
  bounties,
  bountyEvents,
  bountyPersonas,
  claims,
  personas,
  targets,
  users,
  type BountyEventType,
  type BountyKind,
  type BountyStatus,
  type Difficulty,
  type PersonaSlug,
  type Role,
} from "../../db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { env } from "../env.server";
import {
  ACTIVE_STATUSES,
  BOARD_PAGE_SIZE,
  isUpstreamIntent,
  KIND_PERSONAS,
  mayAct,
  nextStatus,
  OPEN_AND_ACTIVE,
  type BountyIntent,
  type WebIntent,
} from "../lib/bounty-lifecycle";
import { renderMarkdown } from "../lib/markdown.server";
import { recordAudit, webPerson, type Actor } from "./audit.server";
import { Conflict, Forbidden, InvalidTransition, NotFound, RateLimited, Unprocessable } from "./errors";
import { isBountyReviewer, maySeeBounty, publicBountiesOnly } from "./permissions.server";
import { assertMayAct } from "./users.server";

const DAY = 86_400_000;

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

function requireBounty(tx: Tx | Db, id: number): BountyRow {
  const row = tx.select().from(bounties).where(eq(bounties.id, id)).get();
  if (!row) throw new NotFound("There is no such bounty.");
  return row;
}

function activeClaim(tx: Tx | Db, bountyId: number): ClaimRow | null {
  return tx.select().from(claims).where(and(eq(claims.bountyId, bountyId), isNull(claims.endedAt))).get() ?? null;
}

function holdsClaim(claim: ClaimRow | null, actor: BountyActor): boolean {
  if (!claim) return false;
  if (actor.userId !== null) return claim.userId === actor.userId;
  return Boolean(actor.githubLogin) && claim.userId === null && claim.githubLogin?.toLowerCase() === actor.githubLogin?.toLowerCase();
}

/** "@alice" for a user, "@octocat (GitHub)" for a login without an account. */
function claimantLabel(tx: Tx | Db, claim: { userId: number | null; githubLogin: string | null }): string {
  if (claim.userId !== null) {
    const u = tx.select({ username: users.username }).from(users).where(eq(users.id, claim.userId)).get();
    return u ? `@${u.username}` : "someone";
  }
  return `@${claim.githubLogin} (GitHub)`;
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
export function insertBountyEvent(tx: Tx, bountyId: number, actor: Actor, event: EventInput, now: number) {
  tx.insert(bountyEvents)
    .values({
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
    })
    .run();
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

/**
 * Throws RateLimited when this person already added NOTES_PER_BOUNTY notes to this bounty,
 * or NOTES_PER_PERSON notes anywhere, in the last NOTE_WINDOW_MS. A note is any timeline
 * event carrying text a person caused (progress notes, reasons, refused GitHub commands).
 * Club Zero itself and GitHub's own reports (upstream events) are not limited.
 */
function checkNoteRate(tx: Tx, actor: BountyActor, bountyId: number, now: number) {
  if (actor.source === "system" || (actor.userId === null && !actor.githubLogin)) return;
  const since = now - NOTE_WINDOW_MS;
  // Partial indexes bounty_events_user_notes_idx / _login_notes_idx hold exactly these rows.
  const person =
    actor.userId !== null
      ? and(eq(bountyEvents.actorUserId, actor.userId), isNotNull(bountyEvents.note))
      : and(eq(bountyEvents.actorLabel, actor.label), isNull(bountyEvents.actorUserId), isNotNull(bountyEvents.note));
  const recent = tx
    .select({ bountyId: bountyEvents.bountyId, createdAt: bountyEvents.createdAt })
    .from(bountyEvents)
    .where(and(person, gt(bountyEvents.createdAt, since)))
    .orderBy(asc(bountyEvents.createdAt))
    .all();
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
  tx.update(bounties).set({ status, updatedAt: now, ...extra }).where(eq(bounties.id, bounty.id)).run();
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
    recordAudit(tx, actor, { action: status === "open" ? "bounty.created" : "bounty.proposed", entityType: "bounty", entityId: row.id, after: { title: row.title, kind: row.kind, status } }, now);
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
      const seen = tx.select({ id: bountyEvents.id }).from(bountyEvents).where(eq(bountyEvents.externalKey, input.externalKey)).get();
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
    if ((reason ?? note) && !isUpstreamIntent(intent)) checkNoteRate(tx, actor, bountyId, now);

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
            expiresAt: now + env.CLAIM_DAYS * DAY,
          })
          .run();
        eventType = "claimed";
        break;
      }
      case "progress":
        if (!note && !(input.links?.length)) throw new Unprocessable("Write a progress note or add a link.");
        tx.update(claims).set({ lastCheckinAt: now, expiresAt: now + env.CLAIM_DAYS * DAY }).where(eq(claims.id, claim!.id)).run();
        eventType = "progress";
        break;
      case "submit":
        if (!input.links?.length) throw new Unprocessable("Add a link to the work (a pull request, a document, a package) so reviewers can check it.");
        tx.update(claims).set({ lastCheckinAt: now, expiresAt: now + env.CLAIM_DAYS * DAY }).where(eq(claims.id, claim!.id)).run();
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
        if (claim) tx.update(claims).set({ lastCheckinAt: now, expiresAt: now + env.CLAIM_DAYS * DAY }).where(eq(claims.id, claim.id)).run();
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
        extra = { completedByUserId: credit?.userId ?? null, completedByGithubLogin: credit?.userId == null ? (credit?.githubLogin ?? null) : null, completedAt: now };
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
      case "upstream_withdraw":
      case "upstream_unreview":
        if (claim) tx.update(claims).set({ lastCheckinAt: now, expiresAt: now + env.CLAIM_DAYS * DAY }).where(eq(claims.id, claim.id)).run();
        eventType = "reopened";
        break;
    }

    setStatus(tx, bounty, move.next, now, extra);
    insertBountyEvent(tx, bountyId, actor, { type: eventType, note: reason ?? note, links: input.links, externalKey: input.externalKey }, now);
    recordAudit(tx, actor, { action: `bounty.${intent}`, entityType: "bounty", entityId: bountyId, before: { status: bounty.status }, after: { status: move.next } }, now);
    return { bounty: requireBounty(tx, bountyId), duplicate: false };
  });
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

/** The bounty tracking a GitHub issue, or null. */
export function getBountyForIssue(db: Db, repo: string, number: number): BountyRow | null {
  return (
    db
      .select()
      .from(bounties)
      .where(and(sql`lower(${bounties.githubRepo}) = ${repo.toLowerCase()}`, eq(bounties.githubNumber, number)))
      .orderBy(asc(bounties.id))
      .get() ?? null
  );
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
  const due = db.select({ id: claims.id }).from(claims).where(and(isNull(claims.endedAt), lt(claims.expiresAt, now))).limit(1).get();
  if (!due) return 0;
  return writeTx(db, (tx) => expireClaimsIn(tx, now));
}

function expireClaimsIn(tx: Tx, now: number, bountyId?: number): number {
  const due = tx
    .select({ claim: claims, status: bounties.status })
    .from(claims)
    .innerJoin(bounties, eq(bounties.id, claims.bountyId))
    .where(and(isNull(claims.endedAt), lt(claims.expiresAt, now), bountyId === undefined ? undefined : eq(claims.bountyId, bountyId)))
    .all();
  let released = 0;
  for (const { claim, status } of due) {
    const move = nextStatus(status, "expire");
    if (!move.ok) continue;
    const label = claimantLabel(tx, claim);
    endClaim(tx, claim, "expired", now);
    tx.update(bounties).set({ status: move.next, updatedAt: now }).where(eq(bounties.id, claim.bountyId)).run();
    const days = Math.round((now - claim.lastCheckinAt) / DAY);
    insertBountyEvent(tx, claim.bountyId, systemActor, { type: "expired", note: `The claim by ${label} ran out after ${days} days without a check-in, so the bounty is open again.` }, now);
    recordAudit(tx, systemActor, { action: "bounty.expire", entityType: "bounty", entityId: claim.bountyId, before: { status }, after: { status: move.next } }, now);
    released++;
  }
  return released;
}

// ---------------------------------------------------------------------------
// Reading

export interface BoardFilters {
  status?: BountyStatus;
  /** Several statuses at once (used by target pages); `status` wins when both are set. */
  statuses?: readonly BountyStatus[];
  persona?: PersonaSlug;
  kind?: BountyKind;
  target?: string;
  q?: string;
  page: number;
}


export interface BountyCard {
  id: number;
  title: string;
  kind: BountyKind;
  status: BountyStatus;
  difficulty: Difficulty | null;
  createdAt: number;
  targetSlug: string;
  targetName: string;
  personas: PersonaSlug[];
  claim: { label: string; claimedAt: number; lastCheckinAt: number; expiresAt: number } | null;
}

const bountyPersonaList = sql<string | null>`(
  select group_concat(bp.persona_slug, ',') from ${bountyPersonas} bp where bp.bounty_id = "bounties"."id")`;

/**
 * The board: by default open and active work, newest first. Claims shown with their
 * freshness (claimant, last check-in, expiry).
 */
export function listBounties(db: Db, filters: BoardFilters): { rows: BountyCard[]; total: number } {
  const where: (SQL | undefined)[] = [
    filters.status ? eq(bounties.status, filters.status) : inArray(bounties.status, [...(filters.statuses ?? OPEN_AND_ACTIVE)]),
    // the board, target pages and /api/bounties are public, whatever status is asked for
    publicBountiesOnly(),
  ];
  if (filters.kind) where.push(eq(bounties.kind, filters.kind));
  // by id through the slug's unique index, so counting needs no join with targets
  if (filters.target) where.push(sql`${bounties.targetId} = (select t.id from ${targets} t where t.slug = ${filters.target})`);
  if (filters.persona) {
    where.push(sql`exists (select 1 from ${bountyPersonas} bp where bp.bounty_id = "bounties"."id" and bp.persona_slug = ${filters.persona})`);
  }
  if (filters.q) {
    const pattern = `%${filters.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(lower(${bounties.title}) like ${pattern} escape '\\' or lower(${bounties.description}) like ${pattern} escape '\\')`);
  }
  const rows = db
    .select({
      id: bounties.id,
      title: bounties.title,
      kind: bounties.kind,
      status: bounties.status,
      difficulty: bounties.difficulty,
      createdAt: bounties.createdAt,
      targetSlug: targets.slug,
      targetName: targets.name,
      personas: bountyPersonaList,
      claimUserId: claims.userId,
      claimLogin: claims.githubLogin,
      claimUsername: users.username,
      claimedAt: claims.claimedAt,
      lastCheckinAt: claims.lastCheckinAt,
      expiresAt: claims.expiresAt,
    })
    .from(bounties)
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .leftJoin(claims, and(eq(claims.bountyId, bounties.id), isNull(claims.endedAt)))
    .leftJoin(users, eq(users.id, claims.userId))
    .where(and(...where))
    .orderBy(desc(bounties.createdAt), desc(bounties.id))
    .limit(BOARD_PAGE_SIZE)
    .offset((filters.page - 1) * BOARD_PAGE_SIZE)
    .all();
  const total =
    db
      .select({ n: count() })
      .from(bounties)
      .where(and(...where))
      .get()?.n ?? 0;
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      status: r.status,
      difficulty: r.difficulty,
      createdAt: r.createdAt,
      targetSlug: r.targetSlug,
      targetName: r.targetName,
      personas: (r.personas ? r.personas.split(",") : []) as PersonaSlug[],
      claim:
        r.claimedAt !== null && r.lastCheckinAt !== null && r.expiresAt !== null
          ? { label: r.claimUsername ? `@${r.claimUsername}` : `@${r.claimLogin} (GitHub)`, claimedAt: r.claimedAt, lastCheckinAt: r.lastCheckinAt, expiresAt: r.expiresAt }
          : null,
    })),
  };
}

export type BountyEvent = typeof bountyEvents.$inferSelect;

/** Events on one page of a bounty's timeline. */
export const TIMELINE_PAGE_SIZE = 50;

export interface BountyDetail extends BountyRow {
  target: { slug: string; name: string };
  personas: PersonaSlug[];
  claim: (ClaimRow & { label: string }) | null;
  creditLabel: string | null;
  /** One page of the timeline, newest first. */
  events: BountyEvent[];
  eventTotal: number;
  eventPages: number;
}

/**
 * One bounty with its target, personas, active claim and one page of its timeline (newest
 * first, TIMELINE_PAGE_SIZE events), or null. The page is read from bounty_events_bounty_idx
 * in order, without sorting the bounty's events.
 */
export function getBounty(db: Db, id: number, page = 1): BountyDetail | null {
  const row = db.select().from(bounties).where(eq(bounties.id, id)).get();
  if (!row) return null;
  const target = db.select({ slug: targets.slug, name: targets.name }).from(targets).where(eq(targets.id, row.targetId)).get()!;
  const personaRows = db
    .select({ slug: bountyPersonas.personaSlug })
    .from(bountyPersonas)
    .innerJoin(personas, eq(personas.slug, bountyPersonas.personaSlug))
    .where(eq(bountyPersonas.bountyId, id))
    .orderBy(asc(personas.position))
    .all();
  const claim = activeClaim(db, id);
  const events = db
    .select()
    .from(bountyEvents)
    .where(eq(bountyEvents.bountyId, id))
    .orderBy(desc(bountyEvents.id))
    .limit(TIMELINE_PAGE_SIZE)
    .offset((page - 1) * TIMELINE_PAGE_SIZE)
    .all();
  const eventTotal = db.select({ n: count() }).from(bountyEvents).where(eq(bountyEvents.bountyId, id)).get()?.n ?? 0;
  return {
    ...row,
    target,
    personas: personaRows.map((p) => p.slug as PersonaSlug),
    claim: claim ? { ...claim, label: claimantLabel(db, claim) } : null,
    creditLabel:
      row.completedByUserId !== null || row.completedByGithubLogin
        ? claimantLabel(db, { userId: row.completedByUserId, githubLogin: row.completedByGithubLogin })
        : null,
    events,
    eventTotal,
    eventPages: Math.max(1, Math.ceil(eventTotal / TIMELINE_PAGE_SIZE)),
  };
}

/** Whether anyone holds the bounty's active claim. */
export function hasActiveClaim(db: Db, bountyId: number): boolean {
  return activeClaim(db, bountyId) !== null;
}

/** Whether this actor holds the bounty's active claim. */
export function isClaimant(db: Db, bountyId: number, actor: BountyActor): boolean {
  return holdsClaim(activeClaim(db, bountyId), actor);
}

/** completed / all (not counting proposals, declined or cancelled ones) for a target. */
export function getTargetProgress(db: Db, targetId: number): { completed: number; total: number } {
  const row = db
    .select({
      completed: sql<number>`coalesce(sum(${bounties.status} = 'completed'), 0)`,
      total: count(),
    })
    .from(bounties)
    .where(and(eq(bounties.targetId, targetId), inArray(bounties.status, [...OPEN_AND_ACTIVE, "completed"])))
    .get();
  return { completed: row?.completed ?? 0, total: row?.total ?? 0 };
}

export interface MyWork {
  claims: { bountyId: number; title: string; status: BountyStatus; targetName: string; lastCheckinAt: number; expiresAt: number }[];
  proposals: { id: number; title: string; status: BountyStatus; targetName: string; createdAt: number }[];
  completed: { id: number; title: string; targetName: string; completedAt: number | null }[];
}

export function listMyWork(db: Db, userId: number): MyWork {
  return {
    claims: db
      .select({ bountyId: bounties.id, title: bounties.title, status: bounties.status, targetName: targets.name, lastCheckinAt: claims.lastCheckinAt, expiresAt: claims.expiresAt })
      .from(claims)
      .innerJoin(bounties, eq(bounties.id, claims.bountyId))
      .innerJoin(targets, eq(targets.id, bounties.targetId))
      .where(and(eq(claims.userId, userId), isNull(claims.endedAt)))
      .orderBy(asc(claims.expiresAt))
      .all(),
    proposals: db
      .select({ id: bounties.id, title: bounties.title, status: bounties.status, targetName: targets.name, createdAt: bounties.createdAt })
      .from(bounties)
      .innerJoin(targets, eq(targets.id, bounties.targetId))
      .where(and(eq(bounties.createdByUserId, userId), inArray(bounties.status, ["proposed", "declined"])))
      .orderBy(desc(bounties.createdAt))
      .all(),
    completed: db
      .select({ id: bounties.id, title: bounties.title, targetName: targets.name, completedAt: bounties.completedAt })
      .from(bounties)
      .innerJoin(targets, eq(targets.id, bounties.targetId))
      .where(and(eq(bounties.completedByUserId, userId), eq(bounties.status, "completed")))
      .orderBy(desc(bounties.completedAt))
      .all(),
  };
}

export interface Contributor {
  label: string;
  username: string | null;
  displayName: string | null;
  work: { id: number; title: string; kind: BountyKind; targetName: string; targetSlug: string; completedAt: number | null }[];
}

/** Everyone who completed work, most contributions first, with what they did. */
export function listAppreciation(db: Db): Contributor[] {
  const rows = db
    .select({
      id: bounties.id,
      title: bounties.title,
      kind: bounties.kind,
      completedAt: bounties.completedAt,
      targetName: targets.name,
      targetSlug: targets.slug,
      userId: bounties.completedByUserId,
      login: bounties.completedByGithubLogin,
      username: users.username,
      displayName: users.displayName,
    })
    .from(bounties)
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .leftJoin(users, eq(users.id, bounties.completedByUserId))
    .where(and(eq(bounties.status, "completed"), or(sql`${bounties.completedByUserId} is not null`, sql`${bounties.completedByGithubLogin} is not null`)))
    .orderBy(desc(bounties.completedAt))
    .all();
  const byPerson = new Map<string, Contributor>();
  for (const r of rows) {
    const key = r.userId !== null ? `u${r.userId}` : `g${r.login?.toLowerCase()}`;
    const person = byPerson.get(key) ?? {
      label: r.username ? `@${r.username}` : `@${r.login}`,
      username: r.username,
      displayName: r.displayName,
      work: [],
    };
    person.work.push({ id: r.id, title: r.title, kind: r.kind, targetName: r.targetName, targetSlug: r.targetSlug, completedAt: r.completedAt });
    byPerson.set(key, person);
  }
  return [...byPerson.values()].sort((a, b) => b.work.length - a.work.length || a.label.localeCompare(b.label));
}

/** Proposals waiting for an SSC member or admin, oldest first. */
export function listProposals(db: Db) {
  return db
    .select({ id: bounties.id, title: bounties.title, kind: bounties.kind, createdAt: bounties.createdAt, targetName: targets.name, proposer: users.username })
    .from(bounties)
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .leftJoin(users, eq(users.id, bounties.createdByUserId))
    .where(eq(bounties.status, "proposed"))
    .orderBy(asc(bounties.createdAt))
    .all();
}

/** Newest open bounties, for the Atom feed. */
export function listNewOpenBounties(db: Db, persona?: PersonaSlug, limit = 50) {
  return db
    .select({ id: bounties.id, title: bounties.title, description: bounties.description, kind: bounties.kind, createdAt: bounties.createdAt, updatedAt: bounties.updatedAt, targetName: targets.name })
    .from(bounties)
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .where(
      and(
        eq(bounties.status, "open"),
        publicBountiesOnly(),
        persona ? sql`exists (select 1 from ${bountyPersonas} bp where bp.bounty_id = "bounties"."id" and bp.persona_slug = ${persona})` : undefined,
      ),
    )
    .orderBy(desc(bounties.createdAt), desc(bounties.id))
    .limit(limit)
    .all();
}

export { ACTIVE_STATUSES };
export type { BountyIntent };

/** The actor for a signed-in web user. */
export const webBountyActor: (user: { id: number; username: string; roles: Role[] }) => BountyActor = webPerson;

/**
 * Targets that have bounties, for the board's filter; null when there are more than `max`
 * (the page then offers a text field instead of a list thousands of entries long).
 */
export function listBountyTargetOptions(db: Db, max = 100): { slug: string; name: string }[] | null {
  const ids = db.selectDistinct({ id: bounties.targetId }).from(bounties).limit(max + 1).all().map((r) => r.id);
  if (ids.length > max) return null;
  if (ids.length === 0) return [];
  return db.select({ slug: targets.slug, name: targets.name }).from(targets).where(inArray(targets.id, ids)).all().sort((a, b) => a.name.localeCompare(b.name));
}
