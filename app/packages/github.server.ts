// GitHub's latest release of a repository (GET /repos/{owner}/{repo}/releases/latest): the
// upstream version packages are compared with, when no `release` webhook told us first.
// GitHub answers conditional requests with 304, which do not count against its rate limit.
import { z } from "zod";
import { conditionalHeaders, joinUrl, readAnswer, send, type Answer, type CachedAnswer, type SourceSettings } from "./http.server";

export function latestReleaseUrl(settings: Pick<SourceSettings, "githubApiUrl">, repo: string): string {
  return joinUrl(settings.githubApiUrl, `/repos/${repo}/releases/latest`);
}

export async function fetchLatestRelease(settings: SourceSettings, repo: string, cached: CachedAnswer | null, signal?: AbortSignal): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", ...conditionalHeaders(cached) };
  // the token only raises the rate limit: releases of public repositories need none
  if (settings.githubToken) headers.Authorization = `Bearer ${settings.githubToken}`;
  return readAnswer(await send(latestReleaseUrl(settings, repo), headers, settings, signal), cached, "GitHub");
}

const Release = z.looseObject({ tag_name: z.string().min(1), draft: z.boolean().nullish(), prerelease: z.boolean().nullish() });

/** The release's tag (`v1.15.3`); null when the body is not a published, final release. */
export function parseLatestRelease(body: string): string | null {
  try {
    const parsed = Release.safeParse(JSON.parse(body));
    return parsed.success && !parsed.data.draft && !parsed.data.prerelease ? parsed.data.tag_name : null;
  } catch {
    return null;
  }
}
