// Who Club Zero is when it calls GitHub's REST API: the GitHub App (recommended) or a personal
// token. The app authenticates as an installation: @octokit/auth-app signs the app's JWT and
// trades it for an installation token at /app/installations/{id}/access_tokens (kept until
// shortly before it expires). Which installation: the one on the repository, found with
// GET /repos/{o}/{r}/installation; for a public repository the app is not installed on
// (most upstream projects), any active installation of the app reads it; failing that,
// GITHUB_TOKEN if set.
import { createAppAuth } from "@octokit/auth-app";
// @octokit/auth-app's own dependency: its `request` option takes this, pointed at GITHUB_API_URL
import { request as octokitRequest } from "@octokit/request";
import { env } from "../env.server";

export interface GithubAuthConfig {
  apiUrl: string;
  token?: string | null;
  app?: { appId: number; privateKey: string } | null;
  /** How long a repository's installation (or its absence) is remembered. */
  installationTtlMs?: number;
  clock?: () => number;
}

export interface GithubCredentials {
  headers: Record<string, string>;
  /** The rate-limit budget these headers draw on (`token`, `installation:42`): a limit on one stops only its repositories. */
  budget: string;
}

export interface GithubAuth {
  mode: "app" | "token" | null;
  /** Headers for a call about `repo` (owner/name), or about nothing in particular; null when nothing is configured. */
  credentials(repo?: string): Promise<GithubCredentials | null>;
}

/** A failure to authenticate, worded for the admin page (never the library's text). */
export class GithubAuthError extends Error {}

const BASE_HEADERS = { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "club-zero" };

/**
 * auth-app's token cache keeps a token 59 minutes whatever GitHub said; this one keeps it until
 * shortly before its own `expires_at` (a minute, or a tenth of its life if that is shorter), so
 * a token is reused while valid and never sent after it lapses. Values are auth-app's
 * "token|createdAt|expiresAt|…" strings.
 */
function expiryCache(clock: () => number) {
  const entries = new Map<string, string>();
  // a miss is "" (auth-app's Cache type wants a string; it treats any falsy value as a miss)
  return {
    get(key: string): string {
      const value = entries.get(key);
      if (!value) return "";
      const [, createdAt, expiresAt] = value.split("|");
      const created = Date.parse(createdAt ?? "");
      const expires = Date.parse(expiresAt ?? "");
      const margin = Math.min(60_000, Math.max(0, (expires - created) / 10));
      if (!(expires - margin > clock())) {
        entries.delete(key);
        return "";
      }
      return value;
    },
    set(key: string, value: string) {
      entries.set(key, value);
    },
  };
}

export function createGithubAuth(config: GithubAuthConfig): GithubAuth {
  const clock = config.clock ?? Date.now;
  const ttl = config.installationTtlMs ?? 3_600_000;
  const token = config.token || null;
  if (!config.app) {
    return {
      mode: token ? "token" : null,
      credentials: async () => (token ? { headers: { ...BASE_HEADERS, Authorization: `Bearer ${token}` }, budget: "token" } : null),
    };
  }
  const appAuth = createAppAuth({
    appId: config.app.appId,
    privateKey: config.app.privateKey,
    request: octokitRequest.defaults({
      baseUrl: config.apiUrl.replace(/\/$/, ""),
      headers: { "user-agent": "club-zero" },
      // a token request that hangs must not hold the sync (or a pasted link) forever
      request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(15_000) }) },
    }),
    cache: expiryCache(clock),
  });
  const installations = new Map<string, { id: number | null; at: number }>();

  async function appGet(path: string): Promise<Response> {
    let jwt: string;
    try {
      jwt = (await appAuth({ type: "app" })).token;
    } catch {
      throw new GithubAuthError("The GitHub App's private key could not sign a token: check GITHUB_APP_PRIVATE_KEY.");
    }
    const res = await fetch(new URL(path, config.apiUrl), {
      headers: { ...BASE_HEADERS, Authorization: `Bearer ${jwt}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 401) throw new GithubAuthError("GitHub refused the app's token (401): check GITHUB_APP_ID and the private key.");
    return res;
  }

  /** The installation on `repo`, else any active one of the app (it reads public repositories), else null. */
  async function installationFor(repo: string | undefined): Promise<number | null> {
    const key = repo?.toLowerCase() ?? "";
    const cached = installations.get(key);
    if (cached && cached.at + ttl > clock()) return cached.id;
    let id: number | null = null;
    if (repo) {
      const res = await appGet(`/repos/${repo}/installation`);
      if (res.ok) id = ((await res.json()) as { id?: number }).id ?? null;
      else if (res.status !== 404) throw new GithubAuthError(`GitHub answered ${res.status} when asked for the app's installation on ${repo}.`);
    }
    if (id === null && key !== "") id = await installationFor(undefined);
    else if (id === null) {
      const res = await appGet("/app/installations?per_page=100");
      if (!res.ok) throw new GithubAuthError(`GitHub answered ${res.status} when asked for the app's installations.`);
      const list = (await res.json()) as { id: number; suspended_at?: string | null }[];
      id = list.find((i) => !i.suspended_at)?.id ?? null;
    }
    installations.set(key, { id, at: clock() });
    return id;
  }

  return {
    mode: "app",
    async credentials(repo) {
      const installationId = await installationFor(repo);
      if (installationId === null) return token ? { headers: { ...BASE_HEADERS, Authorization: `Bearer ${token}` }, budget: "token" } : null;
      let installationToken: string;
      try {
        installationToken = (await appAuth({ type: "installation", installationId })).token;
      } catch {
        installations.delete(repo?.toLowerCase() ?? "");
        throw new GithubAuthError(`GitHub did not give the app a token for installation ${installationId}.`);
      }
      return { headers: { ...BASE_HEADERS, Authorization: `Bearer ${installationToken}` }, budget: `installation:${installationId}` };
    },
  };
}

/** The server's own: configured from the environment. */
export const githubAuth: GithubAuth = createGithubAuth({
  apiUrl: env.GITHUB_API_URL,
  token: env.GITHUB_TOKEN,
  app: env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY ? { appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY } : null,
});

/** A GitHub App or a token is configured: Club Zero can call GitHub's API. */
export function githubConfigured(): boolean {
  return githubAuth.mode !== null;
}

/** Headers for a REST call about `repoFullName` (owner/name); null when neither a token nor an app is configured. */
export async function githubHeaders(repoFullName?: string): Promise<Record<string, string> | null> {
  return (await githubAuth.credentials(repoFullName))?.headers ?? null;
}
