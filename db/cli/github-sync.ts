// npm run github:sync — one run of the server's scheduled GitHub sync (app/github/sync.server.ts),
// now. Needs GITHUB_TOKEN or a GitHub App. Waits up to a minute for GitHub's rate limit; a longer
// wait stops it (exit 2), and the next run (or the server's job) resumes where it stopped.
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { githubConfigured } from "~/app/github/auth.server";
import { syncGithub } from "~/app/github/sync.server";
import { sourceSettingsFrom, syncPackages } from "~/app/packages/sync.server";
import { runMigrations } from "../migrate";

if (!githubConfigured()) {
  console.error(
    "Neither GITHUB_TOKEN nor a GitHub App (GITHUB_APP_ID and its private key) is set, so there is nothing to sync with. Set one (see README, GitHub).",
  );
  process.exit(1);
}
runMigrations(db);
const report = await syncGithub(db);
for (const { repo, message } of report.failed) console.warn(`${repo}: ${message}`);
console.log(
  `Synced ${report.synced} of ${report.repos} repositories: ${report.updated} issues and PRs updated; GitHub answered ${report.full} times in full and ${report.notModified} times "not modified".`,
);
if (report.waiting.length > 0) {
  const until = Math.max(...report.waiting.map((w) => w.until));
  console.error(
    `Stopped for ${report.waiting.length} repositories: GitHub's rate limit is reached until ${new Date(until).toISOString()}. Run it again after that; each resumes where it stopped.`,
  );
  process.exit(2);
}
// Then the software's latest releases: the upstream versions packages are compared with.
const [releases] = await syncPackages(db, sourceSettingsFrom(env), { only: ["github"] });
if (releases) {
  console.log(`Read the latest releases of ${releases.requests} repositories: ${releases.changed} software got a new upstream version.`);
  for (const error of releases.errors) console.warn(error);
}
if (report.failed.length > 0) process.exit(3);
