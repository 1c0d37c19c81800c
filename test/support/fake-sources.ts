// Local stand-ins for the package sources, speaking their wire formats from the fixtures in
// test/fixtures/packages: Repology's project API, a Helm repository's index.yaml (with ETag
// and Last-Modified, answering 304 to a matching conditional request, as GitHub Pages does),
// an OCI registry's tag list behind ghcr.io's anonymous token handshake, paged with Link, and
// GitHub's latest-release API (ETag / 304). Any path can be made to fail (429 with
// Retry-After, 500). Every request is recorded with its arrival time.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { SourceSettings } from "~/app/packages/http.server";

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), "../fixtures/packages");
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** performance.now() at arrival */
  at: number;
}

export interface Failure {
  status: 429 | 500 | 503;
  retryAfter?: string;
}

export interface FakeSources {
  url: string;
  requests: SeenRequest[];
  /** Repology projects: name → the JSON array it answers. */
  repology: Map<string, unknown[]>;
  /** The chart index's YAML text. */
  helmIndex: { text: string; modified: Date };
  /** Image → tags. */
  images: Map<string, string[]>;
  /** owner/repo → latest release tag (absent: 404, no releases). */
  releases: Map<string, string>;
  /** Requests whose path starts with a key fail this way until removed. */
  failures: Map<string, Failure>;
  settings(): SourceSettings;
  stop(): Promise<void>;
}

const etagOf = (body: string) => `"${crypto.createHash("sha1").update(body).digest("hex")}"`;
const TAGS_PER_PAGE = 4;

export async function startFakeSources(): Promise<FakeSources> {
  const requests: SeenRequest[] = [];
  const repology = new Map<string, unknown[]>([
    ["spire", JSON.parse(fixture("repology-spire.json")) as unknown[]],
    ["spiffe-helper", JSON.parse(fixture("repology-spiffe-helper.json")) as unknown[]],
    ["ghostunnel", JSON.parse(fixture("repology-ghostunnel.json")) as unknown[]],
  ]);
  const helmIndex = { text: fixture("helm-index.yaml"), modified: new Date("2026-11-02T09:12:41Z") };
  const images = new Map(Object.entries(JSON.parse(fixture("oci-tags.json")) as Record<string, string[]>));
  const releaseTemplate = JSON.parse(fixture("github-release.json")) as Record<string, unknown>;
  const releases = new Map<string, string>([["spiffe/spire", "v1.15.3"]]);
  const failures = new Map<string, Failure>();
  const tokens = new Set<string>();
  let base = "";

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, headers: req.headers, at: performance.now() });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Length": String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    const sendJson = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      send(status, JSON.stringify(value), { "Content-Type": "application/json", ...headers });
    /** 200 with validators, or 304 when the request's If-None-Match matches. */
    const sendConditional = (body: string, contentType: string, modified?: Date) => {
      const etag = etagOf(body);
      const headers: Record<string, string> = { ETag: etag, "Cache-Control": "max-age=600" };
      if (modified) headers["Last-Modified"] = modified.toUTCString();
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, headers);
        return res.end();
      }
      send(200, body, { ...headers, "Content-Type": contentType });
    };

    for (const [prefix, failure] of failures) {
      if (!url.pathname.startsWith(prefix)) continue;
      if (failure.status === 429)
        return send(429, "Too Many Requests", { "Content-Type": "text/plain", ...(failure.retryAfter ? { "Retry-After": failure.retryAfter } : {}) });
      return send(failure.status, "<html><body><h1>Internal Server Error</h1></body></html>", { "Content-Type": "text/html" });
    }

    // Repology: /api/v1/project/<name> → array ([] for a project it does not know); no validators
    let m = /^\/api\/v1\/project\/([^/]+)$/.exec(url.pathname);
    if (m) return sendJson(200, repology.get(decodeURIComponent(m[1]!)) ?? []);

    if (url.pathname === "/index.yaml") return sendConditional(helmIndex.text, "application/octet-stream", helmIndex.modified);

    // the registry's token service (ghcr.io/token): an anonymous pull token for the scope asked
    if (url.pathname === "/token") {
      const scope = url.searchParams.get("scope") ?? "";
      if (url.searchParams.get("service") !== "ghcr.io" || !/^repository:[a-z0-9/._-]+:pull$/.test(scope))
        return sendJson(400, { errors: [{ code: "DENIED", message: "requested access to the resource is denied" }] });
      const token = Buffer.from(`${scope}:${crypto.randomBytes(8).toString("hex")}`).toString("base64");
      tokens.add(token);
      return sendJson(200, { token });
    }
    m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (m) {
      const name = m[1]!;
      const auth = req.headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      if (!tokens.has(token) || !Buffer.from(token, "base64").toString().startsWith(`repository:${name}:pull:`))
        return sendJson(
          401,
          { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
          { "WWW-Authenticate": `Bearer realm="${base}/token",service="ghcr.io",scope="repository:${name}:pull"` },
        );
      const tags = images.get(name);
      if (!tags) return sendJson(404, { errors: [{ code: "NAME_UNKNOWN", message: "repository name not known to registry" }] });
      const sorted = [...tags].sort();
      const last = url.searchParams.get("last");
      const n = Number(url.searchParams.get("n") ?? TAGS_PER_PAGE) || TAGS_PER_PAGE;
      const from = last ? sorted.findIndex((t) => t > last) : 0;
      const page = from < 0 ? [] : sorted.slice(from, from + n);
      const more = from >= 0 && from + n < sorted.length;
      return sendJson(200, { name, tags: page }, more ? { Link: `</v2/${name}/tags/list?last=${encodeURIComponent(page.at(-1)!)}&n=${n}>; rel="next"` } : {});
    }

    m = /^\/repos\/([^/]+\/[^/]+)\/releases\/latest$/.exec(url.pathname);
    if (m) {
      const tag = releases.get(m[1]!);
      if (!tag)
        return sendJson(404, {
          message: "Not Found",
          documentation_url: "https://docs.github.com/rest/releases/releases#get-the-latest-release",
          status: "404",
        });
      return sendConditional(
        JSON.stringify({ ...releaseTemplate, tag_name: tag, name: tag, html_url: `https://github.com/${m[1]}/releases/tag/${tag}` }),
        "application/json; charset=utf-8",
      );
    }
    sendJson(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    repology,
    helmIndex,
    images,
    releases,
    failures,
    settings: () => ({
      repologyUrl: base,
      helmRepoUrl: base,
      ociRegistryUrl: base,
      githubApiUrl: base,
      githubToken: null,
      userAgent: "club-zero-packages/test (https://example.org)",
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
