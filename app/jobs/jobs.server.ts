// The server's background jobs. Each runs in one process at a time (app/jobs/runner.server.ts);
// /admin shows their health. Later jobs (GitHub sync, package sync) are added here.
import { githubConfigured } from "../github/auth.server";
import { discoverIssues } from "../github/discovery.server";
import { createGithubCommentSender } from "../github/replies.server";
import { syncGithub } from "../github/sync.server";
import { runScheduledBackup } from "../models/backups.server";
import { expireClaims, remindExpiringClaims } from "../models/bounties.server";
import { githubRepliesOn } from "../models/github-replies.server";
import { queueDigests } from "../models/notifications.server";
import { holdQueued, releaseHeld } from "../models/outbox.server";
import { sourceSettingsFrom, syncPackages } from "../packages/sync.server";
import { deliverOutbox } from "./deliver.server";
import { createSmtpSender } from "./smtp.server";
import type { Db } from "../db.server";
import type { Env } from "../env.server";
import type { JobDefinition } from "./runner.server";

export function serverJobs(db: Db, env: Env): { jobs: JobDefinition[]; close: () => void } {
  const sender = env.SMTP_URL ? createSmtpSender(env.SMTP_URL, env.MAIL_FROM) : null;
  const githubSender = createGithubCommentSender();
  const jobs: JobDefinition[] = [
    {
      // Claims that ran out are released (pages also release them when read), and holders
      // of claims about to run out are reminded once per deadline.
      name: "claim-expiry",
      intervalMs: 60_000,
      run: () => {
        expireClaims(db);
        remindExpiringClaims(db);
      },
    },
    {
      // Mail in the outbox. Without SMTP_URL it is held for admins to read at /admin/outbox.
      name: "outbox",
      intervalMs: env.OUTBOX_POLL_MS,
      run: async ({ signal }) => {
        if (!sender) {
          holdQueued(db, "email");
          return;
        }
        releaseHeld(db, "email");
        await deliverOutbox(db, sender, { leaseMs: env.JOB_LEASE_MS, signal });
      },
    },
    {
      // Replies to GitHub comment commands. Without credentials, or with GITHUB_REPLIES=off,
      // queued replies are held (admins see them at /admin/outbox).
      name: "github-replies",
      intervalMs: env.OUTBOX_POLL_MS,
      run: async ({ signal }) => {
        if (!githubRepliesOn()) {
          holdQueued(db, "github_comment");
          return;
        }
        releaseHeld(db, "github_comment");
        await deliverOutbox(db, githubSender, { leaseMs: env.JOB_LEASE_MS, signal });
      },
    },
    {
      // Yesterday's (and older) digest notifications, one mail per person and day.
      name: "digest",
      intervalMs: 15 * 60_000,
      run: () => {
        queueDigests(db);
      },
    },
  ];
  if (env.BACKUP_DIR && env.BACKUP_HOURS > 0) {
    const dir = env.BACKUP_DIR;
    jobs.push({
      // A verified copy of the database and its receipts every BACKUP_HOURS, the newest BACKUP_KEEP kept.
      name: "backup",
      intervalMs: env.BACKUP_HOURS * 3_600_000,
      run: async () => {
        await runScheduledBackup(db, { dir, keep: env.BACKUP_KEEP, uploadsDir: env.UPLOADS_DIR });
      },
    });
  }
  if (env.PACKAGES_SYNC_HOURS > 0) {
    const settings = sourceSettingsFrom(env);
    jobs.push({
      // Package versions from Repology, the Helm repository, the registry and GitHub releases.
      // A source that failed is left alone until its backoff is over.
      name: "packages-sync",
      intervalMs: Math.round(env.PACKAGES_SYNC_HOURS * 3_600_000),
      run: async ({ signal }) => {
        await syncPackages(db, settings, { respectBackoff: true, signal });
      },
    });
  }
  if (githubConfigured() && env.GITHUB_SYNC_MINUTES > 0) {
    jobs.push({
      // Linked GitHub issues and PRs of repositories that never send us a webhook.
      name: "github-sync",
      intervalMs: Math.round(env.GITHUB_SYNC_MINUTES * 60_000),
      run: async ({ signal }) => {
        const report = await syncGithub(db, { signal });
        if (report.failed.length > 0) throw new Error(`GitHub sync failed for ${report.failed.map((f) => f.repo).join(", ")} (see /admin).`);
      },
    });
  }
  if (githubConfigured() && env.GITHUB_DISCOVERY_MINUTES > 0) {
    jobs.push({
      // Upstream issues mentioning SPIFFE/SPIRE, for the "Suggested issues" queue (search: 30 a minute).
      name: "github-discovery",
      intervalMs: Math.round(env.GITHUB_DISCOVERY_MINUTES * 60_000),
      run: async ({ signal }) => {
        const report = await discoverIssues(db, { signal });
        if (report.failed.length > 0) throw new Error(`GitHub discovery failed for ${report.failed.map((f) => f.repo).join(", ")}.`);
      },
    });
  }
  return { jobs, close: () => sender?.close() };
}
