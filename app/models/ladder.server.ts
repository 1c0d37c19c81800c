// Gathers each target's ladder facts (app/lib/ladder.ts) from what Club Zero holds: linked
// issues and pull requests, upstream releases, registered packages, the status history and
// tutorials. A handful of grouped queries for any number of targets, so the catalog can
// filter and sort thousands of them by the rung they reached.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { bounties, packages, repoReleases, software, targetRepositories, targetStatusChanges, targets, type BountyKind } from "~/db/schema";
import { distroName } from "../lib/distros";
import { computeLadder, type Ladder, type LadderFacts, type LinkedItemFact } from "../lib/ladder";
import { publicBountiesOnly } from "./permissions.server";
import { publishedTutorialFacts } from "./tutorials.server";
import type { Db } from "../db.server";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** What the tutorials know about a target: links to its published and translated tutorials, if any. */
export interface TutorialFacts {
  targetId: number;
  publishedTutorialUrl?: string;
  translatedTutorialUrl?: string;
}

/** Tutorial facts for these targets: their first published tutorial and a published translation of one. */
export function tutorialFactsForTargets(db: Db, targetIds: number[]): TutorialFacts[] {
  const facts = publishedTutorialFacts(targetIds, db);
  return targetIds.map((targetId) => ({ targetId, ...facts.get(targetId) }));
}

// Above this many ids, read every row and keep the wanted ones: an IN list that long costs
// more than the scan (and SQLite caps bound parameters).
const IN_LIST_MAX = 500;

function within<T extends { targetId: number }>(rows: T[], ids: Set<number> | null): T[] {
  return ids ? rows.filter((r) => ids.has(r.targetId)) : rows;
}

/**
 * Prepared once per database handle, as plain SQL: the catalog runs them for every matching
 * target. Measured at bench scale (2,000 targets, 200,000 linked items): through drizzle the
 * walks took 190 ms and the merged pull requests 200-300 ms; as better-sqlite3 statements,
 * 32 ms and 69 ms.
 */
const prepared = new WeakMap<Db, ReturnType<typeof prepareLinked>>();
function prepareLinked(db: Db) {
  const select = `select gi.url as url, gi.title as title, gi.kind as kind, gi.state as state, gi.merged_at as mergedAt
    from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = ?`;
  // the target page's order: open first, then the most recently linked (target_issues_listing_idx)
  const listing = "order by ti.open desc, ti.created_at desc, ti.issue_id desc limit 1";
  const statement = (text: string) => {
    const st = db.$client.prepare<[number], LinkedItemFact>(text);
    return { get: (targetId: number) => st.get(targetId) };
  };
  const allMerged = db.$client.prepare<[], LinkedItemFact & { targetId: number }>(
    `select ti.target_id as targetId, gi.url as url, gi.title as title, gi.kind as kind, gi.state as state, gi.merged_at as mergedAt
      from github_issues gi join target_issues ti on ti.issue_id = gi.id where gi.kind = 'pull' and gi.state = 'merged'`,
  );
  return {
    allMerged: () => allMerged.all(),
    first: statement(`${select} ${listing}`),
    issue: statement(`${select} and gi.kind = 'issue' ${listing}`),
    merged: statement(`${select} and ti.open = 0 and gi.kind = 'pull' and gi.state = 'merged' order by gi.merged_at is null, gi.merged_at desc limit 1`),
  };
}

/** Ladder facts for each of these targets (all of them when `targetIds` is null). */
export function gatherLadderFacts(db: Db, targetIds: number[] | null): Map<number, LadderFacts> {
  const few = targetIds !== null && targetIds.length <= IN_LIST_MAX;
  const keep = targetIds && !few ? new Set(targetIds) : null;
  const idFilter = (column: SQLiteColumn) => (few ? inArray(column, targetIds!) : undefined);
  if (targetIds !== null && targetIds.length === 0) return new Map();

  const linkedQueries = prepared.get(db) ?? prepareLinked(db);
  prepared.set(db, linkedQueries);
  const facts = new Map<number, LadderFacts>();
  for (const t of within(db.select({ targetId: targets.id, status: targets.status }).from(targets).where(idFilter(targets.id)).all(), keep)) {
    facts.set(t.targetId, { status: t.status, statusHistory: [], linked: [], releases: [], packages: [] });
  }

  const history = db
    .select({
      targetId: targetStatusChanges.targetId,
      fromStatus: targetStatusChanges.fromStatus,
      toStatus: targetStatusChanges.toStatus,
      evidenceUrl: targetStatusChanges.evidenceUrl,
      at: targetStatusChanges.createdAt,
    })
    .from(targetStatusChanges)
    .where(idFilter(targetStatusChanges.targetId))
    .orderBy(asc(targetStatusChanges.createdAt), asc(targetStatusChanges.id))
    .all();
  for (const { targetId, ...h } of within(history, keep)) facts.get(targetId)?.statusHistory.push(h);

  // Linked items: a target can have thousands (5,000 at bench scale), and the ladder needs at
  // most three: its best issue (an open one first), its most recently merged pull request, and
  // when it has neither, the item its page lists first. Each is a walk of
  // target_issues_listing_idx that stops at the first match; for many targets at once the merged
  // pull requests come from github_issues_merged_pulls_idx instead (15,000 of 200,000 items at
  // bench scale), since a target without one would have all its closed items read.
  const mergedByTarget = new Map<number, LinkedItemFact>();
  if (!few) {
    for (const { targetId, ...pull } of linkedQueries.allMerged()) {
      const held = mergedByTarget.get(targetId);
      if (!held || (pull.mergedAt ?? -1) > (held.mergedAt ?? -1)) mergedByTarget.set(targetId, pull);
    }
  }
  for (const [targetId, f] of facts) {
    const issue = linkedQueries.issue.get(targetId);
    const merged = few ? linkedQueries.merged.get(targetId) : mergedByTarget.get(targetId);
    if (issue) f.linked.push(issue);
    if (merged) f.linked.push(merged);
    if (!issue && !merged) {
      const first = linkedQueries.first.get(targetId);
      if (first) f.linked.push(first);
    }
  }

  // repo_releases keeps owner/name in lowercase
  const releases = db
    .select({
      targetId: targetRepositories.targetId,
      repo: repoReleases.repo,
      tag: repoReleases.tag,
      url: repoReleases.url,
      publishedAt: repoReleases.publishedAt,
    })
    .from(targetRepositories)
    .innerJoin(repoReleases, eq(repoReleases.repo, sql`lower(${targetRepositories.repo})`))
    .where(idFilter(targetRepositories.targetId))
    .all();
  for (const { targetId, ...r } of within(releases, keep)) facts.get(targetId)?.releases.push(r);

  const pkgs = db
    .select({
      targetId: software.targetId,
      id: packages.id,
      softwareName: software.name,
      distro: packages.distro,
      version: packages.version,
    })
    .from(packages)
    .innerJoin(software, eq(software.id, packages.softwareId))
    .where(and(isNull(packages.retiredAt), idFilter(software.targetId)))
    .orderBy(asc(packages.id))
    .all();
  for (const p of within(pkgs, keep)) {
    facts.get(p.targetId)?.packages.push({ label: `${p.softwareName} ${p.version} in ${distroName(p.distro)}`, url: `/packages/${p.id}` });
  }

  for (const t of tutorialFactsForTargets(db, [...facts.keys()])) {
    const f = facts.get(t.targetId);
    if (!f) continue;
    if (t.publishedTutorialUrl) f.publishedTutorialUrl = t.publishedTutorialUrl;
    if (t.translatedTutorialUrl) f.translatedTutorialUrl = t.translatedTutorialUrl;
  }
  return facts;
}

/** Each target's ladder (all targets when `targetIds` is null). */
export function getLadders(db: Db, targetIds: number[] | null): Map<number, Ladder> {
  return new Map([...gatherLadderFacts(db, targetIds)].map(([id, f]) => [id, computeLadder(f)]));
}

/** An unfinished bounty of each kind on this target: what an unmet rung offers. */
export function listOfferedBounties(db: Db, targetId: number): Partial<Record<BountyKind, { id: number; title: string }>> {
  const rows = db
    .select({ id: bounties.id, title: bounties.title, kind: bounties.kind })
    .from(bounties)
    .where(and(eq(bounties.targetId, targetId), sql`${bounties.status} in ('open', 'claimed', 'in_progress', 'in_review')`, publicBountiesOnly()))
    .orderBy(asc(bounties.id))
    .all();
  const out: Partial<Record<BountyKind, { id: number; title: string }>> = {};
  for (const r of rows) out[r.kind] ??= { id: r.id, title: r.title };
  return out;
}
