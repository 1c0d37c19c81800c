// The page cache's own rules: valid only at the version it was rendered under, bounded in
// bytes (least recently used out first), and negotiating encodings and ETags as HTTP says.
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { isStorable, makeEntry, matchesEtag, MAX_AGE_MS, PageCache, pickEncoding, pinInlineScripts } from "~/app/http/page-cache.server";

const html = (n: number) => Buffer.from(`<!DOCTYPE html><p>${"page ".repeat(n)}</p>`);
const entry = (version: number, body = html(100), at = 0) => makeEntry(version, at, 200, [["content-type", "text/html; charset=utf-8"]], body);

describe("the page cache", () => {
  it("serves an entry only at the version it was rendered under, and not after a minute", async () => {
    const cache = new PageCache(1_000_000);
    cache.set("/targets", await entry(7, html(100), 1_000));
    expect(cache.get("/targets", 7, 1_000 + MAX_AGE_MS)).not.toBeNull();
    expect(cache.get("/targets", 8, 1_000)).toBeNull();
    expect(cache.get("/targets", 7, 1_000)).toBeNull(); // a stale entry is gone, not kept for later
    cache.set("/fund", await entry(7, html(100), 1_000));
    expect(cache.get("/fund", 7, 1_001 + MAX_AGE_MS)).toBeNull();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it("keeps within its bytes, dropping the least recently used first", async () => {
    const one = await entry(1);
    const cache = new PageCache(one.bytes * 8 + 10);
    for (const key of ["a", "b", "c", "d", "e", "f", "g", "h"]) cache.set(key, await entry(1));
    expect(cache.size.entries).toBe(8);
    cache.get("a", 1, 0); // a is used again: b is now the oldest
    cache.set("i", await entry(1));
    expect(cache.get("b", 1, 0)).toBeNull();
    expect(cache.get("a", 1, 0)).not.toBeNull();
    expect(cache.size.bytes).toBeLessThanOrEqual(cache.maxBytes);
    cache.set("a", await entry(1)); // replacing counts the old bytes out
    expect(cache.size.entries).toBe(8);
  });

  it("does not keep a page bigger than an eighth of it (one page must not flush the rest)", async () => {
    const cache = new PageCache(50_000);
    cache.set("big", await entry(1, Buffer.from(Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(""))));
    expect(cache.get("big", 1, 0)).toBeNull();
  });

  it("stores compressed copies that decompress to the page, and none for tiny or binary bodies", async () => {
    const e = await entry(1);
    expect(zlib.brotliDecompressSync(e.br).equals(e.identity)).toBe(true);
    expect(zlib.gunzipSync(e.gzip).equals(e.identity)).toBe(true);
    const tiny = await entry(1, Buffer.from("<p>hi</p>"));
    expect(tiny.br).toBe(tiny.identity);
    const png = await makeEntry(1, 0, 200, [["content-type", "image/png"]], Buffer.alloc(4096, 1));
    expect(pickEncoding("br, gzip", png)).toBe("identity");
  });

  it("keeps only whole 200s that set no cookie and allow it", () => {
    expect(isStorable(200, new Headers({ "content-type": "text/html" }))).toBe(true);
    expect(isStorable(404, new Headers())).toBe(false);
    expect(isStorable(302, new Headers({ location: "/x" }))).toBe(false);
    expect(isStorable(200, new Headers({ "set-cookie": "flash=; Max-Age=0" }))).toBe(false);
    expect(isStorable(200, new Headers({ "cache-control": "no-store" }))).toBe(false);
    expect(isStorable(200, new Headers({ "cache-control": "private, max-age=0" }))).toBe(false);
  });
});

describe("HTTP negotiation", () => {
  it("picks brotli, then gzip, then none, honouring q=0 and *", async () => {
    const e = await entry(1);
    expect(pickEncoding("gzip, deflate, br", e)).toBe("br");
    expect(pickEncoding("gzip", e)).toBe("gzip");
    expect(pickEncoding("br;q=0, gzip", e)).toBe("gzip");
    expect(pickEncoding("br;q=0, gzip;q=0", e)).toBe("identity");
    expect(pickEncoding("*", e)).toBe("br");
    expect(pickEncoding("*;q=0, identity", e)).toBe("identity");
    expect(pickEncoding("", e)).toBe("identity");
    expect(pickEncoding(undefined, e)).toBe("identity");
  });

  it("matches If-None-Match lists, weak tags and *", () => {
    expect(matchesEtag('"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('"x", W/"abc"', '"abc"')).toBe(true);
    expect(matchesEtag("*", '"abc"')).toBe(true);
    expect(matchesEtag('"abcd"', '"abc"')).toBe(false);
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });

  // The hashes are openssl dgst -sha256 -binary | base64 of each script's text.
  it("pins inline scripts by hash in place of the nonce, leaving scripts with src to 'self'", () => {
    const csp = "default-src 'self'; script-src 'self' 'nonce-N1'; style-src 'self'";
    const page = `<script nonce="N1">window.a=1</script><script type="module" nonce="N1">import "/build/x.js";</script><script src="/build/y.js"></script><SCRIPT nonce="N1">b()</SCRIPT>`;
    const pinned = pinInlineScripts(csp, "N1", page);
    expect(pinned).toBe(
      "default-src 'self'; script-src 'self' 'sha256-WpNQcWxgTJamkluTtRGYllok20MyGquJpWh9YXWGA4E=' 'sha256-RJxZvQFz3C1XH0gj8ecV3p4Tocb0L5MUP7bvgr2zGlU=' 'sha256-cf242PFc/kb7xD0Qzhsmd9vvRkc+cWFmbi+k+YvtdKc='; style-src 'self'",
    );
    expect(pinInlineScripts(csp, "N1", "<p>no scripts</p>")).toBe("default-src 'self'; script-src 'self'; style-src 'self'");
  });
});
