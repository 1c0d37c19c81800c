// Discovery (the `github-discovery` job): for each target's upstream repository, GitHub's issue
// search finds open issues and PRs mentioning SPIFFE, SPIRE or workload identity, and they go on
// the "Suggested issues" queue (/suggestions). The search API has its own limit (30 requests a
// minute with credentials): requests are spaced, and its budget is separate from the sync's.
import { env } from "../env.server";
import { listDiscoveryRepos, recordDiscoveryProblem, recordDiscoveryResults } from "../models/github-suggestions.server";
import { githubAuth, GithubAuthError, type GithubAuth } from "./auth.server";
import { budgetedGet, parseRestIssue, RateLimitWait } from "./rest.server";
import type { Db } from "../db.server";
import type { IssueSnapshot } from "../models/github.server";

/** What an issue must mention (GitHub searches titles, bodies and comments). */
export const DISCOVERY_TERMS = ["SPIFFE", "SPIRE", '"workload identity"'];

export interface DiscoveryOptions {
  auth?: GithubAuth;
  apiUrl?: string;
  signal?: AbortSignal;
  clock?: () => number;
  maxWaitMs?: number;
  /** Time between two searches (30 a minute: 2 s). */
  spacingMs?: number;
}

export interface DiscoveryReport {
  repos: number;
  searched: number;
  suggested: number;
  waiting: { repo: string; until: number }[];
  failed: { repo: string; message: string }[];
}

export function searchQuery(repo: string): string {
  return `repo:${repo} is:open ${DISCOVERY_TERMS.join(" OR ")}`;
}

export async function discoverIssues(db: Db, options: DiscoveryOptions = {}): Promise<DiscoveryReport> {
  const auth = options.auth ?? githubAuth;
  const apiUrl = options.apiUrl ?? env.GITHUB_API_URL;
  const clock = options.clock ?? Date.now;
  const spacingMs = options.spacingMs ?? 2_100;
  const repos = listDiscoveryRepos(db);
  const report: DiscoveryReport = { repos: repos.length, searched: 0, suggested: 0, waiting: [], failed: [] };
  let lastRequestAt = 0;

  for (const state of repos) {
    if (options.signal?.aborted) break;
    if (state.nextAllowedAt !== null && state.nextAllowedAt > clock()) {
      report.waiting.push({ repo: state.repo, until: state.nextAllowedAt });
      continue;
    }
    try {
      const credentials = await auth.credentials(state.repo);
      if (!credentials) break;
      const get = budgetedGet({
        budget: `${credentials.budget}:search`,
        headers: credentials.headers,
        maxWaitMs: options.maxWaitMs ?? 60_000,
        signal: options.signal,
        clock,
      });
      const pause = lastRequestAt + spacingMs - Date.now();
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      lastRequestAt = Date.now();
      const url = new URL("/search/issues", apiUrl);
      url.search = new URLSearchParams({ q: searchQuery(state.repo), sort: "updated", order: "desc", per_page: "50" }).toString();
      const answer = await get(url.href);
      if (answer.kind !== "ok") {
        const message = answer.kind === "not_modified" ? "GitHub answered 304 to a search." : answer.message;
        recordDiscoveryProblem(db, state.repo, { message }, clock());
        report.failed.push({ repo: state.repo, message });
        continue;
      }
      const body = answer.body as { items?: unknown[] } | null;
      const items = (Array.isArray(body?.items) ? body.items : [])
        .map((item) => parseRestIssue(item, state.repo))
        .filter((i): i is IssueSnapshot => i !== null && i.state === "open");
      report.searched++;
      report.suggested += recordDiscoveryResults(db, state.repo, items, clock());
    } catch (error) {
      if (error instanceof RateLimitWait) {
        recordDiscoveryProblem(db, state.repo, { message: error.message, until: error.until }, clock());
        report.waiting.push({ repo: state.repo, until: error.until });
      } else if (error instanceof GithubAuthError) {
        recordDiscoveryProblem(db, state.repo, { message: error.message }, clock());
        report.failed.push({ repo: state.repo, message: error.message });
      } else throw error;
    }
  }
  return report;
}
