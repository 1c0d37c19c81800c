import { db } from "~/app/db.server";

/** Targets whose stored open/closed issue counts differ from a count of their links. */
type CountRow = { slug: string; open_issues: number; closed_issues: number; open: number; closed: number };

export function staleTargetCounts(): CountRow[] {
  return (
    db.$client
      .prepare(
        `select t.slug, t.open_issues, t.closed_issues,
              (select count(*) from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = t.id and gi.state = 'open') as open,
              (select count(*) from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = t.id and gi.state <> 'open') as closed
         from targets t`,
      )
      .all() as CountRow[]
  ).filter((r) => r.open !== r.open_issues || r.closed !== r.closed_issues);
}

/** Links whose target_issues.open disagrees with the issue's state (kept by triggers). */
export function staleOpenFlags(): { target_id: number; issue_id: number; open: number; state: string }[] {
  return db.$client
    .prepare(
      `select ti.target_id, ti.issue_id, ti.open, gi.state from target_issues ti join github_issues gi on gi.id = ti.issue_id
        where ti.open <> (gi.state = 'open')`,
    )
    .all() as { target_id: number; issue_id: number; open: number; state: string }[];
}
