// Linking by URL and `npm run github:sync` against a local server speaking GitHub's REST format.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { getIssue } from "~/app/models/github.server";
import { action as targetAction } from "~/app/routes/targets.$slug";
import { runCli, runCliAsync } from "../support/cli";
import { staleOpenFlags, staleTargetCounts } from "../support/counts";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

let api: http.Server;
let apiUrl = "";
const requests: string[] = [];
let rateLimitAfter = Infinity;

beforeAll(async () => {
  api = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    if (requests.length > rateLimitAfter) {
      res.writeHead(403, {
        "content-type": "application/json",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      });
      return res.end(
        JSON.stringify({
          message: "API rate limit exceeded",
          documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
        }),
      );
    }
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(req.url ?? "");
    if (!m || req.headers.authorization !== "Bearer test-token") {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest" }));
    }
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-ratelimit-remaining": "4999" });
    res.end(
      JSON.stringify({
        id: 9_000_000 + Number(m[2]),
        number: Number(m[2]),
        title: `Fresh title for ${m[1]}#${m[2]}`,
        state: "closed",
        state_reason: "completed",
        html_url: `https://github.com/${m[1]}/issues/${m[2]}`,
        updated_at: "2026-11-01T00:00:00Z",
        labels: [{ id: 1, name: "enhancement" }],
        assignees: [],
        user: { login: "someone", id: 1, type: "User" },
      }),
    );
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  const address = api.address();
  apiUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((r) => api.close(() => r())));

describe("linking and syncing GitHub issues", () => {
  it("an admin links a pasted issue URL to a target; without a token it says the state will come later", async () => {
    const admin = await makeUser(["admin"]);
    const res = await call(
      targetAction,
      "/targets/kafka",
      { slug: "kafka" },
      formInit(await cookieFor(admin.id), { url: "https://github.com/apache/kafka/issues/17000" }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).message).toBe(
      "Linked apache/kafka#17000. Its title and state will update when GitHub sends an event about it (set GITHUB_TOKEN to fetch them right away).",
    );
    expect(getIssue(db, "apache/kafka", 17000)).toMatchObject({ state: "open", githubId: null });
    const bad = await call(targetAction, "/targets/kafka", { slug: "kafka" }, formInit(await cookieFor(admin.id), { url: "https://example.org/nope" }));
    expect(bad.status).toBe(400);
  });

  it("github:sync without a token says so plainly and exits non-zero", () => {
    const run = runCli("db/cli/github-sync.ts", [], { DATABASE_PATH: process.env.DATABASE_PATH!, GITHUB_TOKEN: "" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("GITHUB_TOKEN is not set");
  });

  it("github:sync refreshes linked issues and stops politely at the rate limit", async () => {
    rateLimitAfter = 5;
    requests.length = 0;
    const run = await runCliAsync("db/cli/github-sync.ts", [], {
      DATABASE_PATH: process.env.DATABASE_PATH!,
      GITHUB_TOKEN: "test-token",
      GITHUB_API_URL: apiUrl,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Stopped after 5 of \d+: GitHub's rate limit is reached until .* Run it again after that\./);
    expect(requests.every((r) => r.endsWith("Bearer test-token"))).toBe(true);
    const refreshed = (db.$client.prepare("select count(*) as n from github_issues where title like 'Fresh title for %'").get() as { n: number }).n;
    expect(refreshed).toBe(5);

    rateLimitAfter = Infinity;
    const again = await runCliAsync("db/cli/github-sync.ts", [], {
      DATABASE_PATH: process.env.DATABASE_PATH!,
      GITHUB_TOKEN: "test-token",
      GITHUB_API_URL: apiUrl,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Synced \d+ linked issues and PRs: \d+ updated, 0 could not be fetched\./);
    expect(getIssue(db, "envoyproxy/envoy", 3883)).toMatchObject({ title: "Fresh title for envoyproxy/envoy#3883", state: "closed", stateReason: "completed" });
    expect(staleTargetCounts()).toEqual([]);
    expect(staleOpenFlags()).toEqual([]);
  });
});
