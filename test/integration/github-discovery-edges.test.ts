// Discovery (app/github/discovery.server.ts) where GitHub does not cooperate, in this process,
// against the fake GitHub's search API: a failed or odd answer is one repository's problem, an
// app GitHub refuses or no credentials searches nothing, searches are spaced, and the search
// API's budget is its own.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { createGithubAuth } from "~/app/github/auth.server";
import { discoverIssues } from "~/app/github/discovery.server";
import { closedBudgets } from "~/app/github/rest.server";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";

const TOKEN = "ghp_discoveryEdgesToken00000000000000000";
let fake: FakeGithub;
const tokenAuth = () => createGithubAuth({ apiUrl: fake.url, token: TOKEN });
const run = (options: Parameters<typeof discoverIssues>[1] = {}) =>
  discoverIssues(db, { auth: tokenAuth(), apiUrl: fake.url, spacingMs: 0, maxWaitMs: 0, ...options });
const searches = (from: number) => fake.requests.slice(from).filter((r) => r.path.startsWith("/search/issues"));
const problemOf = (repo: string) =>
  db.$client.prepare("select last_error as lastError from github_discovery_repos where repo = ?").get(repo.toLowerCase()) as { lastError: string | null };

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  fake.setSearchLimit({ limit: 1000, remaining: 1000, resetInSeconds: 60 });
});
afterAll(() => fake.stop());

describe("when GitHub does not cooperate", () => {
  it("a search GitHub fails is that repository's problem, with the reason; the others are searched", async () => {
    fake.answerNext({ path: "/search/issues", status: 500, body: { message: "Server Error" } });
    const report = await run();
    expect(report.failed).toHaveLength(1);
    const [failed] = report.failed;
    expect(failed!.message).toBe("GitHub answered 500.");
    expect(report.searched).toBe(report.repos - 1);
    expect(problemOf(failed!.repo).lastError).toBe("GitHub answered 500.");
  });

  it("a 304 or an answer without items suggests nothing", async () => {
    fake.answerNext({ path: "/search/issues", status: 304, body: "" });
    const report = await run();
    expect(report.failed.map((f) => f.message)).toEqual(["GitHub answered 304 to a search."]);
    fake.answerNext({ path: "/search/issues", status: 200, body: { total_count: 0, incomplete_results: true } });
    const empty = await run();
    expect(empty).toMatchObject({ failed: [], suggested: 0 });
    expect(empty.searched).toBe(empty.repos);
  });

  it("an app GitHub refuses searches nothing, and each repository says why", async () => {
    const key = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const from = fake.requests.length;
    const report = await run({ auth: createGithubAuth({ apiUrl: fake.url, app: { appId: 5, privateKey: key } }) });
    expect(report.searched).toBe(0);
    expect(report.failed).toHaveLength(report.repos);
    expect(new Set(report.failed.map((f) => f.message))).toEqual(new Set(["GitHub refused the app's token (401): check GITHUB_APP_ID and the private key."]));
    expect(problemOf(report.failed[0]!.repo).lastError).toBe("GitHub refused the app's token (401): check GITHUB_APP_ID and the private key.");
    expect(searches(from)).toEqual([]);
  });

  it("without credentials, or stopped, it searches nothing", async () => {
    const from = fake.requests.length;
    expect(await run({ auth: createGithubAuth({ apiUrl: fake.url }) })).toMatchObject({ searched: 0, failed: [], waiting: [] });
    const stop = new AbortController();
    stop.abort();
    expect(await run({ signal: stop.signal })).toMatchObject({ searched: 0, failed: [], waiting: [] });
    expect(fake.requests.slice(from)).toEqual([]);
  });
});

describe("keeping to the search API's limit", () => {
  it("searches are spaced: 30 a minute is one every two seconds, here one every 20 ms", async () => {
    const started = Date.now();
    const report = await run({ spacingMs: 20 });
    expect(report.searched).toBe(report.repos);
    expect(report.repos).toBeGreaterThan(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 * (report.repos - 1));
  });

  it("the search API's budget is its own: a spent core budget does not stop discovery", async () => {
    closedBudgets.set("token", Date.now() + 600_000);
    try {
      const report = await run();
      expect(report.waiting).toEqual([]);
      expect(report.searched).toBe(report.repos);
    } finally {
      closedBudgets.delete("token");
    }
  });
});
