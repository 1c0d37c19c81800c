import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { GithubSyncHealth } from "../components/github";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { env } from "../env.server";
import { githubAuth } from "../github/auth.server";
import { webhooksConfigured } from "../github/verify.server";
import { formatRelative } from "../lib/dates";
import { SOURCE_NAMES } from "../lib/distros";
import { pageMeta } from "../lib/meta";
import { isBackupOverdue, lastBackup } from "../models/backups.server";
import { listInstallations } from "../models/github-installations.server";
import { listSyncHealth } from "../models/github-sync.server";
import { getWebhookHealth } from "../models/github.server";
import { listJobHealth } from "../models/jobs.server";
import { countOutboxByState } from "../models/outbox.server";
import { listSourceHealth } from "../models/package-sources.server";

export const meta: MetaFunction = () => pageMeta("Admin · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return json({
    configured: webhooksConfigured,
    health: getWebhookHealth(db),
    jobs: listJobHealth(db),
    outbox: countOutboxByState(db),
    backup: lastBackup(db),
    backupHours: env.BACKUP_DIR ? env.BACKUP_HOURS : 0,
    backupOverdue: isBackupOverdue(db, env.BACKUP_DIR ? env.BACKUP_HOURS : 0),
    sources: listSourceHealth(db),
    sync: { mode: githubAuth.mode, minutes: env.GITHUB_SYNC_MINUTES, repos: listSyncHealth(db) },
    installations: listInstallations(db),
    now: Date.now(),
  });
}

const megabytes = new Intl.NumberFormat("en", { style: "unit", unit: "megabyte", maximumFractionDigits: 1 });

export default function AdminHome() {
  const { configured, health, jobs, outbox, sources, sync, installations, backup, backupHours, backupOverdue, now } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Admin</h1>
      </header>
      <p className={`alert ${health.failures24h > 0 || !configured ? "alert--error" : "alert--ok"}`} role="status">
        GitHub webhooks: {configured ? "configured" : "not configured (set GITHUB_WEBHOOK_SECRET)"}. Last delivery{" "}
        {health.lastDeliveryAt ? formatRelative(health.lastDeliveryAt, now) : "never"}; {health.failures24h} failed in the last 24 hours.
      </p>
      <p className={`alert ${backup?.ok && !backupOverdue ? "alert--ok" : "alert--error"}`} role="status">
        {backup === null
          ? "Last backup: none yet."
          : backup.ok
            ? `Last backup: ${formatRelative(backup.at, now)}, ${megabytes.format((backup.sizeBytes ?? 0) / 1_000_000)}, verified (${backup.file}).`
            : `Last backup failed ${formatRelative(backup.at, now)}: ${backup.error ?? "no reason recorded"} (${backup.file}).`}{" "}
        {backupHours > 0 ? `Scheduled every ${backupHours === 1 ? "hour" : `${backupHours} hours`}.` : "No scheduled backups (set BACKUP_DIR)."}
        {backupOverdue ? ` Overdue: no backup has verified in the last ${2 * backupHours} hours.` : ""}
      </p>
      <section aria-labelledby="jobs-heading" className="section">
        <h2 id="jobs-heading">Background jobs</h2>
        {jobs.length === 0 ? (
          <p className="empty">No job has run yet.</p>
        ) : (
          <ScrollTable label="Background jobs">
            <table className="table">
              <TableHead columns={["Job", "Health", "Last run", "Last success", "Runs / failures", "Next run", "Held by", "Last error"]} />
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.name}>
                    <th scope="row">{j.name}</th>
                    <td>{j.failing ? "failing" : !j.leased ? "no process holds it" : "ok"}</td>
                    <td>{j.lastStartedAt ? formatRelative(j.lastStartedAt, now) : "never"}</td>
                    <td>{j.lastSuccessAt ? formatRelative(j.lastSuccessAt, now) : "never"}</td>
                    <td>
                      {j.runs} / {j.failures}
                    </td>
                    <td>{j.nextRunAt > now ? formatRelative(j.nextRunAt, now) : "now"}</td>
                    <td>{j.leased ? j.holder : "nobody"}</td>
                    <td>{j.lastError && j.failing ? j.lastError : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        )}
      </section>
      <GithubSyncHealth sync={sync} installations={installations} now={now} />
      <section aria-labelledby="sources-heading" className="section">
        <h2 id="sources-heading">Package sources</h2>
        <p className="muted">
          Read by the <code>packages-sync</code> job (every <code>PACKAGES_SYNC_HOURS</code>) and by <code>npm run packages:sync</code>. A failing source keeps
          its last data and is left alone until its retry time.
        </p>
        <ScrollTable label="Package sources">
          <table className="table">
            <TableHead columns={["Source", "Last success", "Last error", "Failures in a row", "Next try"]} />
            <tbody>
              {sources.map((s) => (
                <tr key={s.source}>
                  <th scope="row">{SOURCE_NAMES[s.source]}</th>
                  <td>{s.lastSuccessAt ? formatRelative(s.lastSuccessAt, now) : "never"}</td>
                  <td>{s.lastError && s.lastErrorAt ? `${formatRelative(s.lastErrorAt, now)}: ${s.lastError}` : ""}</td>
                  <td>{s.failures}</td>
                  <td>{s.retryAt > now ? formatRelative(s.retryAt, now) : "at the next sync"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      </section>
      <ul className="target-list">
        <li className="card">
          <Link to="/admin/outbox">Outbox</Link> — {outbox.queued ?? 0} queued, {outbox.held ?? 0} held, {outbox.failed ?? 0} failed, {outbox.sent ?? 0} sent.
        </li>
        <li className="card">
          <Link to="/admin/users">Users and roles</Link> — grant roles, disable accounts, see the audit trail.
        </li>
        <li className="card">
          <Link to="/admin/github-app">GitHub App</Link> — create Club Zero's GitHub App from its manifest in a few clicks.
        </li>
        <li className="card">
          <Link to="/admin/webhooks">Webhook deliveries</Link> — every delivery, its payload and outcome; replay one.
        </li>
        <li className="card">
          <Link to="/bounties/proposals">Bounty proposals</Link> — accept or decline work the community suggested.
        </li>
      </ul>
    </>
  );
}
