// GitHub's REST API: conditional GETs (ETag / Last-Modified → 304, which GitHub does not count
// against the rate limit), Link pagination, and every way GitHub says "wait": the primary
// limit (X-RateLimit-Remaining 0 until X-RateLimit-Reset), Retry-After, and secondary limits
// (403/429 whose message says so, with or without Retry-After).
// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
import { z } from "zod";
import { env } from "../env.server";
import { githubIssueUrl } from "../lib/links";
import { githubAuth, GithubAuthError, type GithubAuth } from "./auth.server";
import { GitHubLink } from "./payloads";
import type { IssueSnapshot } from "../models/github.server";

const RestIssue = z.looseObject({
  id: z.number().int(),
  number: z.number().int(),
  title: z.string(),
  state: z.enum(["open", "closed"]),
  state_reason: z.string().nullish(),
  html_url: GitHubLink,
  updated_at: z.string(),
  labels: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])).default([]),
  assignees: z.array(z.looseObject({ login: z.string() })).nullish(),
  user: z.looseObject({ login: z.string() }).nullish(),
  pull_request: z.looseObject({ merged_at: z.string().nullish() }).nullish(),
});

/** An issue or PR as the REST API shows it (one item, or one element of a listing), or null if it is not one. */
export function parseRestIssue(data: unknown, repo: string): IssueSnapshot | null {
  const parsed = RestIssue.safeParse(data);
  if (!parsed.success) return null;
  const i = parsed.data;
  const mergedAt = i.pull_request?.merged_at ? Date.parse(i.pull_request.merged_at) : null;
  return {
    githubId: i.id,
    repo,
    number: i.number,
    kind: i.pull_request ? "pull" : "issue",
    title: i.title,
    state: mergedAt ? "merged" : i.state,
    stateReason: i.state_reason ?? null,
    labels: i.labels.map((l) => (typeof l === "string" ? l : l.name)),
    assignees: (i.assignees ?? []).map((a) => a.login),
    author: i.user?.login ?? null,
    url: i.html_url ?? githubIssueUrl(repo, i.number, i.pull_request ? "pull" : "issue"),
    updatedAt: Date.parse(i.updated_at),
    mergedAt,
  };
}

export type RestAnswer =
  | {
      kind: "ok";
      body: unknown;
      etag: string | null;
      lastModified: string | null;
      /** The Link header's rel="next", if there are more pages. */
      next: string | null;
      /** The budget is spent: no further call until then (ms). */
      exhaustedUntil: number | null;
    }
  | { kind: "not_modified" }
  | { kind: "rate_limited"; until: number; secondary: boolean; message: string }
  | { kind: "not_found" | "unauthorized" | "error"; message: string };

/** "<https://…?page=2>; rel=\"next\", <…>; rel=\"last\"" → the next URL. */
export function nextLink(header: string | null): string | null {
  for (const part of (header ?? "").split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?\s*$/.exec(part.trim());
    if (m) return m[1] ?? null;
  }
  return null;
}

/** A secondary limit with no Retry-After: GitHub says to wait at least a minute. */
const SECONDARY_WAIT_MS = 60_000;

/** Which "wait" a 403/429 is, or null when it is a plain refusal. */
function rateLimitOf(res: Response, message: string, now: number): { until: number; secondary: boolean } | null {
  const retryAfter = res.headers.get("retry-after");
  const remaining = res.headers.get("x-ratelimit-remaining");
  const secondary = /secondary rate limit|abuse/i.test(message);
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return { until: now + Number(retryAfter) * 1000, secondary: secondary || remaining !== "0" };
  if (remaining === "0") {
    const reset = Number(res.headers.get("x-ratelimit-reset") ?? 0) * 1000;
    return { until: Math.max(reset, now + 1000), secondary: false };
  }
  if (secondary || res.status === 429) return { until: now + SECONDARY_WAIT_MS, secondary: true };
  return null;
}

export interface RestOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs?: number;
  signal?: AbortSignal;
  clock?: () => number;
}

/** One GET, classified. Never throws for GitHub's answers or the network: the caller decides what to do. */
export async function restGet(url: string, headers: Record<string, string>, options: RestOptions = {}): Promise<RestAnswer> {
  const clock = options.clock ?? Date.now;
  const conditional: Record<string, string> = {};
  if (options.etag) conditional["If-None-Match"] = options.etag;
  if (options.lastModified) conditional["If-Modified-Since"] = options.lastModified;
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal ? [options.signal] : [])];
  let res: Response;
  try {
    res = await fetch(url, { headers: { ...headers, ...conditional }, signal: AbortSignal.any(signals) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { kind: "error", message: timedOut ? "GitHub did not answer in time." : "GitHub could not be reached." };
  }
  if (res.status === 304) return { kind: "not_modified" };
  if (res.ok) {
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return { kind: "error", message: "GitHub's answer was not JSON." };
    }
    const remaining = res.headers.get("x-ratelimit-remaining");
    return {
      kind: "ok",
      body,
      etag: res.headers.get("etag"),
      lastModified: res.headers.get("last-modified"),
      next: nextLink(res.headers.get("link")),
      exhaustedUntil: remaining === "0" ? Math.max(Number(res.headers.get("x-ratelimit-reset") ?? 0) * 1000, clock() + 1000) : null,
    };
  }
  const message = await res
    .json()
    .then((b: unknown) => (typeof b === "object" && b && "message" in b ? String(b.message) : ""))
    .catch(() => "");
  if (res.status === 403 || res.status === 429) {
    const limit = rateLimitOf(res, message, clock());
    if (limit) {
      const kindOf = limit.secondary ? "secondary rate limit" : "rate limit";
      return { kind: "rate_limited", ...limit, message: `GitHub's ${kindOf} is reached until ${new Date(limit.until).toISOString()}.` };
    }
  }
  if (res.status === 404 || res.status === 410) return { kind: "not_found", message: "It does not exist or is not visible to Club Zero's GitHub credentials." };
  if (res.status === 401 || res.status === 403) return { kind: "unauthorized", message: `GitHub refused Club Zero's credentials (${res.status}).` };
  return { kind: "error", message: `GitHub answered ${res.status}.` };
}

/** GitHub asked for a wait longer than the caller will wait in-run: stop, and come back after `until`. */
export class RateLimitWait extends Error {
  constructor(
    message: string,
    readonly until: number,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });

/**
 * Budgets GitHub has closed, until when (ms), for this process: a later run (the next job tick)
 * does not ask again before the reset either.
 */
export const closedBudgets = new Map<string, number>();

export interface BudgetOptions {
  /** Budgets GitHub has closed (default: this process's), until when (ms). */
  closed?: Map<string, number>;
  /** The budget these headers draw on (`token`, `installation:42`, `installation:42:search`…). */
  budget: string;
  headers: Record<string, string>;
  /** Waits up to this long in-run; a longer wait throws RateLimitWait. */
  maxWaitMs: number;
  signal?: AbortSignal;
  clock?: () => number;
}

/**
 * GETs on one rate-limit budget: a closed budget (no requests left, Retry-After, secondary
 * limit) is waited out when the wait is short, and the same request is made again; a long
 * one throws RateLimitWait. An answer saying no requests are left closes the budget before
 * anyone asks again. Never returns `rate_limited`.
 */
export function budgetedGet(options: BudgetOptions) {
  const clock = options.clock ?? Date.now;
  const { budget } = options;
  const closed = options.closed ?? closedBudgets;
  return async (
    url: string,
    conditional: { etag?: string | null; lastModified?: string | null } = {},
  ): Promise<Exclude<RestAnswer, { kind: "rate_limited" }>> => {
    for (;;) {
      const closedUntil = closed.get(budget) ?? 0;
      if (closedUntil > clock()) {
        if (closedUntil - clock() > options.maxWaitMs)
          throw new RateLimitWait(`GitHub's rate limit is reached until ${new Date(closedUntil).toISOString()}.`, closedUntil);
        await sleep(closedUntil - clock(), options.signal);
        if (options.signal?.aborted) throw new RateLimitWait("Stopped while waiting for GitHub's rate limit.", closedUntil);
      }
      const answer = await restGet(url, options.headers, { ...conditional, signal: options.signal, clock });
      if (answer.kind === "rate_limited") {
        closed.set(budget, answer.until);
        if (answer.until - clock() > options.maxWaitMs) throw new RateLimitWait(answer.message, answer.until);
        continue;
      }
      if (answer.kind === "ok" && answer.exhaustedUntil) closed.set(budget, answer.exhaustedUntil);
      return answer;
    }
  };
}

export type FetchResult =
  | { ok: true; snapshot: IssueSnapshot }
  | { ok: false; reason: "not_found" | "unauthorized" | "error"; message: string }
  | { ok: false; reason: "rate_limited"; resetAt: number; message: string };

/**
 * Fetches one issue or pull request. A rate-limited answer (403/429 with no requests
 * left, Retry-After, or a secondary limit) says when to try again instead of failing.
 */
export async function fetchIssue(
  repo: string,
  number: number,
  options: { auth?: GithubAuth; apiUrl?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<FetchResult> {
  const auth = options.auth ?? githubAuth;
  let credentials;
  try {
    credentials = await auth.credentials(repo);
  } catch (error) {
    return { ok: false, reason: "unauthorized", message: error instanceof GithubAuthError ? error.message : "Club Zero could not authenticate to GitHub." };
  }
  if (!credentials) return { ok: false, reason: "unauthorized", message: "Neither GITHUB_TOKEN nor a GitHub App is configured." };
  const answer = await restGet(new URL(`/repos/${repo}/issues/${number}`, options.apiUrl ?? env.GITHUB_API_URL).href, credentials.headers, options);
  switch (answer.kind) {
    case "ok": {
      const snapshot = parseRestIssue(answer.body, repo);
      return snapshot ? { ok: true, snapshot } : { ok: false, reason: "error", message: "GitHub's answer did not look like an issue." };
    }
    case "rate_limited":
      return { ok: false, reason: "rate_limited", resetAt: answer.until, message: answer.message };
    case "not_modified":
      return { ok: false, reason: "error", message: "GitHub answered 304 to an unconditional request." };
    case "not_found":
      return { ok: false, reason: "not_found", message: `${repo}#${number} does not exist or is not visible to Club Zero's GitHub credentials.` };
    default:
      return { ok: false, reason: answer.kind, message: answer.message };
  }
}
