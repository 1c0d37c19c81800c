import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServerToExit, startServer, until, type RunningServer } from "../support/server";

describe("the production server", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it("creates, migrates and seeds its database on first start", async () => {
    expect(fs.existsSync(server.databasePath)).toBe(true);
    expect(server.output()).toContain("Seeded an empty database: 51 targets");
    const html = await (await fetch(`${server.url}/targets`)).text();
    expect(html).toContain("51 targets");
    expect(html).toContain("Apache Kafka");
  });

  it("serves real 404 and 400 pages without stack traces", async () => {
    const missing = await fetch(`${server.url}/targets/nope`);
    expect(missing.status).toBe(404);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain("couldn&#x27;t find that page");
    const bad = await fetch(`${server.url}/targets?status=bogus`);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("is not a valid status");
    for (const html of [missingHtml, badHtml]) expect(html).not.toMatch(/at .*\.js:\d+/);
    expect((await fetch(`${server.url}/no/such/page`)).status).toBe(404);
    expect((await fetch(`${server.url}/`, { method: "POST", headers: { Origin: server.url } })).status).toBe(405);
    // A page that is not there is not the server's error: the operator's log has the request
    // line with its status, and no "unexpected error" to page anyone about.
    await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": "after-the-404s" } });
    await until(() => server.output().includes('"requestId":"after-the-404s"'), "the marker request's log line");
    expect(
      server
        .output()
        .split("\n")
        .filter((line) => line.includes('"request.error"')),
    ).toEqual([]);
  });

  it("sends security headers on pages, data, assets and errors", async () => {
    for (const p of ["/", "/healthz", "/favicon.svg", "/targets/nope"]) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), p).toContain("frame-ancestors 'none'");
      expect(res.headers.get("content-security-policy"), p).toContain("object-src 'none'");
      expect(res.headers.get("referrer-policy"), p).toBeTruthy();
    }
  });

  it("/healthz answers with JSON", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });
});

describe("start-up configuration", () => {
  it("PORT=abc stops start-up with a message naming PORT", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-badenv-"));
    const { code, output } = await runServerToExit({ PORT: "abc", DATABASE_PATH: path.join(dir, "x.sqlite") });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(code).not.toBe(0);
    expect(output).toContain('PORT="abc"');
  });

  it("TRUST_PROXY=true stops start-up with a message naming TRUST_PROXY", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-badenv-"));
    const { code, output } = await runServerToExit({ TRUST_PROXY: "true", DATABASE_PATH: path.join(dir, "x.sqlite") });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(code).not.toBe(0);
    expect(output).toContain('TRUST_PROXY="true": must be a number of proxies');
  });
});
