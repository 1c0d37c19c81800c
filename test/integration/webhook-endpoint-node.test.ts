// The webhook endpoint on node's own request and response (serveGithubWebhook), served by a
// node:http server in this process against this test file's database: the status, headers and
// body GitHub gets, and a connection closed after a refusal that left the body unread. The
// built server's answers (security headers, memory under a flood) are in webhooks-server.test.ts.
import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { serveGithubWebhook } from "~/app/github/endpoint.server";
import { webhookDeliveries } from "~/app/http/metrics.server";
import { getIssue } from "~/app/models/github.server";
import { deliveryHeaders, issuesEvent } from "../support/github-webhooks";
import type { AddressInfo } from "node:net";

const SECRET = process.env.GITHUB_WEBHOOK_SECRET!;
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => void serveGithubWebhook(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request on a connection of its own that asks to be kept alive; a Content-Length above the body's leaves the rest unsent. */
function post(method: string, headers: Record<string, string>, body = ""): Promise<Answer> {
  const agent = new http.Agent({ keepAlive: true });
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/webhooks/github", method, headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    if (headers["Content-Length"] && Number(headers["Content-Length"]) > Buffer.byteLength(body)) req.write(body);
    else req.end(body);
  }).finally(() => agent.destroy());
}

describe("the webhook endpoint on node's request and response", () => {
  it("a signed delivery is applied and answered 200 in JSON, with its length, on a connection kept open", async () => {
    const spec = { repo: "node-adapter/test", number: 1, labels: [], updatedAt: "2026-01-01T00:00:00Z" };
    const body = JSON.stringify(issuesEvent("opened", spec));
    const answer = await post("POST", deliveryHeaders("issues", body, SECRET, crypto.randomUUID()), body);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.text));
    expect(answer.headers.connection).toBe("keep-alive");
    expect(JSON.parse(answer.text)).toEqual({ ok: true, outcome: "processed" });
    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({ state: "open" });
  });

  it("GET gets 405 naming POST; another method 405 too", async () => {
    const get = await post("GET", {});
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect(JSON.parse(get.text)).toEqual({ ok: false, error: "Send GitHub webhooks here with POST." });
    const put = await post("PUT", {});
    expect([put.status, put.headers.allow, JSON.parse(put.text).error]).toEqual([405, "POST", "Use POST."]);
  });

  it("a body declared over 25 MiB is refused before it is read, and the connection is closed after the answer", async () => {
    const answer = await post("POST", { ...deliveryHeaders("issues", "{}", SECRET), "Content-Length": String(26 * 1024 * 1024) }, "{");
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.text)).toEqual({ ok: false, error: "Payload over 25 MiB." });
  });

  it("a wrong signature is 401, and the body read to its end leaves the connection open", async () => {
    const body = JSON.stringify(issuesEvent("opened", { repo: "node-adapter/test", number: 2, labels: [], updatedAt: "2026-01-01T00:00:00Z" }));
    const answer = await post("POST", { ...deliveryHeaders("issues", body, "not the secret") }, body);
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe("keep-alive");
    expect(getIssue(db, "node-adapter/test", 2)).toBeNull();
  });

  it("each refusal names its rule, writes nothing and is counted by its reason", async () => {
    const body = JSON.stringify(issuesEvent("opened", { repo: "node-adapter/test", number: 3, labels: [], updatedAt: "2026-01-01T00:00:00Z" }));
    const signed = deliveryHeaders("issues", body, SECRET);
    const without = (name: string) => Object.fromEntries(Object.entries(signed).filter(([k]) => k !== name));
    const refused = async (headers: Record<string, string>, sent = body) => {
      const answer = await post("POST", headers, sent);
      return [answer.status, JSON.parse(answer.text).error];
    };
    const rejected = async () => Object.fromEntries((await webhookDeliveries.get()).values.map((v) => [`${v.labels.event} ${v.labels.outcome}`, v.value]));
    const before = await rejected();
    const deliveries = () => db.$client.prepare("select count(*) from webhook_deliveries").pluck().get();
    const stored = deliveries();

    expect(await refused(without("X-GitHub-Event"))).toEqual([400, "X-GitHub-Event and X-GitHub-Delivery headers are required."]);
    expect(await refused(without("X-GitHub-Delivery"))).toEqual([400, "X-GitHub-Event and X-GitHub-Delivery headers are required."]);
    expect(await refused({ ...signed, "X-GitHub-Delivery": "d".repeat(101) })).toEqual([400, "X-GitHub-Event or X-GitHub-Delivery is too long."]);
    expect(await refused({ ...signed, "X-GitHub-Event": "e".repeat(101) })).toEqual([400, "X-GitHub-Event or X-GitHub-Delivery is too long."]);
    expect(await refused({ ...signed, "Content-Type": "application/x-www-form-urlencoded" })).toEqual([
      415,
      "Set the webhook's content type to application/json.",
    ]);
    expect(await refused(without("X-Hub-Signature-256"))).toEqual([401, "Signature missing or wrong: check the webhook secret."]);
    const notJson = "not json";
    expect(await refused(deliveryHeaders("issues", notJson, SECRET), notJson)).toEqual([400, "The body is not JSON."]);
    expect(deliveries()).toBe(stored);
    expect(getIssue(db, "node-adapter/test", 3)).toBeNull();

    const after = await rejected();
    const grew = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect([grew("unknown rejected: missing headers"), grew("issues rejected: missing headers")]).toEqual([2, 0]);
    expect([
      grew("unknown rejected: bad headers"),
      grew("issues rejected: content type"),
      grew("issues rejected: signature"),
      grew("issues rejected: invalid json"),
    ]).toEqual([2, 1, 1, 1]);
  });

  it("a delivery up to 100 characters is taken; the hook id is kept when it is a positive whole number", async () => {
    const hookOf = (id: string) => db.$client.prepare("select hook_id from webhook_deliveries where delivery_id = ?").pluck().get(id);
    const cases: [string, number | null][] = [
      ["987654", 987654],
      ["0", null],
      ["-4", null],
      ["12.5", null],
      ["abc", null],
    ];
    for (const [header, kept] of cases) {
      const id = crypto.randomUUID() + "x".repeat(100 - 36);
      const body = JSON.stringify(
        issuesEvent("opened", {
          repo: "node-adapter/hooks",
          number: 10 + cases.findIndex((c) => c[0] === header),
          labels: [],
          updatedAt: "2026-01-01T00:00:00Z",
        }),
      );
      const answer = await post("POST", { ...deliveryHeaders("issues", body, SECRET, id), "X-GitHub-Hook-ID": header }, body);
      expect(answer.status, header).toBe(200);
      expect(hookOf(id), header).toBe(kept);
    }
  });
});
