import { formatRelative } from "../lib/dates";
import { ScrollTable, TableHead } from "./table";

/** How fresh a page's GitHub data is: "Synced from GitHub 3 minutes ago." / "Not synced from GitHub yet." */
export function SyncFreshness({ syncedAt, unsynced = 0, now }: { syncedAt: number | null; unsynced?: number; now: number }) {
  if (syncedAt === null) return <span className="sync-freshness">Not synced from GitHub yet.</span>;
  return (
    <span className="sync-freshness">
      Synced from GitHub {formatRelative(syncedAt, now)}.{unsynced > 0 ? ` ${unsynced} not synced yet.` : ""}
    </span>
  );
}

interface RepoHealth {
  repo: string;
  lastSyncedAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  nextAllowedAt: number | null;
  failing: boolean;
  resuming: boolean;
  lastRunFull: number;
  lastRunNotModified: number;
}

interface InstallationRow {
  installationId: number;
  account: string;
  repositorySelection: string | null;
  suspendedAt: number | null;
  deletedAt: number | null;
  repos: string[];
}

const MODE_LABELS = { app: "as the GitHub App", token: "with GITHUB_TOKEN" } as const;

/** /admin: how the GitHub sync is doing, per repository, and where the app is installed. */
export function GithubSyncHealth({
  sync,
  installations,
  now,
}: {
  sync: { mode: "app" | "token" | null; minutes: number; repos: RepoHealth[] };
  installations: InstallationRow[];
  now: number;
}) {
  const failing = sync.repos.filter((r) => r.failing).length;
  return (
    <section aria-labelledby="github-sync-heading" className="section">
      <h2 id="github-sync-heading">GitHub sync</h2>
      <p className={`alert ${sync.mode === null || failing > 0 ? "alert--error" : "alert--ok"}`} role="status">
        {sync.mode === null
          ? "Off: set GITHUB_APP_ID and its private key (or GITHUB_TOKEN) to keep linked issues current."
          : sync.minutes === 0
            ? `Configured (${MODE_LABELS[sync.mode]}) but not scheduled (GITHUB_SYNC_MINUTES=0).`
            : `Every ${sync.minutes} minutes, ${MODE_LABELS[sync.mode]}: ${sync.repos.length} repositories, ${failing} failing or waiting.`}
      </p>
      {sync.repos.length > 0 ? (
        <ScrollTable label="Repositories the GitHub sync reads">
          <table className="table">
            <TableHead columns={["Repository", "Last success", "Last run (full / 304)", "Rate-limit wait", "Last error"]} />
            <tbody>
              {sync.repos.map((r) => (
                <tr key={r.repo}>
                  <th scope="row">{r.repo}</th>
                  <td>{r.lastSyncedAt ? formatRelative(r.lastSyncedAt, now) : "never"}</td>
                  <td>
                    {r.lastRunFull} / {r.lastRunNotModified}
                  </td>
                  <td>
                    {r.nextAllowedAt && r.nextAllowedAt > now ? `until ${formatRelative(r.nextAllowedAt, now)}` : "none"}
                    {r.resuming ? " (resumes where it stopped)" : ""}
                  </td>
                  <td>{r.failing && r.lastError ? `${r.lastError} (${r.lastErrorAt ? formatRelative(r.lastErrorAt, now) : ""})` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      ) : null}
      <h3>GitHub App installations</h3>
      {installations.length === 0 ? (
        <p className="empty">No installation reported yet (GitHub sends an installation event when the app is installed).</p>
      ) : (
        <ul>
          {installations.map((i) => (
            <li key={i.installationId}>
              {i.account} (installation {i.installationId}
              {i.deletedAt ? ", uninstalled" : i.suspendedAt ? ", suspended" : ""}):{" "}
              {i.repositorySelection === "all" ? "all repositories" : i.repos.length > 0 ? i.repos.join(", ") : "no repositories"}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
