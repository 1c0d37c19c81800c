// Operating Club Zero through the built server: /metrics moves with what happens, the log has
// one JSON line per request and nothing secret, and SIGTERM under load loses nothing.
import crypto from "node:crypto";
import http from "node:http";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUserAndSignIn } from "../support/cli";
import { deliveryHeaders, issuesEvent } from "../support/github-webhooks";
import { startServer, type RunningServer } from "../support/server";

const SECRET = crypto.randomBytes(32).toString("hex");
const METRICS_TOKEN = crypto.randomBytes(16).toString("hex");
const PASSWORD = "operations suite passphrase";

async function deliver(server: RunningServer, payload: unknown, id = crypto.randomUUID()) {
  const body = JSON.stringify(payload);
  return fetch(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders("issues", body, SECRET, id), body });
}

/** One sample's value from Prometheus' text format, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

describe("metrics and logs", () => {
  let server: RunningServer;
  let cookie = "";
  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    server = await startServer({ GITHUB_WEBHOOK_SECRET: SECRET, METRICS_TOKEN });
    cookie = await addUserAndSignIn(server, "ops-admin", PASSWORD, ["--role", "admin", "--role", "ssc", "--email", "ops@example.org"]);
  });
  afterAll(() => server?.stop());

  it("/metrics answers 401 without the token (and with a wrong one), and never from the page cache", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${"x".repeat(METRICS_TOKEN.length)}` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(await wrong.text()).not.toContain("clubzero_");
  });

  it("counts requests by route pattern, webhook deliveries by outcome, the page cache, the fund and the jobs", async () => {
    const before = await scrape();
    for (const id of [101, 102, 103]) await fetch(`${server.url}/bounties/${id}`);
    await fetch(`${server.url}/targets`);
    await fetch(`${server.url}/targets`);
    const spec = { repo: "fluent/fluent-bit", number: 7001, labels: ["club-zero"], title: "Metrics journey", updatedAt: "2026-02-01T10:00:00Z" };
    const id = crypto.randomUUID();
    expect((await deliver(server, issuesEvent("labeled", spec), id)).status).toBe(200);
    expect((await deliver(server, issuesEvent("labeled", spec), id)).status).toBe(200); // the same delivery again
    const forged = JSON.stringify(issuesEvent("opened", spec));
    const refused = await fetch(`${server.url}/webhooks/github`, {
      method: "POST",
      headers: deliveryHeaders("issues", forged, "wrong-secret".repeat(4)),
      body: forged,
    });
    expect(refused.status).toBe(401);
    const donation = await fetch(`${server.url}/fund?index`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        intent: "donation",
        date: "2026-11-01",
        donor: "Metrics Donor",
        amount: "25.00",
        currency: "USD",
        reference: "",
        note: "metrics journey",
      }),
    });
    expect(donation.status, await donation.clone().text()).toBeLessThan(400);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved("clubzero_http_requests_total", { method: "GET", route: "/bounties/:id" })).toBe(3);
    expect(after).not.toMatch(/route="\/bounties\/10[123]"/);
    expect(moved("clubzero_webhook_deliveries_total", { event: "issues", outcome: "processed" })).toBe(1);
    expect(moved("clubzero_webhook_deliveries_total", { event: "issues", outcome: "duplicate" })).toBe(1);
    expect(moved("clubzero_webhook_deliveries_total", { event: "issues", outcome: "rejected: signature" })).toBe(1);
    expect(moved("clubzero_page_cache_requests_total", { result: "hit" })).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, "clubzero_fund_cents", { kind: "balance", currency: "USD" }) - sample(before, "clubzero_fund_cents", { kind: "balance", currency: "USD" }),
    ).toBe(2500);
    expect(sample(after, "clubzero_job_last_success_timestamp_seconds", { job: "claim-expiry" })).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(after).toMatch(/^clubzero_process_resident_memory_bytes \d+/m);
    expect(sample(after, "clubzero_sqlite_write_lock_wait_seconds_count")).toBeGreaterThan(sample(before, "clubzero_sqlite_write_lock_wait_seconds_count"));
  });

  it("logs one JSON line per request with its id, route and time, and never a password, cookie, token or secret", async () => {
    const res = await fetch(`${server.url}/bounties/4242?token=should-not-appear`, { headers: { "X-Request-Id": "trace-from-the-proxy-1" } });
    expect(res.headers.get("x-request-id")).toBe("trace-from-the-proxy-1");
    const own = await fetch(`${server.url}/targets`);
    expect(own.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 100));
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.event === "http.request" && l.requestId === "trace-from-the-proxy-1");
    expect(line).toMatchObject({ level: "info", method: "GET", route: "/bounties/:id", status: 404 });
    expect(typeof line!.durationMs).toBe("number");
    expect(line!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines.some((l) => l.event === "job.run" && typeof l.job === "string")).toBe(true);
    const log = server.output();
    for (const secret of [PASSWORD, SECRET, METRICS_TOKEN, cookie.split("=")[1]!, "should-not-appear", "Metrics Donor"]) expect(log).not.toContain(secret);
  });
});

/** A request on a connection of its own, noting when it was connected and how it ended. */
function request(url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  const record = { connectedAt: Infinity, status: 0, complete: false, error: "" };
  const done = new Promise<typeof record>((resolve) => {
    const req = http.request(url, { method: init.method, headers: init.headers, agent: false }, (res) => {
      record.status = res.statusCode ?? 0;
      const length = Number(res.headers["content-length"] ?? -1);
      let got = 0;
      res.on("data", (c: Buffer) => (got += c.length));
      res.on("end", () => {
        record.complete = length < 0 || got === length;
        resolve(record);
      });
      res.on("error", (e) => {
        record.error = e.message;
        resolve(record);
      });
    });
    req.on("socket", (s) => s.once("connect", () => (record.connectedAt = performance.now())));
    req.on("error", (e) => {
      record.error = e.message;
      resolve(record);
    });
    req.end(init.body);
  });
  return done;
}

describe.each([
  ["one process", "1"],
  ["two workers", "2"],
])("SIGTERM under load (%s)", (_name, workers) => {
  it("answers every request that reached it, applies every acknowledged delivery, checkpoints and exits 0", { timeout: 60_000 }, async () => {
    const server = await startServer({ GITHUB_WEBHOOK_SECRET: SECRET, WEB_CONCURRENCY: workers, SHUTDOWN_SECONDS: "10" });
    try {
      for (let i = 0; i < 100 && (server.output().match(/is listening on/g) ?? []).length < Number(workers); i++) await new Promise((r) => setTimeout(r, 100));
      const deliveries: { id: string; result: Promise<{ connectedAt: number; status: number; complete: boolean; error: string }> }[] = [];
      const pages: Promise<{ connectedAt: number; status: number; complete: boolean; error: string }>[] = [];
      let n = 0;
      let firing = true;
      const fire = async () => {
        while (firing) {
          n++;
          const id = crypto.randomUUID();
          const body = JSON.stringify(
            issuesEvent("labeled", { repo: "load/shutdown", number: 10_000 + n, labels: ["club-zero"], updatedAt: "2026-03-01T00:00:00Z" }),
          );
          const d = request(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders("issues", body, SECRET, id), body });
          deliveries.push({ id, result: d });
          // a fresh page each time (its own query), so each is rendered, not served from the cache
          const p = request(`${server.url}/bounties?status=open&n=${n}`, { method: "GET" });
          pages.push(p);
          await Promise.all([d, p]);
        }
      };
      // Eight clients, each with a delivery and a page in flight at every moment.
      const loops = Array.from({ length: 8 }, () => fire());
      await new Promise((r) => setTimeout(r, 1_500));
      const signalledAt = performance.now();
      process.kill(server.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      firing = false;
      await Promise.all(loops);
      const code = await server.exited;
      const results = await Promise.all([...deliveries.map((d) => d.result), ...pages]);

      expect(code).toBe(0);
      const before = results.filter((r) => r.connectedAt < signalledAt);
      expect(before.length).toBeGreaterThan(20);
      const broken = before.filter((r) => r.error || !r.complete || r.status >= 500);
      expect(broken.slice(0, 5), `${broken.length} of ${before.length} broken`).toEqual([]);
      // Whatever came after the signal was either refused at the door or answered whole.
      expect(results.filter((r) => r.status >= 500)).toEqual([]);

      const acked: string[] = [];
      for (const d of deliveries) if ((await d.result).status === 200) acked.push(d.id);
      expect(acked.length).toBeGreaterThan(10);
      const db = new Database(server.databasePath, { readonly: true });
      const stored = new Set(
        db
          .prepare<[string], { delivery_id: string }>("select delivery_id from webhook_deliveries where delivery_id in (select value from json_each(?))")
          .all(JSON.stringify(acked))
          .map((r) => r.delivery_id),
      );
      const wal = db.pragma("wal_checkpoint(PASSIVE)", { simple: false }) as { log: number }[];
      db.close();
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      expect(wal[0]!.log).toBe(0); // the WAL was checkpointed into the file before exit
      expect(server.output()).toContain('"event":"shutdown.done"');
    } finally {
      await server.stop();
    }
  });
});
