// Reads every viewer shares (a board page, a target's page without the viewer's own parts),
// kept while the database's data version (db/data-version.ts) stays the same: signed-in pages
// cannot come from the page cache, but most of what they show is the same for everyone.
//
// Valid means what it means for the page cache: a value is stored under the version read
// before it was built, and served only while that version is still the current one. A
// request that starts after any commit (this process's, another worker's, the CLI's) reads
// the new version and builds again, so nothing older than the last commit is ever served.
// Only values built from tables the version covers may be kept here: nothing from sessions,
// notifications or the other tables in TABLES_NO_PAGE_SHOWS, and nothing about the viewer.
import { dataVersionReader } from "~/db/data-version";
import { getTargetProgress, listBounties, listBountyTargetOptions, type BoardFilters } from "./bounties.server";
import { listPublicExpensesFor } from "./expenses.server";
import { getTargetFreshness } from "./github-sync.server";
import { getLadders, listOfferedBounties } from "./ladder.server";
import { listPersonas, type Persona } from "./personas.server";
import { getTarget, getTargetParts, listStatusHistory } from "./targets.server";
import { listTutorialsForTarget } from "./tutorials.server";
import type { Db } from "../db.server";
import type Database from "better-sqlite3";

const versionReaders = new WeakMap<Database.Database, () => number>();

/** The current data version of this database (one prepared statement per connection). */
export function currentDataVersion(db: Db): number {
  let read = versionReaders.get(db.$client);
  if (!read) {
    read = dataVersionReader(db.$client);
    versionReaders.set(db.$client, read);
  }
  return read();
}

/**
 * A memo of shared reads keyed by a string (the read's arguments): at most `max` entries per
 * database, all of the current version (a new version empties it), least recently used out
 * first. Values are shared between requests: callers must not change them.
 */
export function sharedReads<T>(max: number): (db: Db, key: string, build: () => T) => T {
  const byDb = new WeakMap<Db, { version: number; entries: Map<string, T> }>();
  return (db, key, build) => {
    // Read before building: a commit landing meanwhile makes the value newer than its
    // version, never older, and the next request (seeing the new version) builds again.
    const version = currentDataVersion(db);
    let held = byDb.get(db);
    if (!held || held.version !== version) {
      held = { version, entries: new Map() };
      byDb.set(db, held);
    }
    const { entries } = held;
    if (entries.has(key)) {
      const value = entries.get(key)!;
      entries.delete(key); // to the back of the line
      entries.set(key, value);
      return value;
    }
    const value = build();
    entries.set(key, value);
    if (entries.size > max) entries.delete(entries.keys().next().value!);
    return value;
  };
}

/** The bounty board's page (rows, count and filter menus) for these filters, the same for every viewer. */
export function getBoardPage(db: Db, filters: BoardFilters): BoardPage {
  return boardPages(db, JSON.stringify(filters), () => ({ personas: listPersonas(db), targets: listBountyTargetOptions(db), ...listBounties(db, filters) }));
}
const boardPages = sharedReads<BoardPage>(64);

export interface BoardPage extends ReturnType<typeof listBounties> {
  personas: Persona[];
  targets: ReturnType<typeof listBountyTargetOptions>;
}

/**
 * Everything a target's page shows that is the same for every viewer (not whether the viewer
 * watches it or may edit it), or null when no target has this slug now.
 */
export function getTargetPage(db: Db, slug: string, issuePage: number) {
  return targetPages(db, `${slug}\n${issuePage}`, () => readTargetPage(db, slug, issuePage));
}
const targetPages = sharedReads<ReturnType<typeof readTargetPage>>(64);

function readTargetPage(db: Db, slug: string, issuePage: number) {
  const target = getTarget(db, slug, issuePage);
  if (!target) return null;
  const bounties = listBounties(db, { target: target.slug, statuses: TARGET_PAGE_STATUSES, page: 1 });
  return {
    target,
    personas: listPersonas(db),
    bounties: bounties.rows,
    bountyTotal: bounties.total,
    progress: getTargetProgress(db, target.id),
    freshness: getTargetFreshness(db, target.id),
    fundRecord: listPublicExpensesFor(db, { targetId: target.id }),
    tutorials: listTutorialsForTarget(db, target.id),
    parts: getTargetParts(db, target.id),
    history: listStatusHistory(db, target.id),
    ladder: getLadders(db, [target.id]).get(target.id)!,
    offered: listOfferedBounties(db, target.id),
  };
}

// A target's page lists its bounties of every status but proposals, declined and cancelled ones.
const TARGET_PAGE_STATUSES = ["open", "claimed", "in_progress", "in_review", "completed"] as const;
