// The scheduled GitHub sync's records: which repositories it looks after, its place in each
// (cursor, etag, a page to resume from), their health, and how fresh a page's GitHub data is.
// app/github/sync.server.ts does the network work and calls these between requests.
import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { bounties, githubIssues, githubSyncRepos, targetIssues } from "~/db/schema";
import { writeTx, type Db } from "../db.server";

export type SyncRepoRow = typeof githubSyncRepos.$inferSelect;

/**
 * Every repository with an issue or PR linked to a target or a bounty, each with its sync
 * row (created on first sight), least recently synced first.
 */
export function listSyncRepos(db: Db): SyncRepoRow[] {
  return writeTx(db, (tx) => {
    tx.run(sql`insert or ignore into github_sync_repos (repo)
      select distinct lower(gi.repo) from github_issues gi join target_issues ti on ti.issue_id = gi.id
      union select distinct lower(github_repo) from bounties where github_repo is not null and github_number is not null`);
    return tx
      .select()
      .from(githubSyncRepos)
      .where(
        sql`${githubSyncRepos.repo} in (select lower(gi.repo) from github_issues gi join target_issues ti on ti.issue_id = gi.id
          union select lower(github_repo) from bounties where github_repo is not null and github_number is not null)`,
      )
      .orderBy(sql`${githubSyncRepos.lastSyncedAt} is not null`, asc(githubSyncRepos.lastSyncedAt))
      .all();
  });
}

export function getSyncRepo(db: Db, repo: string): SyncRepoRow | null {
  return db.select().from(githubSyncRepos).where(eq(githubSyncRepos.repo, repo.toLowerCase())).get() ?? null;
}

/** Numbers of the repository's items Club Zero mirrors: a listing's other items are skipped. */
export function trackedNumbers(db: Db, repo: string): Set<number> {
  const key = repo.toLowerCase();
  const mirrored = db
    .select({ n: githubIssues.number })
    .from(githubIssues)
    .where(sql`lower(${githubIssues.repo}) = ${key}`)
    .all();
  const bountyRefs = db
    .select({ n: bounties.githubNumber })
    .from(bounties)
    .where(and(sql`lower(${bounties.githubRepo}) = ${key}`, isNotNull(bounties.githubNumber)))
    .all();
  return new Set([...mirrored, ...bountyRefs].map((r) => r.n).filter((n): n is number => n !== null));
}

/** Linked items (to a target or a bounty) GitHub has never told us about: the sync fetches these one by one. */
export function listUnsyncedNumbers(db: Db, repo: string): number[] {
  const key = repo.toLowerCase();
  const linked = db
    .selectDistinct({ n: githubIssues.number })
    .from(githubIssues)
    .innerJoin(targetIssues, eq(targetIssues.issueId, githubIssues.id))
    .where(and(sql`lower(${githubIssues.repo}) = ${key}`, isNull(githubIssues.syncedAt)))
    .all();
  const bountyRefs = db
    .selectDistinct({ n: bounties.githubNumber })
    .from(bounties)
    .leftJoin(githubIssues, and(sql`lower(${githubIssues.repo}) = lower(${bounties.githubRepo})`, eq(githubIssues.number, bounties.githubNumber)))
    .where(and(sql`lower(${bounties.githubRepo}) = ${key}`, isNotNull(bounties.githubNumber), isNull(githubIssues.syncedAt)))
    .all();
  return [...new Set([...linked, ...bountyRefs].map((r) => r.n).filter((n): n is number => n !== null))].sort((a, b) => a - b);
}

/** The oldest moment any mirrored item of the repository was known current (null: none ever was). */
export function oldestSyncedAt(db: Db, repo: string): number | null {
  return (
    db
      .select({ at: sql<number | null>`min(${githubIssues.syncedAt})` })
      .from(githubIssues)
      .where(sql`lower(${githubIssues.repo}) = ${repo.toLowerCase()}`)
      .get()?.at ?? null
  );
}

type Patch = Partial<Omit<SyncRepoRow, "repo">>;

function updateRepo(db: Db, repo: string, patch: Patch) {
  db.update(githubSyncRepos).set(patch).where(eq(githubSyncRepos.repo, repo.toLowerCase())).run();
}

/** A page of a listing was applied and more follow: remember where, so a stop resumes there. */
export function recordListingPage(db: Db, repo: string, place: { pendingUrl: string; pendingMaxUpdated: string | null; sinceCursor: string }) {
  updateRepo(db, repo, place);
}

/**
 * The repository is current as of `startedAt`: the cursor moves to the newest change seen, the
 * first page's validators are kept for next time, the pending place and any wait are cleared.
 */
export function recordRepoSynced(
  db: Db,
  repo: string,
  outcome: { startedAt: number; sinceCursor: string; etag: string | null; lastModified: string | null; full: number; notModified: number },
) {
  updateRepo(db, repo, {
    sinceCursor: outcome.sinceCursor,
    etag: outcome.etag,
    lastModified: outcome.lastModified,
    pendingUrl: null,
    pendingMaxUpdated: null,
    lastSyncedAt: outcome.startedAt,
    lastAttemptAt: outcome.startedAt,
    nextAllowedAt: null,
    lastRunFull: outcome.full,
    lastRunNotModified: outcome.notModified,
  });
}

/** GitHub asked us to wait: nothing is asked about this repository before `until`; its place is kept. */
export function recordRepoWait(db: Db, repo: string, until: number, message: string, now: number) {
  updateRepo(db, repo, { nextAllowedAt: until, lastAttemptAt: now, lastError: message.slice(0, 500), lastErrorAt: now });
}

export function recordRepoError(db: Db, repo: string, message: string, now: number) {
  updateRepo(db, repo, { lastAttemptAt: now, lastError: message.slice(0, 500), lastErrorAt: now });
}

export interface RepoSyncHealth extends SyncRepoRow {
  /** The last attempt failed or is waiting (a later success clears it). */
  failing: boolean;
  /** Stopped between pages: the next run resumes at `pendingUrl`. */
  resuming: boolean;
}

/** Every synced repository, for /admin. */
export function listSyncHealth(db: Db): RepoSyncHealth[] {
  return db
    .select()
    .from(githubSyncRepos)
    .orderBy(asc(githubSyncRepos.repo))
    .all()
    .map((row) => ({
      ...row,
      failing: row.lastErrorAt !== null && (row.lastSyncedAt === null || row.lastErrorAt > row.lastSyncedAt),
      resuming: row.pendingUrl !== null,
    }));
}

// An item is current as of the later of: when GitHub last told us about it (webhook, fetch or
// listing), and the last completed sync of its repository (a listing that did not return it
// says it has not changed). Never fetched at all: not synced.
const itemFreshness = sql<number | null>`case when ${githubIssues.syncedAt} is null then null
  else max(${githubIssues.syncedAt}, coalesce(${githubSyncRepos.lastSyncedAt}, 0)) end`;

export interface Freshness {
  /** The stalest of the synced items: the page's GitHub data is at least this fresh. Null if none was ever synced. */
  syncedAt: number | null;
  /** Linked items GitHub has not told us about yet. */
  unsynced: number;
}

/** How fresh a target's GitHub issues are (its page says "synced from GitHub … ago"). */
export function getTargetFreshness(db: Db, targetId: number): Freshness {
  const row = db
    .select({
      syncedAt: sql<number | null>`min(${itemFreshness})`,
      unsynced: sql<number>`sum(case when ${githubIssues.syncedAt} is null then 1 else 0 end)`,
    })
    .from(targetIssues)
    .innerJoin(githubIssues, eq(githubIssues.id, targetIssues.issueId))
    .leftJoin(githubSyncRepos, eq(githubSyncRepos.repo, sql`lower(${githubIssues.repo})`))
    .where(eq(targetIssues.targetId, targetId))
    .get();
  return { syncedAt: row?.syncedAt ?? null, unsynced: row?.unsynced ?? 0 };
}

/** How fresh one issue's mirror is (a bounty's page), or null when GitHub has never told us about it. */
export function getIssueFreshness(db: Db, repo: string, number: number): number | null {
  return (
    db
      .select({ at: itemFreshness })
      .from(githubIssues)
      .leftJoin(githubSyncRepos, eq(githubSyncRepos.repo, sql`lower(${githubIssues.repo})`))
      .where(and(sql`lower(${githubIssues.repo}) = ${repo.toLowerCase()}`, eq(githubIssues.number, number)))
      .get()?.at ?? null
  );
}
