// The scheduled sync (app/github/sync.server.ts) where GitHub does not cooperate, in this
// process, against the fake GitHub: a linked item GitHub no longer has, an item or listing
// GitHub fails to send, a stopped run, no credentials; and fetching a just-linked issue at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { createGithubAuth } from "~/app/github/auth.server";
import { refreshIssueNow, syncGithub } from "~/app/github/sync.server";
import { getSyncRepo } from "~/app/models/github-sync.server";
import { getIssue } from "~/app/models/github.server";
import { action as targetAction } from "~/app/routes/targets.$slug";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { seedFakeFrom } from "../support/fake-github-seed";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

const TOKEN = "ghp_syncEdgesToken000000000000000000000";
const REPO = "apache/kafka";
let fake: FakeGithub;
let auth: ReturnType<typeof createGithubAuth>;
const run = (options: Parameters<typeof syncGithub>[1] = {}) => syncGithub(db, { auth, apiUrl: fake.url, ...options });
const repoRequests = (from: number) => fake.requests.slice(from).filter((r) => r.path.startsWith("/repos/"));

/** Links an issue to Kafka's page as an admin would paste it: it is tracked but never synced. */
async function link(number: number, repo = REPO) {
  const admin = await makeUser(["admin"]);
  const res = await call(
    targetAction,
    "/targets/kafka",
    { slug: "kafka" },
    formInit(await cookieFor(admin.id), { url: `https://github.com/${repo}/issues/${number}` }),
  );
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  seedFakeFrom(db.$client, fake);
  // the repository exists on GitHub (the fake knows a repository by its issues)
  fake.putIssue(REPO, { number: 17000, title: "KIP-1234: SPIFFE principal builder", state: "open", updatedAt: "2026-11-01T10:00:00Z" });
  auth = createGithubAuth({ apiUrl: fake.url, token: TOKEN });
  const first = await run();
  expect(first.failed).toEqual([]);
});
afterAll(() => fake.stop());

describe("when GitHub does not cooperate", () => {
  it("a linked item GitHub no longer has is noted on its repository, and the repository still syncs", async () => {
    await link(17101);
    const report = await run();
    expect(report.failed).toEqual([]);
    expect(report.synced).toBe(report.repos);
    expect(getSyncRepo(db, REPO)!.lastError).toBe("#17101: It does not exist or is not visible to Club Zero's GitHub credentials.");
  });

  it("every vanished item is named on its repository", async () => {
    await link(17103);
    await run();
    expect(getSyncRepo(db, REPO)!.lastError).toBe(
      "#17101: It does not exist or is not visible to Club Zero's GitHub credentials. #17103: It does not exist or is not visible to Club Zero's GitHub credentials.",
    );
  });

  it("a linked item GitHub fails to send ends the repository's turn, which says why; the others sync", async () => {
    await link(17102);
    fake.putIssue(REPO, { number: 17102, title: "SPIFFE principal builder, take two", state: "open" });
    fake.answerNext({ path: `/repos/${REPO}/issues/17101`, status: 502, body: "<html>Unicorn!</html>" });
    const report = await run();
    expect(report.failed).toEqual([{ repo: REPO, message: "#17101: GitHub answered 502." }]);
    expect(report.synced).toBe(report.repos - 1);
    expect(getSyncRepo(db, REPO)!.lastError).toBe("#17101: GitHub answered 502.");
    // the next run goes on
    const next = await run();
    expect(next.failed).toEqual([]);
    expect(getIssue(db, REPO, 17102)).toMatchObject({ title: "SPIFFE principal builder, take two" });
  });

  it("an answer that is not an issue is noted, and a listing that is not a list ends the turn", async () => {
    fake.answerNext({
      path: `/repos/${REPO}/issues/17101`,
      status: 200,
      body: { message: "Moved Permanently", url: `${fake.url}/repositories/1/issues/17101` },
    });
    const odd = await run();
    expect(odd.failed).toEqual([]);
    expect(getSyncRepo(db, REPO)!.lastError).toMatch(/^#17101: GitHub's answer did not look like an issue\. #17103: /);

    fake.answerNext({ path: `/repos/${REPO}/issues`, status: 200, body: { message: "Not a list" } });
    const report = await run();
    expect(report.failed).toContainEqual({ repo: REPO, message: "GitHub's answer to the issue listing was not a list." });
    fake.answerNext({ path: `/repos/${REPO}/issues`, status: 500, body: { message: "Server Error" } });
    expect((await run()).failed).toContainEqual({ repo: REPO, message: "GitHub answered 500." });
  });

  it("a run stopped before it starts, or without credentials, asks GitHub nothing", async () => {
    const from = fake.requests.length;
    const stop = new AbortController();
    stop.abort();
    expect(await run({ signal: stop.signal })).toMatchObject({ synced: 0, failed: [], waiting: [], full: 0, notModified: 0 });
    expect(await run({ auth: createGithubAuth({ apiUrl: fake.url }) })).toMatchObject({ synced: 0, failed: [], waiting: [] });
    expect(repoRequests(from)).toEqual([]);
  });

  it("an issue labelled club-zero or club-zero:<slug> upstream is mirrored; other labels that start alike are not", async () => {
    fake.putIssue(REPO, { number: 17201, title: "Labelled for a target", state: "open", labels: ["Club-Zero:kafka"] });
    fake.putIssue(REPO, { number: 17202, title: "Labelled alike", state: "open", labels: ["club-zeroish", "no-club-zero"] });
    fake.putIssue(REPO, { number: 17203, title: "Labelled for Club Zero", state: "open", labels: ["docs", "CLUB-ZERO"] });
    await run();
    expect(getIssue(db, REPO, 17201)).toMatchObject({ title: "Labelled for a target" });
    expect(getIssue(db, REPO, 17202)).toBeNull();
    expect(getIssue(db, REPO, 17203)).toMatchObject({ title: "Labelled for Club Zero" });
  });
});

describe("a repository's first listing", () => {
  it("starts five minutes before its items were known current, and the next run asks only since the newest change", async () => {
    const repo = "confluentinc/kafka-rest";
    fake.putIssue(repo, { number: 5, title: "mTLS with SPIFFE SVIDs", state: "open", updatedAt: "2026-11-20T10:00:00Z" });
    await link(5, repo);
    const from = fake.requests.length;
    const started = Date.now();
    await run();
    const ended = Date.now();
    const listing = fake.requests.slice(from).find((r) => r.path.startsWith(`/repos/${repo}/issues?`))!;
    const since = Date.parse(new URL(listing.path, fake.url).searchParams.get("since")!);
    expect(since).toBeGreaterThanOrEqual(started - 5 * 60_000 - 1_000);
    expect(since).toBeLessThanOrEqual(ended - 5 * 60_000);
    expect(getSyncRepo(db, repo)).toMatchObject({ lastError: null, sinceCursor: new Date(since).toISOString() });

    await new Promise((r) => setTimeout(r, 1100)); // updated_at has one-second resolution
    fake.editIssue(repo, 5, { title: "mTLS with SPIFFE SVIDs, revised" });
    await run();
    const changed = getIssue(db, repo, 5)!;
    expect(changed.title).toBe("mTLS with SPIFFE SVIDs, revised");
    expect(getSyncRepo(db, repo)!.sinceCursor).toBe(new Date(changed.githubUpdatedAt!).toISOString());
  });
});

describe("fetching a just-linked issue at once", () => {
  it("applies what GitHub says", async () => {
    fake.putIssue(REPO, { number: 17301, title: "KIP: SPIFFE SASL mechanism", state: "closed", stateReason: "completed" });
    const result = await refreshIssueNow(db, { repo: REPO, number: 17301 }, { auth, apiUrl: fake.url });
    expect(result).toMatchObject({ ok: true, snapshot: { title: "KIP: SPIFFE SASL mechanism" } });
    expect(getIssue(db, REPO, 17301)).toMatchObject({ title: "KIP: SPIFFE SASL mechanism", state: "closed", stateReason: "completed" });
  });

  it("gives up after its time limit and changes nothing; the scheduled sync fetches it later", async () => {
    fake.putIssue(REPO, { number: 17302, title: "Slow to answer", state: "open" });
    fake.setDelay(3_000);
    try {
      const started = Date.now();
      const result = await refreshIssueNow(db, { repo: REPO, number: 17302 }, { auth, apiUrl: fake.url, timeoutMs: 200 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result).toEqual({ ok: false, reason: "error", message: "GitHub did not answer in time." });
      expect(getIssue(db, REPO, 17302)).toBeNull();
    } finally {
      fake.setDelay(0);
    }
  });
});
