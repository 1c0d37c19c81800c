// The scheduled GitHub sync (a server job, and `npm run github:sync`): keeps every linked issue
// and PR current for repositories that never send us a webhook. Per repository it lists the
// issues changed since its cursor (GET /repos/{o}/{r}/issues?state=all&since=…, oldest change
// first, following Link pages) instead of fetching each, and sends the last answer's ETag /
// Last-Modified so an unchanged repository costs one 304 (free of GitHub's rate limit). Items
// GitHub never told us about are fetched one by one first. When GitHub says wait, a short wait
// is waited; a long one is recorded (the repository's place is kept, the next run resumes
// there) and only the repositories on that rate-limit budget stop.
import { env } from "../env.server";
import {
  listSyncRepos,
  listUnsyncedNumbers,
  oldestSyncedAt,
  recordListingPage,
  recordRepoError,
  recordRepoSynced,
  recordRepoWait,
  trackedNumbers,
  type SyncRepoRow,
} from "../models/github-sync.server";
import { applySnapshot } from "../models/github.server";
import { githubAuth, GithubAuthError, type GithubAuth, type GithubCredentials } from "./auth.server";
import { budgetedGet, fetchIssue, parseRestIssue, RateLimitWait, type FetchResult } from "./rest.server";
import type { Db } from "../db.server";

export interface SyncOptions {
  auth?: GithubAuth;
  apiUrl?: string;
  signal?: AbortSignal;
  clock?: () => number;
  /** Waits up to this long in-run for a rate limit to pass; longer waits end the repository's turn. */
  maxWaitMs?: number;
}

export interface SyncReport {
  repos: number;
  /** Repositories brought up to date in this run. */
  synced: number;
  /** Items whose mirror changed. */
  updated: number;
  /** GitHub's answers: full (200) and unchanged (304). */
  full: number;
  notModified: number;
  /** Repositories stopped by a rate limit, and until when. */
  waiting: { repo: string; until: number }[];
  failed: { repo: string; message: string }[];
}

/** A repository's clock skew allowance: `since` starts this much before we last knew the items were current. */
const CURSOR_SLACK_MS = 5 * 60_000;

/** GitHub's label for a Club Zero link: worth mirroring even when nobody linked the item yet. */
const carriesClubZeroLabel = (labels: string[]) => labels.some((l) => /^club-zero(?::|$)/i.test(l));

/** The repository's turn ends here: GitHub's answer was an error, recorded on the repository. */
class Stop {
  constructor(readonly message: string) {}
}

export async function syncGithub(db: Db, options: SyncOptions = {}): Promise<SyncReport> {
  const auth = options.auth ?? githubAuth;
  const apiUrl = options.apiUrl ?? env.GITHUB_API_URL;
  const clock = options.clock ?? Date.now;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const repos = listSyncRepos(db);
  const report: SyncReport = { repos: repos.length, synced: 0, updated: 0, full: 0, notModified: 0, waiting: [], failed: [] };

  for (const state of repos) {
    if (options.signal?.aborted) break;
    if (state.nextAllowedAt !== null && state.nextAllowedAt > clock()) {
      report.waiting.push({ repo: state.repo, until: state.nextAllowedAt });
      continue;
    }
    let credentials: GithubCredentials | null;
    try {
      credentials = await auth.credentials(state.repo);
    } catch (error) {
      const message = error instanceof GithubAuthError ? error.message : "Club Zero could not authenticate to GitHub.";
      recordRepoError(db, state.repo, message, clock());
      report.failed.push({ repo: state.repo, message });
      continue;
    }
    if (!credentials) break;

    const budgeted = budgetedGet({ budget: credentials.budget, headers: credentials.headers, maxWaitMs, signal: options.signal, clock });
    const get: Get = async (url, conditional) => {
      const answer = await budgeted(url, conditional);
      if (answer.kind === "ok") report.full++;
      if (answer.kind === "not_modified") report.notModified++;
      return answer;
    };

    try {
      await syncRepo(db, state, apiUrl, get, report, clock);
      report.synced++;
    } catch (error) {
      if (error instanceof RateLimitWait) {
        recordRepoWait(db, state.repo, error.until, error.message, clock());
        report.waiting.push({ repo: state.repo, until: error.until });
      } else if (error instanceof Stop) {
        recordRepoError(db, state.repo, error.message, clock());
        report.failed.push({ repo: state.repo, message: error.message });
      } else throw error;
    }
  }
  return report;
}

type Get = ReturnType<typeof budgetedGet>;

async function syncRepo(db: Db, state: SyncRepoRow, apiUrl: string, get: Get, report: SyncReport, clock: () => number) {
  const repo = state.repo;
  const startedAt = clock();
  const counted = { full: report.full, notModified: report.notModified };
  const problems: string[] = [];

  // 1. Linked items GitHub never told us about, one by one (a failure here is kept, not fatal).
  for (const number of listUnsyncedNumbers(db, repo)) {
    const answer = await get(new URL(`/repos/${repo}/issues/${number}`, apiUrl).href);
    if (answer.kind === "ok") {
      const snapshot = parseRestIssue(answer.body, repo);
      if (snapshot && applySnapshot(db, snapshot)) report.updated++;
      else if (!snapshot) problems.push(`#${number}: GitHub's answer did not look like an issue.`);
    } else if (answer.kind !== "not_modified") {
      if (answer.kind === "error") throw new Stop(`#${number}: ${answer.message}`);
      problems.push(`#${number}: ${answer.message}`);
    }
  }

  // 2. Everything changed since the cursor. The first time, the cursor is the oldest moment
  // any of its items was known current (just now for those fetched above), less some slack.
  const since = state.sinceCursor ?? new Date((oldestSyncedAt(db, repo) ?? startedAt) - CURSOR_SLACK_MS).toISOString();
  const tracked = trackedNumbers(db, repo);
  const first = new URL(`/repos/${repo}/issues`, apiUrl);
  first.search = new URLSearchParams({ state: "all", since, sort: "updated", direction: "asc", per_page: "100" }).toString();
  let url: string | null = state.pendingUrl ?? first.href;
  const resumed = state.pendingUrl !== null;
  let newest = state.pendingMaxUpdated ?? since;
  let validators: { etag: string | null; lastModified: string | null } = { etag: null, lastModified: null };
  let pages = 0;
  while (url) {
    const conditional = !resumed && pages === 0 && state.sinceCursor !== null ? { etag: state.etag, lastModified: state.lastModified } : {};
    const answer = await get(url, conditional);
    if (answer.kind === "not_modified") {
      validators = { etag: state.etag, lastModified: state.lastModified };
      break;
    }
    if (answer.kind !== "ok") throw new Stop(answer.message);
    if (!Array.isArray(answer.body)) throw new Stop("GitHub's answer to the issue listing was not a list.");
    for (const item of answer.body) {
      const snapshot = parseRestIssue(item, repo);
      if (!snapshot) continue;
      const at = new Date(snapshot.updatedAt).toISOString();
      if (at > newest) newest = at;
      if ((tracked.has(snapshot.number) || carriesClubZeroLabel(snapshot.labels)) && applySnapshot(db, snapshot)) report.updated++;
    }
    if (pages === 0 && !resumed) validators = { etag: answer.etag, lastModified: answer.lastModified };
    pages++;
    url = answer.next;
    if (url) recordListingPage(db, repo, { pendingUrl: url, pendingMaxUpdated: newest, sinceCursor: since });
  }
  // One page: the next run asks with `since` = its newest change, which (when only that moment
  // changed) is the same answer, so its ETag still matches. Several pages: the answer differs.
  const keep = pages <= 1 && !resumed;
  recordRepoSynced(db, repo, {
    startedAt,
    sinceCursor: newest,
    etag: keep ? validators.etag : null,
    lastModified: keep ? validators.lastModified : null,
    full: report.full - counted.full,
    notModified: report.notModified - counted.notModified,
  });
  if (problems.length > 0) recordRepoError(db, repo, problems.join(" ").slice(0, 500), clock());
}

/**
 * Fetches a just-linked issue or PR at once, without holding the request for long: after
 * `timeoutMs` it gives up and the scheduled sync fetches it (it has never been synced, so it
 * goes first). Applies what it got; the result says what happened.
 */
export async function refreshIssueNow(
  db: Db,
  ref: { repo: string; number: number },
  options: { auth?: GithubAuth; apiUrl?: string; timeoutMs?: number } = {},
): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  // the whole of it, the app's installation lookup and token included, within the limit
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<FetchResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: "error", message: "GitHub did not answer in time." }), timeoutMs);
  });
  const result = await Promise.race([fetchIssue(ref.repo, ref.number, { ...options, timeoutMs }), late]);
  clearTimeout(timer);
  if (result.ok) applySnapshot(db, result.snapshot);
  return result;
}
