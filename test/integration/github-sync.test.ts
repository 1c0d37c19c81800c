// The scheduled GitHub sync and `npm run github:sync`, against a local server speaking GitHub's
// REST wire format (test/support/fake-github.ts): ETags and 304s, Link pages, rate limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { createGithubAuth } from "~/app/github/auth.server";
import { syncGithub } from "~/app/github/sync.server";
import { getSyncRepo, getTargetFreshness } from "~/app/models/github-sync.server";
import { getIssue } from "~/app/models/github.server";
import { loader as adminLoader } from "~/app/routes/admin._index";
import { action as targetAction } from "~/app/routes/targets.$slug";
import { runCli, runCliAsync } from "../support/cli";
import { staleOpenFlags, staleTargetCounts } from "../support/counts";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { seedFakeFrom, type TrackedItem } from "../support/fake-github-seed";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

let fake: FakeGithub;
let items: TrackedItem[];
let auth: ReturnType<typeof createGithubAuth>;
const TOKEN = "ghp_syncTestToken000000000000000000000";

/** Requests the fake saw from `from` on, to the repository API. */
const apiRequests = (from: number) => fake.requests.slice(from).filter((r) => r.path.startsWith("/repos/"));
const run = (options: Parameters<typeof syncGithub>[1] = {}) => syncGithub(db, { auth, apiUrl: fake.url, ...options });

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  items = seedFakeFrom(db.$client, fake);
  auth = createGithubAuth({ apiUrl: fake.url, token: TOKEN });
});
afterAll(() => fake.stop());

describe("linking a pasted issue", () => {
  it("without a token or app, the link is made and the page says the state will come later", async () => {
    const admin = await makeUser(["admin"]);
    const res = await call(
      targetAction,
      "/targets/kafka",
      { slug: "kafka" },
      formInit(await cookieFor(admin.id), { url: "https://github.com/apache/kafka/issues/17000" }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).message).toBe(
      "Linked apache/kafka#17000. Its title and state will update when GitHub sends an event about it (set GITHUB_TOKEN or a GitHub App to fetch them right away).",
    );
    expect(getIssue(db, "apache/kafka", 17000)).toMatchObject({ state: "open", githubId: null, syncedAt: null });
    const bad = await call(targetAction, "/targets/kafka", { slug: "kafka" }, formInit(await cookieFor(admin.id), { url: "https://example.org/nope" }));
    expect(bad.status).toBe(400);
    // GitHub has it; the scheduled sync will fetch it first, as it was never synced
    fake.putIssue("apache/kafka", { number: 17000, title: "KIP-1234: SPIFFE principal builder", state: "open" });
    items.push({ repo: "apache/kafka", number: 17000, kind: "issue", title: "KIP-1234: SPIFFE principal builder", state: "open" });
  });
});

describe("the scheduled sync", () => {
  it("fetches linked items GitHub never told us about, then lists each repository since its cursor", async () => {
    const from = fake.requests.length;
    const report = await run();
    expect(report.failed).toEqual([]);
    expect(report.waiting).toEqual([]);
    expect(report.synced).toBe(report.repos);
    expect(getIssue(db, "apache/kafka", 17000)).toMatchObject({ title: "KIP-1234: SPIFFE principal builder", state: "open" });
    // every tracked item is now known current
    const unsynced = db.$client
      .prepare("select count(*) as n from github_issues gi join target_issues ti on ti.issue_id = gi.id where gi.synced_at is null")
      .get() as { n: number };
    expect(unsynced.n).toBe(0);
    const listings = apiRequests(from).filter((r) => /\/issues\?/.test(r.path));
    expect(listings).toHaveLength(report.repos);
    for (const l of listings) expect(new URL(l.path, fake.url).searchParams.get("since")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(apiRequests(from).every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(staleTargetCounts()).toEqual([]);
    expect(staleOpenFlags()).toEqual([]);
  });

  it("a second sync of unchanged repositories costs only 304s", async () => {
    // the first listing of each repository stored its ETag; a listing that moved its cursor asks once more
    await run();
    const from = fake.requests.length;
    const report = await run();
    const requests = apiRequests(from);
    expect(report.full).toBe(0);
    expect(report.notModified).toBe(report.repos);
    expect(requests).toHaveLength(report.repos);
    expect(requests.every((r) => r.status === 304 && typeof r.headers["if-none-match"] === "string")).toBe(true);
    expect(getSyncRepo(db, "apache/kafka")).toMatchObject({ lastRunFull: 0, lastRunNotModified: 1, lastError: null });
  });

  it("an issue changed upstream arrives through its repository's listing, not a fetch of its own", async () => {
    const changed = items.find((i) => i.kind === "issue" && i.state === "open" && i.repo !== "apache/kafka")!;
    fake.editIssue(changed.repo, changed.number, { title: "Renamed upstream", state: "closed", stateReason: "completed" });
    const from = fake.requests.length;
    const report = await run();
    expect(report.updated).toBe(1);
    expect(getIssue(db, changed.repo, changed.number)).toMatchObject({ title: "Renamed upstream", state: "closed", stateReason: "completed" });
    const requests = apiRequests(from);
    expect(requests.some((r) => r.path.startsWith(`/repos/${changed.repo}/issues/`))).toBe(false);
    expect(requests.filter((r) => r.status === 200)).toHaveLength(1);
    expect(requests.filter((r) => r.status === 200)[0]!.path).toContain(`/repos/${changed.repo}/issues?`);
    expect(staleTargetCounts()).toEqual([]);
  });

  it("an upstream issue nobody linked but labelled club-zero is mirrored and linked to the repository's target", async () => {
    const target = db.$client
      .prepare(
        `select t.id, t.slug, t.repo from targets t where t.repo is not null and exists (select 1 from target_issues ti join github_issues gi on gi.id = ti.issue_id
           where ti.target_id = t.id and lower(gi.repo) = lower(t.repo)) order by t.slug limit 1`,
      )
      .get() as { id: number; slug: string; repo: string };
    fake.putIssue(target.repo, { number: 880001, title: "Labelled upstream for Club Zero", state: "open", labels: ["club-zero"] });
    fake.putIssue(target.repo, { number: 880002, title: "Not labelled", state: "open" });
    await run();
    expect(getIssue(db, target.repo, 880001)).toMatchObject({ title: "Labelled upstream for Club Zero" });
    expect(getIssue(db, target.repo, 880002)).toBeNull();
    const linked = db.$client
      .prepare("select count(*) as n from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = ? and gi.number = 880001")
      .get(target.id) as { n: number };
    expect(linked.n).toBe(1);
    expect(staleTargetCounts()).toEqual([]);
  });

  it("target pages say how fresh their GitHub data is", async () => {
    const target = db.$client.prepare("select id from targets where slug = 'kafka'").get() as { id: number };
    const freshness = getTargetFreshness(db, target.id);
    expect(freshness.unsynced).toBe(0);
    expect(Date.now() - freshness.syncedAt!).toBeLessThan(60_000);
  });

  it("a rate-limited sync stops between pages, waits, and resumes on the page where it stopped", { retry: 2 }, async () => {
    // 150 upstream changes nobody linked, then (last, in updated order) one that was linked
    const repo = "apache/kafka";
    for (let n = 1; n <= 150; n++) fake.putIssue(repo, { number: 20_000 + n, title: `Unrelated ${n}`, state: "open" });
    await new Promise((r) => setTimeout(r, 1100)); // updated_at has one-second resolution
    fake.editIssue(repo, 17000, { title: "KIP-1234, second draft" });
    fake.setRateLimit({ remaining: 1, resetInSeconds: 3 });

    const from = fake.requests.length;
    const stopped = await run({ maxWaitMs: 0 });
    expect(stopped.waiting.map((w) => w.repo)).toContain(repo);
    const kafka = getSyncRepo(db, repo)!;
    expect(kafka.pendingUrl).toContain("page=2");
    expect(kafka.nextAllowedAt).toBeGreaterThan(Date.now());
    expect(getIssue(db, repo, 17000)!.title).toBe("KIP-1234: SPIFFE principal builder");
    // the spent budget is honoured: after the answer that said "0 remaining", nothing more was asked
    const spent = apiRequests(from);
    expect(spent.filter((r) => r.status === 200)).toHaveLength(1);
    expect(spent.filter((r) => r.status === 403)).toHaveLength(0);

    // /admin shows the wait and that the repository resumes where it stopped
    const admin = await makeUser(["admin"]);
    const health = await (await call(adminLoader, "/admin", {}, { headers: { Cookie: await cookieFor(admin.id) } })).json();
    expect(health.sync.mode).toBe(null); // this test process has no GITHUB_TOKEN; the runs above were given one
    expect(health.sync.repos.find((r: { repo: string }) => r.repo === repo)).toMatchObject({
      failing: true,
      resuming: true,
      nextAllowedAt: kafka.nextAllowedAt,
      lastError: expect.stringMatching(/rate limit is reached until/),
    });

    // asked again before the reset: nothing is sent for the waiting repositories
    const early = fake.requests.length;
    const again = await run({ maxWaitMs: 0 });
    expect(again.waiting.map((w) => w.repo)).toContain(repo);
    expect(apiRequests(early).some((r) => r.path.includes(repo))).toBe(false);

    await new Promise((r) => setTimeout(r, Math.max(0, kafka.nextAllowedAt! - Date.now()) + 200));
    fake.setRateLimit({ remaining: 5000, resetInSeconds: 3600 });
    const resumedFrom = fake.requests.length;
    const resumed = await run({ maxWaitMs: 0 });
    expect(resumed.failed).toEqual([]);
    const kafkaRequests = apiRequests(resumedFrom).filter((r) => r.path.startsWith(`/repos/${repo}/`));
    expect(kafkaRequests[0]!.path).toContain("page=2");
    expect(kafkaRequests.some((r) => !r.path.includes("page="))).toBe(false);
    expect(getIssue(db, repo, 17000)!.title).toBe("KIP-1234, second draft");
    expect(getSyncRepo(db, repo)).toMatchObject({ pendingUrl: null, nextAllowedAt: null });
  });

  it("a secondary rate limit with Retry-After is waited out in the run, and the same request is made again", { retry: 2 }, async () => {
    const changed = items.find((i) => i.kind === "issue" && i.state === "open" && i.repo !== "apache/kafka")!;
    fake.editIssue(changed.repo, changed.number, { title: "After the secondary limit" });
    fake.secondaryLimit(1, 1);
    const started = Date.now();
    const from = fake.requests.length;
    const report = await run({ maxWaitMs: 5_000 });
    expect(report.failed).toEqual([]);
    expect(report.waiting).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const requests = apiRequests(from);
    expect(requests[0]!.status).toBe(403);
    expect(requests[1]!.path).toBe(requests[0]!.path);
    expect(getIssue(db, changed.repo, changed.number)!.title).toBe("After the secondary limit");
  });

  it("a secondary rate limit without Retry-After waits at least a minute", async () => {
    fake.secondaryLimit(1);
    const report = await run({ maxWaitMs: 0 });
    expect(report.waiting.length).toBeGreaterThan(0);
    const until = report.waiting[0]!.until;
    expect(until - Date.now()).toBeGreaterThan(55_000);
    const row = getSyncRepo(db, report.waiting[0]!.repo)!;
    expect(row.lastError).toMatch(/secondary rate limit/);
    // a minute later it goes on (the test moves the clock rather than waiting)
    const later = await run({ maxWaitMs: 0, clock: () => Date.now() + 61_000 });
    expect(later.waiting).toEqual([]);
    expect(later.failed).toEqual([]);
  });
});

describe("npm run github:sync", () => {
  it("without a token or app says so plainly and exits non-zero", () => {
    const cli = runCli("db/cli/github-sync.ts", [], { DATABASE_PATH: process.env.DATABASE_PATH!, GITHUB_TOKEN: "" });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("Neither GITHUB_TOKEN nor a GitHub App");
  });

  it("runs the same sync: unchanged repositories cost 304s, and a spent budget stops it with exit 2", async () => {
    const env = { DATABASE_PATH: process.env.DATABASE_PATH!, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: fake.url };
    const ok = await runCliAsync("db/cli/github-sync.ts", [], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Synced (\d+) of \1 repositories: 0 issues and PRs updated; GitHub answered 0 times in full and \1 times "not modified"\./);

    const changed = items.find((i) => i.kind === "issue" && i.state === "open" && i.repo !== "apache/kafka")!;
    fake.editIssue(changed.repo, changed.number, { title: "Changed before the budget ran out" });
    fake.setRateLimit({ remaining: 0, resetInSeconds: 3600 });
    const stopped = await runCliAsync("db/cli/github-sync.ts", [], env);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/GitHub's rate limit is reached until .*\. Run it again after that; each resumes where it stopped\./);
    fake.setRateLimit({ remaining: 5000, resetInSeconds: 3600 });
  });
});
