// An OCI registry's tag list (distribution spec, "Listing Tags"): GET /v2/<name>/tags/list
// answers {"name", "tags": [...]}, in pages linked by `Link: <…?last=…&n=…>; rel="next"`.
// Public images on ghcr.io still need a token: the first request is answered 401 with
// `WWW-Authenticate: Bearer realm="…",service="…",scope="repository:<name>:pull"`, and the
// realm hands out an anonymous token (`{"token": …}`, or `access_token` on some registries).
import { z } from "zod";
import { compareVersions, parseVersion } from "../lib/versions";
import { conditionalHeaders, joinUrl, readAnswer, send, type Answer, type CachedAnswer, type SourceSettings } from "./http.server";
import type { FoundPackage } from "./found";

const MAX_PAGES = 20;

export function ociTagsUrl(settings: Pick<SourceSettings, "ociRegistryUrl">, image: string): string {
  return joinUrl(settings.ociRegistryUrl, `/v2/${image}/tags/list`);
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters; null for another scheme or no realm. */
export function parseBearerChallenge(header: string | null): { realm: string; service: string | null; scope: string | null } | null {
  if (!header || !/^bearer\s/i.test(header)) return null;
  const params = new Map<string, string>();
  for (const m of header.slice(7).matchAll(/([a-z_]+)="([^"]*)"/gi)) params.set(m[1]!.toLowerCase(), m[2]!);
  const realm = params.get("realm");
  if (!realm || !/^https?:\/\//i.test(realm)) return null;
  return { realm, service: params.get("service") ?? null, scope: params.get("scope") ?? null };
}

/**
 * The `rel="next"` target of a Link header, resolved against the request's URL. Only on the
 * registry itself: the next request carries its token, which no other host gets.
 */
export function nextLink(header: string | null, base: string): string | null {
  const m = header ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(header) : null;
  if (!m) return null;
  const next = new URL(m[1]!, base);
  return next.origin === new URL(base).origin ? next.href : null;
}

const TagPage = z.looseObject({ name: z.string().nullish(), tags: z.array(z.string()).nullish() });
const Token = z.looseObject({ token: z.string().optional(), access_token: z.string().optional() });

/**
 * Every tag of an image, as one JSON body `{"tags": [...]}` (pages joined). The first page
 * is asked conditionally; when it is unchanged, so is the answer.
 */
export async function fetchImageTags(settings: SourceSettings, image: string, cached: CachedAnswer | null, signal?: AbortSignal): Promise<Answer> {
  const what = "The container registry";
  let url: string | null = ociTagsUrl(settings, image);
  let authorization: string | null = null;
  const tags: string[] = [];
  let first: { etag: string | null; lastModified: string | null } | null = null;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const headers: Record<string, string> = { Accept: "application/json", ...(page === 0 ? conditionalHeaders(cached) : {}) };
    if (authorization) headers.Authorization = authorization;
    let res = await send(url, headers, settings, signal);
    if (!("networkError" in res) && res.status === 401 && !authorization) {
      const challenge = parseBearerChallenge(res.headers.get("www-authenticate"));
      await res.body?.cancel();
      if (!challenge) return { kind: "failed", message: `${what} asked for credentials we do not have (401).`, status: 401, retryAfterMs: null };
      const token = await fetchToken(settings, challenge, image, signal);
      if (typeof token !== "string") return token;
      authorization = `Bearer ${token}`;
      res = await send(url, { ...headers, Authorization: authorization }, settings, signal);
    }
    const answer = await readAnswer(res, cached, what);
    if (answer.kind !== "fresh") return answer;
    first ??= { etag: answer.etag, lastModified: answer.lastModified };
    const parsed = TagPage.safeParse(safeJson(answer.body));
    if (!parsed.success) return { kind: "failed", message: `${what}'s tag list was not the OCI format.`, status: 200, retryAfterMs: null };
    tags.push(...(parsed.data.tags ?? []));
    url = "networkError" in res ? null : nextLink(res.headers.get("link"), url);
  }
  return { kind: "fresh", body: JSON.stringify({ tags }), etag: first?.etag ?? null, lastModified: first?.lastModified ?? null };
}

async function fetchToken(
  settings: SourceSettings,
  challenge: { realm: string; service: string | null; scope: string | null },
  image: string,
  signal?: AbortSignal,
): Promise<string | Answer> {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  url.searchParams.set("scope", challenge.scope ?? `repository:${image}:pull`);
  const answer = await readAnswer(await send(url.href, { Accept: "application/json" }, settings, signal), null, "The container registry's token service");
  if (answer.kind === "missing")
    return { kind: "failed", message: "The container registry's token service was not found (404).", status: 404, retryAfterMs: null };
  if (answer.kind !== "fresh") return answer;
  const parsed = Token.safeParse(safeJson(answer.body));
  const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
  return token ?? { kind: "failed", message: "The container registry's token service gave no token.", status: 200, retryAfterMs: null };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** Null when the body is not our joined tag list. */
export function parseImageTags(body: string): string[] | null {
  const parsed = TagPage.safeParse(safeJson(body));
  return parsed.success ? (parsed.data.tags ?? []) : null;
}

/**
 * The image's newest release tag as a container package (`ghcr.io/spiffe/spire-server`).
 * Only tags that read as a version count: not `latest`, `nightly`, `sha-…`, pre-releases
 * or snapshots; `1.15` and `1` are older than `1.15.3`, so the full version wins.
 */
export function foundInRegistry(tags: string[], image: string, registryName: string): FoundPackage[] {
  let best: string | null = null;
  for (const tag of tags) {
    const parsed = parseVersion(tag);
    if (!parsed || parsed.prerelease || parsed.snapshot || !/^v?\d+(\.\d+)*$/.test(tag)) continue;
    if (!best || (compareVersions(tag, best) ?? 0) > 0) best = tag;
  }
  if (!best) return [];
  return [
    {
      distro: "container",
      release: "",
      packageName: `${registryName}/${image}`,
      version: best.replace(/^v(?=\d)/, ""),
      normalized: null,
      status: null,
      origin: "distribution",
      url: `https://${registryName}/${image}`,
    },
  ];
}
