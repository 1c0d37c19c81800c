// GitHub's REST API, for reconciling linked issues when a token is configured.
import { z } from "zod";
import { env } from "../env.server";
import { githubIssueUrl } from "../lib/links";
import { GitHubLink } from "./payloads";
import type { IssueSnapshot } from "../models/github.server";

export const githubTokenConfigured = Boolean(env.GITHUB_TOKEN);

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

export type FetchResult =
  | { ok: true; snapshot: IssueSnapshot }
  | { ok: false; reason: "not_found" | "unauthorized" | "error"; message: string }
  | { ok: false; reason: "rate_limited"; resetAt: number; message: string };

/**
 * Fetches one issue or pull request. A rate-limited answer (403/429 with no requests
 * left, or Retry-After) says when to try again instead of failing.
 */
export async function fetchIssue(repo: string, number: number): Promise<FetchResult> {
  if (!env.GITHUB_TOKEN) return { ok: false, reason: "unauthorized", message: "GITHUB_TOKEN is not set." };
  const res = await fetch(new URL(`/repos/${repo}/issues/${number}`, env.GITHUB_API_URL), {
    headers: {
      Authorization: `Bearer ${env.GITHUB_TOKEN}`,
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "club-zero",
    },
  });
  const remaining = res.headers.get("x-ratelimit-remaining");
  const retryAfter = res.headers.get("retry-after");
  if ((res.status === 403 || res.status === 429) && (remaining === "0" || retryAfter)) {
    const resetAt = retryAfter ? Date.now() + Number(retryAfter) * 1000 : Number(res.headers.get("x-ratelimit-reset") ?? 0) * 1000;
    return { ok: false, reason: "rate_limited", resetAt, message: `GitHub's rate limit is reached until ${new Date(resetAt).toISOString()}.` };
  }
  if (res.status === 404 || res.status === 410)
    return { ok: false, reason: "not_found", message: `${repo}#${number} does not exist or is not visible to the token.` };
  if (res.status === 401) return { ok: false, reason: "unauthorized", message: "GitHub refused the token (401)." };
  if (!res.ok) return { ok: false, reason: "error", message: `GitHub answered ${res.status}.` };
  const parsed = RestIssue.safeParse(await res.json());
  if (!parsed.success) return { ok: false, reason: "error", message: "GitHub's answer did not look like an issue." };
  const i = parsed.data;
  const mergedAt = i.pull_request?.merged_at ? Date.parse(i.pull_request.merged_at) : null;
  return {
    ok: true,
    snapshot: {
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
    },
  };
}
