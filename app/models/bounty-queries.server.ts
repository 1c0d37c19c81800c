// Bounty queries: the board, a bounty's page, a person's work, appreciation and feeds.
// Changes live in bounty-commands.server.ts.
import { and, asc, count, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { preparedPerDatabase } from "~/db/prepared";
import {
  bounties,
  bountyEvents,
  bountyPersonas,
  claims,
  personas,
  targets,
  users,
  type BountyKind,
  type BountyStatus,
  type Difficulty,
  type PersonaSlug,
} from "~/db/schema";
import { type Db, type Tx } from "../db.server";
import { BOARD_PAGE_SIZE, OPEN_AND_ACTIVE } from "../lib/bounty-lifecycle";
import { formatClaimantLabel } from "../lib/claims";
import { pageCount } from "../lib/paging";
import { activeClaim, claimantLabel, holdsClaim, type BountyActor } from "./bounty-commands.server";
import { publicBountiesOnly } from "./permissions.server";

type BountyRow = typeof bounties.$inferSelect;
type ClaimRow = typeof claims.$inferSelect;

/** The bounty tracking a GitHub issue, or null. */
const selectBountyForIssue = preparedPerDatabase((db: Db | Tx) =>
  db
    .select()
    .from(bounties)
    .where(and(sql`lower(${bounties.githubRepo}) = ${sql.placeholder("repo")}`, eq(bounties.githubNumber, sql.placeholder("number"))))
    .orderBy(asc(bounties.id))
    .prepare(),
);

export function getBountyForIssue(db: Db, repo: string, number: number): BountyRow | null {
  return selectBountyForIssue(db).get({ repo: repo.toLowerCase(), number }) ?? null;
}

/** The newest timeline event of one type on a bounty (or of any type), or null. */
export function getLatestEvent(db: Db, bountyId: number, type?: BountyEvent["type"]): BountyEvent | null {
  return (
    db
      .select()
      .from(bountyEvents)
      .where(and(eq(bountyEvents.bountyId, bountyId), type ? eq(bountyEvents.type, type) : undefined))
      .orderBy(desc(bountyEvents.id))
      .limit(1)
      .get() ?? null
  );
}

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
          ? {
              label: formatClaimantLabel({ userId: r.claimUserId, username: r.claimUsername, githubLogin: r.claimLogin }),
              claimedAt: r.claimedAt,
              lastCheckinAt: r.lastCheckinAt,
              expiresAt: r.expiresAt,
            }
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
    eventPages: pageCount(eventTotal, TIMELINE_PAGE_SIZE),
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
      .select({
        bountyId: bounties.id,
        title: bounties.title,
        status: bounties.status,
        targetName: targets.name,
        lastCheckinAt: claims.lastCheckinAt,
        expiresAt: claims.expiresAt,
      })
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
      label: formatClaimantLabel({ userId: r.userId, username: r.username, githubLogin: r.login }),
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
    .select({
      id: bounties.id,
      title: bounties.title,
      description: bounties.description,
      kind: bounties.kind,
      createdAt: bounties.createdAt,
      updatedAt: bounties.updatedAt,
      targetName: targets.name,
    })
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

/**
 * Targets that have bounties, for the board's filter; null when there are more than `max`
 * (the page then offers a text field instead of a list thousands of entries long).
 */
export function listBountyTargetOptions(db: Db, max = 100): { slug: string; name: string }[] | null {
  const ids = db
    .selectDistinct({ id: bounties.targetId })
    .from(bounties)
    .limit(max + 1)
    .all()
    .map((r) => r.id);
  if (ids.length > max) return null;
  if (ids.length === 0) return [];
  return db
    .select({ slug: targets.slug, name: targets.name })
    .from(targets)
    .where(inArray(targets.id, ids))
    .all()
    .sort((a, b) => a.name.localeCompare(b.name));
}
