// npm run github:sync — refreshes every linked GitHub issue and PR from the REST API, then
// the software's latest releases (the upstream versions packages are compared with).
// Needs GITHUB_TOKEN; honours GitHub's rate limit (waits up to a minute, else stops).
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { fetchIssue, githubTokenConfigured } from "~/app/github/rest.server";
import { applySnapshot, listLinkedIssues } from "~/app/models/github.server";
import { sourceSettingsFrom, syncPackages } from "~/app/packages/sync.server";
import { runMigrations } from "../migrate";

if (!githubTokenConfigured) {
  console.error("GITHUB_TOKEN is not set, so there is nothing to sync with. Set it to a token that can read public repositories.");
  process.exit(1);
}
runMigrations(db);
const items = listLinkedIssues(db);
let updated = 0;
let failed = 0;
for (let i = 0; i < items.length; i++) {
  const { repo, number } = items[i]!;
  const result = await fetchIssue(repo, number);
  if (result.ok) {
    if (applySnapshot(db, result.snapshot)) updated++;
    continue;
  }
  if (result.reason === "rate_limited") {
    const wait = result.resetAt - Date.now();
    if (wait > 60_000) {
      console.error(`Stopped after ${i} of ${items.length}: ${result.message} Run it again after that.`);
      process.exit(2);
    }
    await new Promise((r) => setTimeout(r, Math.max(wait, 1000)));
    i--;
    continue;
  }
  failed++;
  console.warn(`${repo}#${number}: ${result.message}`);
}
console.log(`Synced ${items.length} linked issues and PRs: ${updated} updated, ${failed} could not be fetched.`);
const [releases] = await syncPackages(db, sourceSettingsFrom(env), { only: ["github"] });
if (releases) {
  console.log(`Read the latest releases of ${releases.requests} repositories: ${releases.changed} software got a new upstream version.`);
  for (const error of releases.errors) console.warn(error);
}
