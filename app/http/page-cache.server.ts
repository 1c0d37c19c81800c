// Anonymous pages rendered once and served as bytes until the data changes.
//
// Valid means: stored under the data version (db/data-version.ts) that was current when its
// render began, and that version is still current. A request that starts after a commit
// reads the new version and so never gets bytes from before it. Only requests with no
// cookie and no Authorization header are served from here or stored, so nothing that
// depends on a session or a role is ever shared; a response that sets a cookie, is not a
// 200, or says no-store/private is passed through and not kept.
//
// Relative times on pages ("3 minutes ago") drift while nothing is written, so an entry is
// also dropped after MAX_AGE_MS.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export const MAX_AGE_MS = 60_000;

export interface CachedPage {
  version: number;
  storedAt: number;
  status: number;
  /** Response headers as rendered, with a Content-Security-Policy that pins the inline scripts by hash. */
  headers: [string, string][];
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  bytes: number;
}

/** Least recently used out first, counted in bytes of everything an entry holds. */
export class PageCache {
  private entries = new Map<string, CachedPage>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string, version: number, now: number): CachedPage | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.version !== version || now - entry.storedAt > MAX_AGE_MS) {
      this.delete(key);
      return null;
    }
    this.entries.delete(key); // to the back of the line
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedPage): void {
    if (entry.bytes > this.maxBytes / 8) return; // one huge page must not flush everything else
    this.delete(key);
    this.entries.set(key, entry);
    this.used += entry.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.used -= old.bytes;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.used };
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/**
 * The same policy with the per-response nonce replaced by the hashes of the page's inline
 * scripts: a stored page is served to many people, so its scripts are allowed by what they
 * are, not by a nonce that every one of them could read.
 */
export function pinInlineScripts(csp: string, nonce: string, html: string): string {
  const hashes = new Set<string>();
  for (const [, attributes, body] of html.matchAll(INLINE_SCRIPT)) {
    if (/\bsrc\s*=/i.test(attributes!)) continue;
    hashes.add(`'sha256-${createHash("sha256").update(body!, "utf8").digest("base64")}'`);
  }
  const pinned = hashes.size > 0 ? [...hashes].join(" ") : "";
  return csp.replace(` 'nonce-${nonce}'`, pinned ? ` ${pinned}` : "");
}

/** A response worth keeping: a whole 200 that sets no cookie and does not forbid it. */
export function isStorable(status: number, headers: Headers): boolean {
  if (status !== 200 || headers.has("set-cookie")) return false;
  const cacheControl = headers.get("cache-control") ?? "";
  return !/\b(no-store|private)\b/i.test(cacheControl);
}

const COMPRESSIBLE = /^(text\/|application\/(json|atom\+xml|xml|javascript))/i;

export async function makeEntry(version: number, storedAt: number, status: number, headers: [string, string][], body: Buffer): Promise<CachedPage> {
  const type = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "";
  const compressible = COMPRESSIBLE.test(type) && body.length > 256;
  const [br, gz] = compressible
    ? await Promise.all([
        brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
        gzip(body, { level: 6 }),
      ])
    : [body, body];
  const etag = `"${createHash("sha1").update(body).digest("base64url")}"`;
  const headerBytes = headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
  const bytes = body.length + (br === body ? 0 : br.length) + (gz === body ? 0 : gz.length) + headerBytes + 256;
  return { version, storedAt, status, headers, etag, identity: body, gzip: gz, br, bytes };
}

/** The best encoding the client takes, of the ones stored (q=0 refuses one). */
export function pickEncoding(acceptEncoding: string | undefined, entry: CachedPage): "br" | "gzip" | "identity" {
  if (entry.br === entry.identity || !acceptEncoding) return "identity";
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    accepted.set(name!.trim(), q === undefined ? 1 : Number(q));
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get("*") ?? 0;
  if (weight("br") > 0) return "br";
  if (weight("gzip") > 0) return "gzip";
  return "identity";
}

/** Does If-None-Match name this entry (a list, weak tags, or "*")? */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}
