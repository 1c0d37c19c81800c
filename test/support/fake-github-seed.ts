// Puts every issue and PR a Club Zero database tracks (linked to a target, or named by a
// bounty) on a fake GitHub, as GitHub would hold them: the upstream world the sync reads.
import type { FakeGithub } from "./fake-github";
import type Database from "better-sqlite3";

export interface TrackedItem {
  repo: string;
  number: number;
  kind: "issue" | "pull";
  title: string;
  state: "open" | "closed" | "merged";
}

export function trackedItems(client: Database.Database): TrackedItem[] {
  return client
    .prepare(
      `select gi.repo, gi.number, gi.kind, gi.title, gi.state from github_issues gi where gi.id in (select issue_id from target_issues)
       union select b.github_repo, b.github_number, 'issue', b.title, 'open' from bounties b
         where b.github_repo is not null and b.github_number is not null
           and not exists (select 1 from github_issues g where lower(g.repo) = lower(b.github_repo) and g.number = b.github_number)`,
    )
    .all() as TrackedItem[];
}

/** Every tracked item on the fake, last changed `updatedAt` (default: a day ago) unless GitHub says otherwise later. */
export function seedFakeFrom(
  client: Database.Database,
  fake: FakeGithub,
  updatedAt = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
) {
  const items = trackedItems(client);
  for (const item of items) {
    fake.putIssue(item.repo, {
      number: item.number,
      title: item.title,
      state: item.state === "open" ? "open" : "closed",
      pull: item.kind === "pull" ? { mergedAt: item.state === "merged" ? updatedAt : null } : undefined,
      updatedAt,
    });
  }
  return items;
}
