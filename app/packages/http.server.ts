// The one way the package sources are asked over HTTP: a descriptive User-Agent, a timeout,
// a size cap, conditional requests from the last good answer, and answers sorted into
// fresh / unchanged / failed (with the source's Retry-After, when it gave one).

/** What a source's adapter needs to know about where and how to ask. */
export interface SourceSettings {
  repologyUrl: string;
  helmRepoUrl: string;
  ociRegistryUrl: string;
  githubApiUrl: string;
  githubToken: string | null;
  /** Sent with every request, so the services know who asks and where to complain. */
  userAgent: string;
}

/** The last good answer to a URL, with its validators. */
export interface CachedAnswer {
  etag: string | null;
  lastModified: string | null;
  body: string;
}

export type Answer =
  | { kind: "fresh"; body: string; etag: string | null; lastModified: string | null }
  | { kind: "unchanged"; body: string }
  | { kind: "missing" }
  | { kind: "failed"; message: string; status: number | null; retryAfterMs: number | null };

const TIMEOUT_MS = 20_000;
/** Repology's largest project answers are a few hundred KB; a chart index a few MB. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** `Retry-After` in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d{1,7}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A GET with the User-Agent, a timeout and the caller's headers. Never throws: a network error is a failed answer. */
export async function send(url: string, headers: Record<string, string>, settings: Pick<SourceSettings, "userAgent">, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  try {
    return await fetch(url, {
      headers: { "User-Agent": settings.userAgent, ...headers },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: "follow",
    });
  } catch (error) {
    // the cause (ECONNREFUSED, a timeout) is for the log; the admin sees a sentence
    return { networkError: error instanceof Error && error.name === "TimeoutError" ? "did not answer in time" : "could not be reached" } as const;
  }
}

/** Reads a response's body up to the cap; null when it is larger. */
async function readCapped(res: Response): Promise<string | null> {
  const length = Number(res.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) return null;
  const text = await res.text();
  return Buffer.byteLength(text) > MAX_BODY_BYTES ? null : text;
}

/** Validators for a conditional request from the last good answer. */
export function conditionalHeaders(cached: CachedAnswer | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (cached?.etag) headers["If-None-Match"] = cached.etag;
  if (cached?.lastModified) headers["If-Modified-Since"] = cached.lastModified;
  return headers;
}

/** Sorts an answer: 200 fresh, 304 unchanged (the cached body), 404 missing, anything else failed. */
export async function readAnswer(res: Awaited<ReturnType<typeof send>>, cached: CachedAnswer | null, what: string): Promise<Answer> {
  if ("networkError" in res) return { kind: "failed", message: `${what} ${res.networkError}.`, status: null, retryAfterMs: null };
  if (res.status === 304 && cached) return { kind: "unchanged", body: cached.body };
  if (res.status === 404) return { kind: "missing" };
  if (res.status === 200) {
    const body = await readCapped(res);
    if (body === null)
      return { kind: "failed", message: `${what} answered with more than ${MAX_BODY_BYTES / 1024 / 1024} MB.`, status: 200, retryAfterMs: null };
    return { kind: "fresh", body, etag: res.headers.get("etag"), lastModified: res.headers.get("last-modified") };
  }
  await res.body?.cancel();
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  const why = res.status === 429 ? "is rate limiting us (429)" : res.status >= 500 ? `is failing (${res.status})` : `refused the request (${res.status})`;
  return { kind: "failed", message: `${what} ${why}.`, status: res.status, retryAfterMs };
}

/** One conditional GET. */
export async function conditionalGet(
  url: string,
  cached: CachedAnswer | null,
  settings: SourceSettings,
  what: string,
  accept = "application/json",
  signal?: AbortSignal,
) {
  return readAnswer(await send(url, { Accept: accept, ...conditionalHeaders(cached) }, settings, signal), cached, what);
}

/** `base` + `path`, keeping any path the base already has (`https://x.org/charts` + `/index.yaml`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
