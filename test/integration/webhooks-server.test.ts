// The webhook receiver through the real production server (WH-5, WH-6, WH-14, WH-16).
import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { fingerprint } from "../support/fingerprint";
import { commentEvent, deliveryHeaders, example, issuesEvent, githubUserId } from "../support/github-webhooks";
import { rssOf, startServer, type RunningServer } from "../support/server";

const SECRET = crypto.randomBytes(32).toString("hex");
const OLD_SECRET = crypto.randomBytes(32).toString("hex");

async function post(server: RunningServer, event: string, payload: unknown, secret = SECRET, id?: string) {
  const body = JSON.stringify(payload);
  return fetch(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders(event, body, secret, id), body });
}

describe("webhooks through the production server", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_WEBHOOK_SECRET_PREVIOUS: OLD_SECRET });
  });
  afterAll(() => server?.stop());

  it("a signed /claim from a verified GitHub login claims the bounty for that user, visibly, with source github", async () => {
    const made = runCli("db/cli/user-add.ts", ["octo"], { DATABASE_PATH: server.databasePath, CLUBZERO_PASSWORD: "octo cat passphrase" });
    expect(made.code, made.stderr).toBe(0);
    // GitHub sign-in is what verifies a login; here the test plays that part in the database.
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(server.databasePath);
    raw.prepare("update users set github_login = 'octocat', github_id = ?, github_verified = 1 where username = 'octo'").run(githubUserId("octocat"));
    raw.close();

    const spec = { repo: "fluent/fluent-bit", number: 4242, labels: ["club-zero"], title: "SPIFFE mTLS for outputs", updatedAt: "2026-02-01T10:00:00Z" };
    expect((await post(server, "issues", issuesEvent("labeled", spec))).status).toBe(200);
    const res = await post(
      server,
      "issue_comment",
      commentEvent({ ...spec, updatedAt: "2026-02-01T10:05:00Z" }, { id: 777, body: "/claim", login: "octocat", createdAt: "2026-02-01T10:05:00Z" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, outcome: "processed" });

    const board = await (await fetch(`${server.url}/api/bounties?target=fluent-bit&status=claimed`)).json();
    const bounty = board.bounties.find((b: { title: string }) => b.title === "SPIFFE mTLS for outputs");
    expect(bounty.claim.claimant).toBe("@octo");
    // React separates adjacent text with <!-- --> comments, and the name is a link to the
    // person's page; read the page as text.
    const html = (await (await fetch(`${server.url}/bounties/${bounty.id}`)).text()).replaceAll("<!-- -->", "").replace(/<\/?a\b[^>]*>/g, "");
    expect(html).toContain("claimed by @octo");
    expect(html).toMatch(/<strong>@octo<\/strong> claimed it ·.*?<span> · via github<\/span>/s);
  });

  it("deliveries signed with the previous secret are accepted during a rotation", async () => {
    expect((await post(server, "ping", example("ping"), OLD_SECRET)).status).toBe(200);
    expect((await post(server, "ping", example("ping"), crypto.randomBytes(32).toString("hex"))).status).toBe(401);
  });

  // A latency goal on a shared 2-core machine: a run that lands on a busy moment is measured
  // again (at most twice more); each run sends its own 200 deliveries and checks those.
  it("200 signed deliveries at 20 at a time are all acknowledged and processed, p99 < 500 ms (WH-6)", { retry: 2 }, async () => {
    const payloads = Array.from({ length: 200 }, (_, i) =>
      issuesEvent("opened", { repo: "someone/load", number: 100_000 + i, labels: [], updatedAt: "2026-03-01T00:00:00Z" }),
    );
    const times: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < payloads.length; i += 20) {
      await Promise.all(
        payloads.slice(i, i + 20).map(async (p) => {
          const id = crypto.randomUUID();
          ids.push(id);
          const start = performance.now();
          const res = await post(server, "issues", p, SECRET, id);
          times.push(performance.now() - start);
          expect(res.status).toBe(200);
        }),
      );
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length * 0.99)]!).toBeLessThan(500);
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(server.databasePath, { readonly: true });
    const processed = raw
      .prepare(`select count(*) as n from webhook_deliveries where status = 'processed' and delivery_id in (${ids.map(() => "?").join(",")})`)
      .get(...ids);
    raw.close();
    expect(processed).toEqual({ n: 200 });
  });

  it("GET and HEAD get 405 naming POST, as JSON, with the security headers every answer carries (WH-4)", async () => {
    for (const method of ["GET", "HEAD"]) {
      const res = await fetch(`${server.url}/webhooks/github`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow"), method).toBe("POST");
      expect(res.headers.get("content-type"), method).toBe("application/json; charset=utf-8");
      expect(res.headers.get("x-content-type-options"), method).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), method).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-request-id"), method).toBeTruthy();
      if (method === "GET") expect(await res.json()).toEqual({ ok: false, error: "Send GitHub webhooks here with POST." });
    }
  });

  it("a 26 MiB body with Content-Length is refused with 413 at once, and nothing is written (WH-5a)", async () => {
    const before = fingerprint(server.databasePath);
    const status = await new Promise<number>((resolve, reject) => {
      const start = performance.now();
      const req = http.request(`${server.url}/webhooks/github`, {
        method: "POST",
        headers: { ...deliveryHeaders("ping", "{}", SECRET), "Content-Length": String(26 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        expect(performance.now() - start).toBeLessThan(1000);
        // the server closes the connection rather than read the other 26 MiB
        expect(res.headers.connection).toBe("close");
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      req.write("{");
    });
    expect(status).toBe(413);
    expect(fingerprint(server.databasePath)).toEqual(before);
  });

  it("a 30 MiB chunked body is cut off at 25 MiB with 413, without the server's memory growing past 64 MiB (WH-5b, c)", async () => {
    const before = fingerprint(server.databasePath);
    const rssBefore = rssOf(server.pid);
    let peak = rssBefore;
    const watcher = setInterval(() => (peak = Math.max(peak, rssOf(server.pid))), 20);
    watcher.unref();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders("ping", "{}", SECRET) });
      req.on("response", (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", () => undefined);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 30) {
          sent += 1;
          if (!req.write(chunk)) return req.once("drain", pump);
        }
        req.end();
      };
      pump();
      setTimeout(() => reject(new Error("no answer in 20 s")), 20_000).unref();
    }).finally(() => clearInterval(watcher));
    expect(status).toBe(413);
    expect(peak - rssBefore).toBeLessThan(64 * 1024 * 1024);
    expect(fingerprint(server.databasePath)).toEqual(before);
  });

  it("an issue whose html_url is javascript: becomes no javascript: link on the target or bounty page, nor does one stored earlier", async () => {
    const spec = { repo: "fluent/fluent-bit", number: 4343, labels: ["club-zero"], title: "SPIFFE for the forward output", updatedAt: "2026-02-02T10:00:00Z" };
    const opened = issuesEvent("opened", spec);
    opened.issue.html_url = "javascript:alert(1)";
    const res = await post(server, "issues", opened);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, outcome: "processed" });

    // rows written before links were checked: an issue's url and a timeline link
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(server.databasePath);
    const issueId = raw.prepare("select id from github_issues where repo = 'fluent/fluent-bit' and number = 4343").pluck().get() as number;
    const bountyId = raw.prepare("select id from bounties where github_repo = 'fluent/fluent-bit' and github_number = 4343").pluck().get() as number;
    const targetId = raw.prepare("select id from targets where slug = 'fluent-bit'").pluck().get() as number;
    const old = raw
      .prepare(
        "insert into github_issues (repo, number, kind, title, state, url) values ('fluent/fluent-bit', 4344, 'pull', 'An old PR with a bad link', 'open', 'javascript:alert(2)')",
      )
      .run().lastInsertRowid;
    raw.prepare("insert into target_issues (target_id, issue_id, source, created_at) values (?, ?, 'manual', ?)").run(targetId, old, Date.now());
    raw
      .prepare(
        "insert into bounty_events (bounty_id, type, actor_label, source, note, note_html, links_json, created_at) values (?, 'progress', 'github:someone', 'github', 'old link', '<p>old link</p>', ?, ?)",
      )
      .run(bountyId, JSON.stringify(["javascript:alert(3)", "https://docs.example.org/spiffe"]), Date.now());
    raw.close();

    const target = await (await fetch(`${server.url}/targets/fluent-bit`)).text();
    const bounty = await (await fetch(`${server.url}/bounties/${bountyId}`)).text();
    for (const html of [target, bounty]) expect(html).not.toMatch(/href="\s*javascript:/i);
    expect(target).toContain(`href="https://github.com/fluent/fluent-bit/issues/4343"`);
    expect(target).toContain("An old PR with a bad link");
    expect(bounty).toContain("javascript:alert(3)"); // shown, as text
    expect(bounty).toContain(`href="https://docs.example.org/spiffe"`);
    expect(issueId).toBeGreaterThan(0);
  });

  it("never logs a webhook secret", () => {
    expect(server.output()).not.toContain(SECRET);
    expect(server.output()).not.toContain(OLD_SECRET);
  });
});

describe("without a webhook secret", () => {
  it("the endpoint answers 503 'webhooks are not configured' and the rest of the app runs", async () => {
    const server = await startServer({ GITHUB_WEBHOOK_SECRET: "" });
    try {
      const res = await post(server, "ping", example("ping"));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, error: "webhooks are not configured" });
      expect((await fetch(`${server.url}/targets`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
