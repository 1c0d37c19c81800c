import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import {
  githubIssues,
  targetBridges,
  targetIssues,
  targetPersonas,
  targetRepositories,
  targets,
  targetStatusChanges,
  users,
  TARGET_STATUSES,
  type PersonaSlug,
  type TargetStatus,
} from "~/db/schema";
import { CATALOG_PAGE_SIZE, type CatalogSort, type TargetSummary } from "../lib/catalog";
import { RUNGS, type Rung } from "../lib/ladder";
import { htmlToText } from "../lib/markdown.server";
import { pageCount } from "../lib/paging";
import { getLadders } from "./ladder.server";
import type { Db } from "../db.server";

export interface CatalogFilters {
  persona?: PersonaSlug;
  category?: string;
  status?: TargetStatus;
  q?: string;
  sort: CatalogSort;
  /** Only targets whose road to "done" reached at least this rung. */
  rung?: Rung;
  /** "only": retired targets alone; otherwise retired targets are left out. */
  retired?: "only";
  page: number;
}

/** A catalog row: what the card shows, plus the target's id. */
export interface CatalogRow extends TargetSummary {
  id: number;
}

// Correlated subqueries name the outer row explicitly: drizzle leaves columns of a
// single-table select unqualified, and a bare "id" would bind to the inner table.
const targetId = sql.raw(`"targets"."id"`);

const personaList = sql<string | null>`(
  select group_concat(persona_slug, ',') from (
    select tp.persona_slug from ${targetPersonas} tp where tp.target_id = ${targetId} order by tp.rank))`;

function caseOrder(order: readonly TargetStatus[]) {
  return sql<number>`case ${targets.status} ${sql.raw(order.map((s, i) => `when '${s}' then ${i}`).join(" "))} end`;
}
/** Maturity order for the status sort: native first. */
const statusOrder = caseOrder(TARGET_STATUSES);
/** Need order for relevance: work someone asked for first, finished work last. */
const needOrder = caseOrder(["requested", "none", "partial", "native"]);

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
function likePattern(q: string) {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Lists catalog targets matching the filters, one page at a time.
 * Relevance: for a persona, targets that name it first come first; then those that need
 * the most help (requested, none, partial, native), then the most open issues, then name.
 */
export function listTargets(db: Db, filters: CatalogFilters): { rows: CatalogRow[]; total: number } {
  const where: SQL[] = [filters.retired === "only" ? isNotNull(targets.retiredAt) : isNull(targets.retiredAt)];
  if (filters.category) where.push(eq(targets.category, filters.category));
  if (filters.status) where.push(eq(targets.status, filters.status));
  if (filters.q) {
    const pattern = likePattern(filters.q);
    where.push(sql`(lower(${targets.name}) like ${pattern} escape '\\' or lower(${targets.summary}) like ${pattern} escape '\\')`);
  }
  const personaJoin = filters.persona ? and(eq(targetPersonas.targetId, targets.id), eq(targetPersonas.personaSlug, filters.persona)) : undefined;

  const order: SQL[] = [];
  switch (filters.sort) {
    case "name":
      order.push(asc(sql`lower(${targets.name})`));
      break;
    case "status":
      order.push(asc(statusOrder), asc(sql`lower(${targets.name})`));
      break;
    case "issues":
      order.push(desc(targets.openIssues), asc(sql`lower(${targets.name})`));
      break;
    case "relevance":
    case "closest":
      if (personaJoin) order.push(asc(targetPersonas.rank));
      order.push(asc(needOrder), desc(targets.openIssues), asc(sql`lower(${targets.name})`));
      break;
  }

  // Two steps: SQLite computes every result column for every row before it sorts, so the
  // page's ids are chosen first (only the sort keys are computed for all matching targets),
  // then the display columns are read for those 50 rows alone.
  const idQuery = db.select({ id: targets.id }).from(targets);
  const matching = (personaJoin ? idQuery.innerJoin(targetPersonas, personaJoin) : idQuery).where(and(...where)).orderBy(...order);
  const offset = (filters.page - 1) * CATALOG_PAGE_SIZE;
  let pageIds: number[];
  let ladderTotal: number | null = null;
  let ladders;
  if (filters.rung || filters.sort === "closest") {
    // The ladder is computed, not stored (it follows issues, releases, packages and tutorials
    // as they change), so filtering or sorting by it reads every matching target's facts in a
    // few grouped queries and pages here; ties keep the relevance order.
    const ids = matching.all().map((r) => r.id);
    ladders = getLadders(db, ids);
    const min = filters.rung ? RUNGS.indexOf(filters.rung) + 1 : 0;
    const kept = ids.filter((id) => (ladders!.get(id)?.reached ?? 0) >= min);
    if (filters.sort === "closest") kept.sort((a, b) => ladders!.get(b)!.reached - ladders!.get(a)!.reached);
    ladderTotal = kept.length;
    pageIds = kept.slice(offset, offset + CATALOG_PAGE_SIZE);
  } else {
    pageIds = matching
      .limit(CATALOG_PAGE_SIZE)
      .offset(offset)
      .all()
      .map((r) => r.id);
    ladders = getLadders(db, pageIds);
  }
  const byId = new Map(
    (pageIds.length === 0
      ? []
      : db
          .select({
            id: targets.id,
            slug: targets.slug,
            name: targets.name,
            category: targets.category,
            status: targets.status,
            summary: targets.summary,
            summaryHtml: targets.summaryHtml,
            openIssues: targets.openIssues,
            closedIssues: targets.closedIssues,
            retiredAt: targets.retiredAt,
            personas: personaList,
          })
          .from(targets)
          .where(inArray(targets.id, pageIds))
          .all()
    ).map((r) => [r.id, r]),
  );
  const rows = pageIds.map((id) => byId.get(id)!);

  const countBase = db.select({ n: count() }).from(targets);
  const counted = ladderTotal === null ? (personaJoin ? countBase.innerJoin(targetPersonas, personaJoin) : countBase).where(and(...where)).get() : null;

  return {
    rows: rows.map(({ summaryHtml, ...r }) => ({
      ...r,
      // the card shows the summary as a line of text, not its Markdown source
      summaryText: summaryHtml === null ? r.summary : htmlToText(summaryHtml),
      personas: (r.personas ? r.personas.split(",") : []) as PersonaSlug[],
      ladderReached: ladders.get(r.id)?.reached ?? 0,
    })),
    total: ladderTotal ?? counted?.n ?? 0,
  };
}

/** Distinct categories with how many targets each has, alphabetically. */
export function listCategories(db: Db): { category: string; targets: number }[] {
  return db.select({ category: targets.category, targets: count() }).from(targets).groupBy(targets.category).orderBy(asc(targets.category)).all();
}

/** A linked GitHub issue or PR as a target page lists it. */
export interface TargetIssue {
  id: number;
  repo: string;
  number: number;
  kind: (typeof githubIssues.$inferSelect)["kind"];
  title: string;
  state: (typeof githubIssues.$inferSelect)["state"];
  url: string;
}

export type TargetDetail = typeof targets.$inferSelect & {
  personas: PersonaSlug[];
  /** One page of linked issues, open ones first, then the most recently linked. */
  issues: TargetIssue[];
  issuePage: number;
  issuePages: number;
  issueCounts: { open: number; closed: number };
};

/** How many linked issues a target page lists at a time. */
export const TARGET_ISSUES_PAGE_SIZE = 50;

/** A target's status history, newest first, with who made each change. */
export function listStatusHistory(db: Db, targetId: number) {
  return db
    .select({
      id: targetStatusChanges.id,
      fromStatus: targetStatusChanges.fromStatus,
      toStatus: targetStatusChanges.toStatus,
      evidenceUrl: targetStatusChanges.evidenceUrl,
      note: targetStatusChanges.note,
      actorLabel: targetStatusChanges.actorLabel,
      actorUsername: users.username,
      createdAt: targetStatusChanges.createdAt,
    })
    .from(targetStatusChanges)
    .leftJoin(users, eq(users.id, targetStatusChanges.actorUserId))
    .where(eq(targetStatusChanges.targetId, targetId))
    .orderBy(desc(targetStatusChanges.createdAt), desc(targetStatusChanges.id))
    .all();
}

/** What an editor changes besides the row: upstream repositories, personas with their help text, bridges. */
export function getTargetParts(db: Db, targetId: number) {
  return {
    repos: db
      .select({ repo: targetRepositories.repo })
      .from(targetRepositories)
      .where(eq(targetRepositories.targetId, targetId))
      .orderBy(asc(targetRepositories.position))
      .all()
      .map((r) => r.repo),
    personaHelp: db
      .select({ slug: targetPersonas.personaSlug, helpText: targetPersonas.helpText })
      .from(targetPersonas)
      .where(eq(targetPersonas.targetId, targetId))
      .orderBy(asc(targetPersonas.rank))
      .all() as { slug: PersonaSlug; helpText: string | null }[],
    bridges: db
      .select({ name: targetBridges.name, url: targetBridges.url, note: targetBridges.note })
      .from(targetBridges)
      .where(eq(targetBridges.targetId, targetId))
      .orderBy(asc(targetBridges.position))
      .all(),
  };
}

/** The target with this slug (its row only), or null. */
export function findTarget(db: Db, slug: string): typeof targets.$inferSelect | null {
  return db.select().from(targets).where(eq(targets.slug, slug)).get() ?? null;
}

/**
 * The target with this slug, its personas (best first), one page of its linked GitHub
 * items and the counts of all of them, or null.
 */
export function getTarget(db: Db, slug: string, issuePage = 1): TargetDetail | null {
  const target = findTarget(db, slug);
  if (!target) return null;
  const personaRows = db
    .select({ slug: targetPersonas.personaSlug })
    .from(targetPersonas)
    .where(eq(targetPersonas.targetId, target.id))
    .orderBy(asc(targetPersonas.rank))
    .all();
  // Open work first, then the most recently linked: one page read from
  // target_issues_listing_idx, then only those issues' rows.
  const page = db
    .select({ issueId: targetIssues.issueId, open: targetIssues.open, linkedAt: targetIssues.createdAt })
    .from(targetIssues)
    .where(eq(targetIssues.targetId, target.id))
    .orderBy(desc(targetIssues.open), desc(targetIssues.createdAt), desc(targetIssues.issueId))
    .limit(TARGET_ISSUES_PAGE_SIZE)
    .offset((issuePage - 1) * TARGET_ISSUES_PAGE_SIZE)
    .as("page");
  const issues = db
    .select({
      id: githubIssues.id,
      repo: githubIssues.repo,
      number: githubIssues.number,
      kind: githubIssues.kind,
      title: githubIssues.title,
      state: githubIssues.state,
      url: githubIssues.url,
    })
    .from(page)
    .innerJoin(githubIssues, eq(githubIssues.id, page.issueId))
    .orderBy(desc(page.open), desc(page.linkedAt), desc(page.issueId))
    .all();
  return {
    ...target,
    personas: personaRows.map((p) => p.slug as PersonaSlug),
    issues,
    issuePage,
    issuePages: pageCount(target.openIssues + target.closedIssues, TARGET_ISSUES_PAGE_SIZE),
    // kept with every link and state change (db/issue-counts.ts)
    issueCounts: { open: target.openIssues, closed: target.closedIssues },
  };
}

export interface CatalogStats {
  targets: number;
  byStatus: Record<TargetStatus, number>;
  openIssues: number;
  closedIssues: number;
}

/** Live counts for the home page. */
export function getCatalogStats(db: Db): CatalogStats {
  const byStatus = Object.fromEntries(TARGET_STATUSES.map((s) => [s, 0])) as Record<TargetStatus, number>;
  let total = 0;
  // retired targets are history, not part of the catalog's count
  for (const row of db.select({ status: targets.status, n: count() }).from(targets).where(isNull(targets.retiredAt)).groupBy(targets.status).all()) {
    byStatus[row.status] = row.n;
    total += row.n;
  }
  // Count distinct linked items, so an issue linked to two targets counts once.
  const issues = db
    .select({
      open: sql<number>`coalesce(sum(${githubIssues.state} = 'open'), 0)`,
      closed: sql<number>`coalesce(sum(${githubIssues.state} <> 'open'), 0)`,
    })
    .from(githubIssues)
    .where(
      sql`exists (select 1 from ${targetIssues} ti join ${targets} t on t.id = ti.target_id and t.retired_at is null where ti.issue_id = ${githubIssues.id})`,
    )
    .get();
  return { targets: total, byStatus, openIssues: issues?.open ?? 0, closedIssues: issues?.closed ?? 0 };
}

/** Slug and name of every target, by name: for pickers. */
export function listTargetOptions(db: Db, options: { includeRetired?: boolean } = {}): { slug: string; name: string }[] {
  return db
    .select({ slug: targets.slug, name: targets.name })
    .from(targets)
    .where(options.includeRetired ? undefined : isNull(targets.retiredAt))
    .orderBy(asc(sql`lower(${targets.name})`))
    .all();
}
