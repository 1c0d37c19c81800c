import { sql } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";

type AnyDb = BetterSQLite3Database<Record<string, unknown>> | Parameters<Parameters<BetterSQLite3Database<Record<string, unknown>>["transaction"]>[0]>[0];

/**
 * Recomputes targets.open_issues / closed_issues from the links (for the given targets, or
 * all). Call it inside the transaction that changed a link or an issue's state.
 */
export function recountTargetIssues(db: AnyDb, targetIds?: number[]) {
  if (targetIds && targetIds.length === 0) return;
  const where = targetIds
    ? sql`where t.id in (${sql.join(
        targetIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  db.run(sql`
    update targets as t set
      open_issues = (select count(*) from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = t.id and gi.state = 'open'),
      closed_issues = (select count(*) from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = t.id and gi.state <> 'open')
    ${where}`);
}

/** Adds to the counts of the given targets (a link added, or an issue opened or closed). */
export function adjustTargetIssues(db: AnyDb, targetIds: number[], delta: { open: number; closed: number }) {
  if (targetIds.length === 0 || (delta.open === 0 && delta.closed === 0)) return;
  db.run(sql`update targets set open_issues = open_issues + ${delta.open}, closed_issues = closed_issues + ${delta.closed}
    where id in (${sql.join(
      targetIds.map((id) => sql`${id}`),
      sql`, `,
    )})`);
}
