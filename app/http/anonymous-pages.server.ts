// The front door for anonymous GETs: answer from the page cache when the data has not
// changed since the page was rendered, render once (however many ask at the same moment)
// when it has. Everything else (a cookie, a form, a webhook) goes on to Remix as before.
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { isStorable, makeEntry, matchesEtag, pickEncoding, pinInlineScripts, type CachedPage, type PageCache } from "./page-cache.server";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

/**
 * Pages that answer one person's token or a live probe: never stored. (They would be keyed
 * by the token anyway; what they show changes with tables the data version leaves out.)
 */
const NEVER_STORED = /^\/(healthz|metrics|webhooks|auth|unsubscribe|verify-email|reset-password|forgot-password|logout)(\/|$)/;

/**
 * The request headers a page may depend on, and so part of the key. Nothing else reaches
 * the render: a page cannot vary on a header the key does not name.
 */
const KEYED_HEADERS = ["accept", "accept-language"] as const;

interface Rendered {
  entry: CachedPage;
  stored: boolean;
}

export interface AnonymousPagesOptions {
  build: ServerBuild;
  mode: string;
  cache: PageCache;
  dataVersion: () => number;
  /** Absolute origin the render sees (APP_ORIGIN), never the client's Host header. */
  origin: string;
  cdnMaxAgeSeconds: number;
  /** Told what happened to each request it answered. */
  count?: (result: "hit" | "miss" | "pass") => void;
}

export function anonymousPages(options: AnonymousPagesOptions) {
  const handle = createRequestHandler(options.build, options.mode);
  const rendering = new Map<string, Promise<Rendered>>();

  async function render(req: ExpressRequest, res: ExpressResponse, version: number): Promise<Rendered> {
    const nonce = String(res.locals.cspNonce);
    const headers = new Headers();
    for (const name of KEYED_HEADERS) {
      const value = req.get(name);
      if (value) headers.set(name, value);
    }
    const response = await handle(new Request(new URL(req.originalUrl, options.origin), { headers }), { cspNonce: nonce, clientIp: req.ip ?? "unknown" });
    const body = Buffer.from(await response.arrayBuffer());
    const list: [string, string][] = [];
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") list.push([name, value]);
    });
    for (const cookie of response.headers.getSetCookie()) list.push(["set-cookie", cookie]);
    const csp = String(res.getHeader("Content-Security-Policy") ?? "");
    const html = /^text\/html/i.test(response.headers.get("content-type") ?? "");
    list.push(["content-security-policy", html ? pinInlineScripts(csp, nonce, body.toString("utf8")) : csp]);
    const stored = isStorable(response.status, response.headers);
    const entry = await makeEntry(version, Date.now(), response.status, list, body);
    if (stored) options.cache.set(keyOf(req), entry);
    return { entry, stored };
  }

  function keyOf(req: ExpressRequest): string {
    return [req.originalUrl, ...KEYED_HEADERS.map((name) => req.get(name) ?? "")].join("\n");
  }

  function send(req: ExpressRequest, res: ExpressResponse, entry: CachedPage, state: "hit" | "miss" | "pass") {
    for (const [name, value] of entry.headers) {
      if (name === "set-cookie") res.append("Set-Cookie", value);
      else res.setHeader(name, value);
    }
    res.vary("Accept-Encoding");
    res.vary("Accept-Language");
    res.vary("Cookie");
    res.setHeader("X-Page-Cache", state);
    options.count?.(state);
    if (entry.status !== 200) {
      res.status(entry.status).end(entry.identity);
      return;
    }
    res.setHeader("ETag", entry.etag);
    res.setHeader("Cache-Control", `public, max-age=0, s-maxage=${options.cdnMaxAgeSeconds}, must-revalidate`);
    if (matchesEtag(req.get("if-none-match"), entry.etag)) {
      res.removeHeader("Content-Type");
      res.status(304).end();
      return;
    }
    const encoding = pickEncoding(req.get("accept-encoding"), entry);
    const body = encoding === "br" ? entry.br : encoding === "gzip" ? entry.gzip : entry.identity;
    if (encoding !== "identity") res.setHeader("Content-Encoding", encoding);
    res.setHeader("Content-Length", body.length);
    res.status(200).end(body);
  }

  return async function anonymousPagesMiddleware(req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
    if (req.method !== "GET" || req.get("cookie") || req.get("authorization") || NEVER_STORED.test(req.path)) return next();
    try {
      const version = options.dataVersion();
      const key = keyOf(req);
      const hit = options.cache.get(key, version, Date.now());
      if (hit) return send(req, res, hit, "hit");
      const flight = `${version}\n${key}`;
      let pending = rendering.get(flight);
      if (!pending) {
        pending = render(req, res, version).finally(() => rendering.delete(flight));
        rendering.set(flight, pending);
      }
      const { entry, stored } = await pending;
      send(req, res, entry, stored ? "miss" : "pass");
    } catch (error) {
      next(error);
    }
  };
}
