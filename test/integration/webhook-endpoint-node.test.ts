// The webhook endpoint on node's own request and response (serveGithubWebhook), served by a
// node:http server in this process against this test file's database: the status, headers and
// body GitHub gets, and a connection closed after a refusal that left the body unread. The
// built server's answers (security headers, memory under a flood) are in webhooks-server.test.ts.
import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { serveGithubWebhook } from "~/app/github/endpoint.server";
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
});
