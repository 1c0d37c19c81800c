// GitHub's REST API as app/github/rest.server.ts reads it, in this process, against the local
// fake GitHub (test/support/fake-github.ts): conditional GETs and 304s, Link pages, each way
// GitHub says "wait", its refusals, and a GitHub that is slow or unreachable.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubAuth } from "~/app/github/auth.server";
import { budgetedGet, closedBudgets, fetchIssue, nextLink, parseRestIssue, RateLimitWait, restGet } from "~/app/github/rest.server";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";

const TOKEN = "ghp_restTestToken0000000000000000000000";
const REPO = "spiffe/spire";
const HEADERS = { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", Authorization: `Bearer ${TOKEN}` };
/** A fixed clock, so the times GitHub's answers imply are exact. */
const NOW = Date.parse("2026-11-30T12:00:00Z");
const clock = () => NOW;

let fake: FakeGithub;
const issueUrl = (number: number, repo = REPO) => `${fake.url}/repos/${repo}/issues/${number}`;
const lastRequest = () => fake.requests.at(-1)!;

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  fake.putIssue(REPO, { number: 1, title: "Rotate the bundle", state: "open", labels: ["club-zero", "club-zero/docs"], author: "evan" });
  fake.putIssue(REPO, { number: 2, title: "Add a SPIFFE ID check", state: "open", pull: { mergedAt: "2026-11-29T10:00:00Z" }, author: "amartinezfayo" });
  fake.putIssue(REPO, { number: 3, title: "Drop the old CLI", state: "closed", stateReason: "not_planned" });
});
afterAll(() => fake.stop());

describe("conditional GETs", () => {
  it("an unchanged issue asked again with its ETag or Last-Modified is a 304, and a changed one is sent in full", async () => {
    const first = await restGet(issueUrl(1), HEADERS, { clock });
    expect(first).toMatchObject({ kind: "ok", next: null, exhaustedUntil: null, etag: expect.stringMatching(/^W\/"/), lastModified: expect.any(String) });
    expect(lastRequest().headers["if-none-match"]).toBeUndefined();
    expect(lastRequest().headers["if-modified-since"]).toBeUndefined();
    expect(lastRequest().headers.authorization).toBe(`Bearer ${TOKEN}`);
    if (first.kind !== "ok") throw new Error("unreachable");
    expect((first.body as { title: string }).title).toBe("Rotate the bundle");

    expect(await restGet(issueUrl(1), HEADERS, { etag: first.etag })).toEqual({ kind: "not_modified" });
    expect(lastRequest()).toMatchObject({ status: 304, headers: { "if-none-match": first.etag } });
    expect(await restGet(issueUrl(1), HEADERS, { lastModified: first.lastModified })).toEqual({ kind: "not_modified" });
    expect(lastRequest()).toMatchObject({ status: 304, headers: { "if-modified-since": first.lastModified } });
    expect(lastRequest().headers["if-none-match"]).toBeUndefined();

    await new Promise((r) => setTimeout(r, 1100)); // updated_at has one-second resolution
    fake.editIssue(REPO, 1, { title: "Rotate the trust bundle" });
    const changed = await restGet(issueUrl(1), HEADERS, { etag: first.etag, lastModified: first.lastModified });
    expect(changed).toMatchObject({ kind: "ok", body: { title: "Rotate the trust bundle" } });
    expect(changed.kind === "ok" && changed.etag).not.toBe(first.etag);
  });

  it("a listing says where its next page is, and the last page has none", async () => {
    const page1 = await restGet(`${fake.url}/repos/${REPO}/issues?state=all&per_page=2`, HEADERS);
    if (page1.kind !== "ok") throw new Error(`expected a page, got ${page1.kind}`);
    expect((page1.body as unknown[]).length).toBe(2);
    expect(page1.next).toBe(`${fake.url}/repos/${REPO}/issues?state=all&per_page=2&page=2`);
    const page2 = await restGet(page1.next!, HEADERS);
    expect(page2).toMatchObject({ kind: "ok", next: null, body: [expect.objectContaining({ number: expect.any(Number) })] });
  });

  it("reads rel=next wherever it is in the Link header, quoted or not", () => {
    expect(nextLink(null)).toBeNull();
    expect(nextLink("")).toBeNull();
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next"')).toBe("https://api.github.com/x?page=3");
    expect(nextLink("<https://api.github.com/x?page=2>;rel=next")).toBe("https://api.github.com/x?page=2");
    expect(nextLink('<https://api.github.com/x?page=9>; rel="last"')).toBeNull();
    expect(nextLink('<https://api.github.com/x?page=9>; rel="nextish"')).toBeNull();
    expect(
      nextLink(
        '<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=5>; rel="last", <https://api.github.com/x?page=1>; rel="first"',
      ),
    ).toBe("https://api.github.com/x?page=3");
  });
});

describe("when GitHub says wait", () => {
  it("an answer with no requests left is used, and says the budget is closed until GitHub's reset", async () => {
    const reset = fake.setRateLimit({ remaining: 1, resetInSeconds: 120 }) * 1000;
    const last = await restGet(issueUrl(3), HEADERS, { clock });
    expect(reset).toBeGreaterThan(Date.now());
    expect(last).toMatchObject({ kind: "ok", exhaustedUntil: reset, body: { number: 3 } });
    // a reset already past by the caller's clock still closes the budget for a second
    const late = () => reset + 60_000;
    fake.setRateLimit({ remaining: 1, resetInSeconds: 120 });
    expect(await restGet(issueUrl(3), HEADERS, { clock: late })).toMatchObject({ kind: "ok", exhaustedUntil: late() + 1000 });
  });

  it("a spent budget's 403 is the primary rate limit, until GitHub's reset", async () => {
    const reset = fake.setRateLimit({ remaining: 0, resetInSeconds: 600 }) * 1000;
    const answer = await restGet(issueUrl(1), HEADERS, { clock });
    expect(lastRequest().status).toBe(403);
    expect(answer).toEqual({
      kind: "rate_limited",
      until: reset,
      secondary: false,
      message: `GitHub's rate limit is reached until ${new Date(reset).toISOString()}.`,
    });
    // a reset in the past by the caller's clock still means at least a second
    expect(await restGet(issueUrl(1), HEADERS, { clock: () => reset + 5_000 })).toMatchObject({ kind: "rate_limited", until: reset + 6_000 });
    fake.setRateLimit({ remaining: 5000, resetInSeconds: 3600 });
  });

  it("a secondary limit waits as long as Retry-After says, or a minute when it says nothing", async () => {
    fake.secondaryLimit(1, 7);
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toEqual({
      kind: "rate_limited",
      until: NOW + 7_000,
      secondary: true,
      message: `GitHub's secondary rate limit is reached until ${new Date(NOW + 7_000).toISOString()}.`,
    });
    fake.secondaryLimit(1);
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toEqual({
      kind: "rate_limited",
      until: NOW + 60_000,
      secondary: true,
      message: `GitHub's secondary rate limit is reached until ${new Date(NOW + 60_000).toISOString()}.`,
    });
  });

  it("Retry-After on a spent budget is a primary limit; a 429 with nothing more is a secondary one", async () => {
    const reset = String(Math.floor(NOW / 1000) + 900);
    const spent = { "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset };
    fake.answerNext({ status: 403, headers: { ...spent, "Retry-After": "30" }, body: RATE_LIMITED });
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toMatchObject({ kind: "rate_limited", until: NOW + 30_000, secondary: false });
    // a Retry-After that is not a number of seconds is not one; the reset stands
    fake.answerNext({ status: 403, headers: { ...spent, "Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT" }, body: RATE_LIMITED });
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toMatchObject({ kind: "rate_limited", until: Number(reset) * 1000, secondary: false });
    // Retry-After with requests left is GitHub's secondary limit, whatever its message says
    fake.answerNext({ status: 403, headers: { "X-RateLimit-Remaining": "4000", "Retry-After": "2" }, body: { message: "Forbidden" } });
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toMatchObject({ kind: "rate_limited", until: NOW + 2_000, secondary: true });
    // the older wording of the secondary limit
    fake.answerNext({
      status: 403,
      headers: {},
      body: { message: "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again." },
    });
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toMatchObject({ kind: "rate_limited", until: NOW + 60_000, secondary: true });
    fake.answerNext({ status: 429, headers: {}, body: "" });
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toMatchObject({ kind: "rate_limited", until: NOW + 60_000, secondary: true });
    // a spent budget with no reset header still waits a second
    fake.answerNext({ status: 403, headers: { "X-RateLimit-Remaining": "0" }, body: RATE_LIMITED });
    expect(await restGet(issueUrl(1), HEADERS, { clock })).toMatchObject({ kind: "rate_limited", until: NOW + 1_000, secondary: false });
  });
});

describe("GitHub's refusals and failures", () => {
  it("each refusal is told apart, in a sentence of Club Zero's own", async () => {
    expect(await restGet(issueUrl(404), HEADERS)).toEqual({
      kind: "not_found",
      message: "It does not exist or is not visible to Club Zero's GitHub credentials.",
    });
    expect(await restGet(issueUrl(1), { ...HEADERS, Authorization: "Bearer ghp_revoked" })).toEqual({
      kind: "unauthorized",
      message: "GitHub refused Club Zero's credentials (401).",
    });
    fake.answerNext({
      status: 410,
      body: { message: "This issue was deleted", documentation_url: "https://docs.github.com/v3/issues/#get-an-issue", status: "410" },
    });
    expect(await restGet(issueUrl(1), HEADERS)).toMatchObject({ kind: "not_found" });
    // a 403 that is no rate limit: the credentials may not read it
    fake.answerNext({ status: 403, headers: { "X-RateLimit-Remaining": "4999" }, body: { message: "Resource not accessible by integration", status: "403" } });
    expect(await restGet(issueUrl(1), HEADERS)).toEqual({ kind: "unauthorized", message: "GitHub refused Club Zero's credentials (403)." });
    fake.answerNext({
      status: 502,
      headers: { "Content-Type": "text/html" },
      body: "<html><body><h1>Unicorn!</h1> This page is taking too long to load.</body></html>",
    });
    expect(await restGet(issueUrl(1), HEADERS)).toEqual({ kind: "error", message: "GitHub answered 502." });
    fake.answerNext({ status: 200, headers: { "Content-Type": "text/html" }, body: "<!DOCTYPE html><html><title>Sign in to GitHub</title></html>" });
    expect(await restGet(issueUrl(1), HEADERS)).toEqual({ kind: "error", message: "GitHub's answer was not JSON." });
  });

  it("the budget's last request answered 404 is a missing issue, not a rate limit", async () => {
    fake.setRateLimit({ remaining: 1, resetInSeconds: 600 });
    expect(await restGet(issueUrl(404), HEADERS)).toMatchObject({ kind: "not_found" });
    expect(lastRequest().status).toBe(404);
    fake.setRateLimit({ remaining: 5000, resetInSeconds: 3600 });
  });

  it("a GitHub that is slow or gone is an answer too, not a thrown error", async () => {
    fake.setDelay(2_000);
    try {
      const started = Date.now();
      expect(await restGet(issueUrl(1), HEADERS, { timeoutMs: 100 })).toEqual({ kind: "error", message: "GitHub did not answer in time." });
      expect(Date.now() - started).toBeLessThan(1_500);
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 50);
      expect(await restGet(issueUrl(1), HEADERS, { signal: stop.signal })).toEqual({ kind: "error", message: "GitHub did not answer in time." });
    } finally {
      fake.setDelay(0);
    }
    expect(await restGet("http://127.0.0.1:1/repos/spiffe/spire/issues/1", HEADERS)).toEqual({ kind: "error", message: "GitHub could not be reached." });
  });
});

describe("a rate-limit budget", () => {
  it("a budget closed for longer than the caller waits throws RateLimitWait, without asking GitHub", async () => {
    const closed = new Map([["token", NOW + 120_000]]);
    const get = budgetedGet({ closed, budget: "token", headers: HEADERS, maxWaitMs: 60_000, clock });
    const from = fake.requests.length;
    const error = await get(issueUrl(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWait);
    expect(error).toMatchObject({ until: NOW + 120_000, message: `GitHub's rate limit is reached until ${new Date(NOW + 120_000).toISOString()}.` });
    expect(fake.requests.length).toBe(from);
    // another budget (the search API's, another installation's) is not closed by it
    const other = budgetedGet({ closed, budget: "installation:7", headers: HEADERS, maxWaitMs: 0, clock });
    expect(await other(issueUrl(1))).toMatchObject({ kind: "ok" });
  });

  it("a short closure is waited out, then the request is made", { retry: 2 }, async () => {
    const closed = new Map([["token", Date.now() + 400]]);
    const get = budgetedGet({ closed, budget: "token", headers: HEADERS, maxWaitMs: 5_000 });
    const started = Date.now();
    expect(await get(issueUrl(1))).toMatchObject({ kind: "ok" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it("stopping during the wait ends it at once with RateLimitWait", async () => {
    const closed = new Map([["token", Date.now() + 30_000]]);
    const stop = new AbortController();
    const get = budgetedGet({ closed, budget: "token", headers: HEADERS, maxWaitMs: 60_000, signal: stop.signal });
    const from = fake.requests.length;
    setTimeout(() => stop.abort(), 50);
    const started = Date.now();
    const error = await get(issueUrl(1)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(RateLimitWait);
    expect(error).toMatchObject({ message: "Stopped while waiting for GitHub's rate limit." });
    expect(fake.requests.length).toBe(from);
  });

  it("the answer that spends the budget closes it, so the next request waits for the reset", async () => {
    const closed = new Map<string, number>();
    const get = budgetedGet({ closed, budget: "installation:9", headers: HEADERS, maxWaitMs: 0 });
    const reset = fake.setRateLimit({ remaining: 1, resetInSeconds: 300 }) * 1000;
    expect(await get(issueUrl(1))).toMatchObject({ kind: "ok" });
    expect(closed.get("installation:9")).toBe(reset);
    const from = fake.requests.length;
    await expect(get(issueUrl(2))).rejects.toMatchObject({ until: reset });
    expect(fake.requests.length).toBe(from);
    fake.setRateLimit({ remaining: 5000, resetInSeconds: 3600 });
  });

  it("a rate-limited answer closes the budget: a long wait throws, a short one is waited and the same request made again", { retry: 2 }, async () => {
    const closed = new Map<string, number>();
    const impatient = budgetedGet({ closed, budget: "token", headers: HEADERS, maxWaitMs: 0 });
    fake.secondaryLimit(1);
    const error = await impatient(issueUrl(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWait);
    expect((error as RateLimitWait).message).toMatch(/^GitHub's secondary rate limit is reached until /);
    expect(closed.get("token")).toBe((error as RateLimitWait).until);

    const patient = budgetedGet({ closed: new Map(), budget: "token", headers: HEADERS, maxWaitMs: 5_000 });
    fake.secondaryLimit(1, 1);
    const from = fake.requests.length;
    expect(await patient(issueUrl(2))).toMatchObject({ kind: "ok", body: { number: 2 } });
    const asked = fake.requests.slice(from);
    expect(asked.map((r) => [r.path, r.status])).toEqual([
      [`/repos/${REPO}/issues/2`, 403],
      [`/repos/${REPO}/issues/2`, 200],
    ]);
  });

  it("a wait exactly as long as the caller waits is waited, not given up", { retry: 2 }, async () => {
    const get = budgetedGet({ closed: new Map(), budget: "token", headers: HEADERS, maxWaitMs: 1_000, clock });
    fake.secondaryLimit(1, 1);
    expect(await get(issueUrl(1))).toMatchObject({ kind: "ok" });
  });

  it("without a map of its own, a budget is closed for the whole process", async () => {
    closedBudgets.set("installation:77", Date.now() + 600_000);
    try {
      const get = budgetedGet({ budget: "installation:77", headers: HEADERS, maxWaitMs: 0 });
      await expect(get(issueUrl(1))).rejects.toBeInstanceOf(RateLimitWait);
    } finally {
      closedBudgets.delete("installation:77");
    }
  });
});

describe("fetching one issue", () => {
  const tokenAuth = () => createGithubAuth({ apiUrl: fake.url, token: TOKEN });

  it("an issue and a merged pull request come back as the mirror stores them", async () => {
    const issue = await fetchIssue(REPO, 1, { auth: tokenAuth(), apiUrl: fake.url });
    expect(issue).toEqual({
      ok: true,
      snapshot: {
        githubId: expect.any(Number),
        repo: REPO,
        number: 1,
        kind: "issue",
        title: "Rotate the trust bundle",
        state: "open",
        stateReason: null,
        labels: ["club-zero", "club-zero/docs"],
        assignees: [],
        author: "evan",
        url: `https://github.com/${REPO}/issues/1`,
        updatedAt: expect.any(Number),
        mergedAt: null,
      },
    });
    const pull = await fetchIssue(REPO, 2, { auth: tokenAuth(), apiUrl: fake.url });
    expect(pull).toMatchObject({
      ok: true,
      snapshot: { kind: "pull", state: "merged", mergedAt: Date.parse("2026-11-29T10:00:00Z"), author: "amartinezfayo" },
    });
    const closed = await fetchIssue(REPO, 3, { auth: tokenAuth(), apiUrl: fake.url });
    expect(closed).toMatchObject({ ok: true, snapshot: { state: "closed", stateReason: "not_planned" } });
  });

  it("says why when it cannot: missing, rate limited, refused, or not an issue", async () => {
    expect(await fetchIssue(REPO, 999, { auth: tokenAuth(), apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "not_found",
      message: `${REPO}#999 does not exist or is not visible to Club Zero's GitHub credentials.`,
    });
    fake.secondaryLimit(1, 30);
    const limited = await fetchIssue(REPO, 1, { auth: tokenAuth(), apiUrl: fake.url });
    expect(limited).toMatchObject({ ok: false, reason: "rate_limited", message: expect.stringMatching(/^GitHub's secondary rate limit is reached until /) });
    expect(limited.ok === false && limited.reason === "rate_limited" && limited.resetAt - Date.now()).toBeGreaterThan(25_000);
    const revoked = createGithubAuth({ apiUrl: fake.url, token: "ghp_revoked" });
    expect(await fetchIssue(REPO, 1, { auth: revoked, apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "unauthorized",
      message: "GitHub refused Club Zero's credentials (401).",
    });
    fake.answerNext({ status: 200, body: { message: "Moved Permanently", url: `${fake.url}/repositories/1/issues/1` } });
    expect(await fetchIssue(REPO, 1, { auth: tokenAuth(), apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "error",
      message: "GitHub's answer did not look like an issue.",
    });
    fake.answerNext({ status: 304, body: "" });
    expect(await fetchIssue(REPO, 1, { auth: tokenAuth(), apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "error",
      message: "GitHub answered 304 to an unconditional request.",
    });
    fake.answerNext({ status: 500, body: { message: "Server Error" } });
    expect(await fetchIssue(REPO, 1, { auth: tokenAuth(), apiUrl: fake.url })).toEqual({ ok: false, reason: "error", message: "GitHub answered 500." });
  });

  it("without credentials, or when authenticating fails, it says so and asks GitHub nothing about the issue", async () => {
    const from = fake.requests.length;
    expect(await fetchIssue(REPO, 1, { auth: createGithubAuth({ apiUrl: fake.url }), apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "unauthorized",
      message: "Neither GITHUB_TOKEN nor a GitHub App is configured.",
    });
    const key = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    // an app GitHub does not know: GitHub's 401, in Club Zero's words
    const stranger = createGithubAuth({ apiUrl: fake.url, app: { appId: 1, privateKey: key } });
    expect(await fetchIssue(REPO, 1, { auth: stranger, apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "unauthorized",
      message: "GitHub refused the app's token (401): check GITHUB_APP_ID and the private key.",
    });
    // GitHub unreachable while looking for the app's installation
    const cutOff = createGithubAuth({ apiUrl: "http://127.0.0.1:1", app: { appId: 1, privateKey: key } });
    expect(await fetchIssue(REPO, 1, { auth: cutOff, apiUrl: fake.url })).toEqual({
      ok: false,
      reason: "unauthorized",
      message: "Club Zero could not authenticate to GitHub.",
    });
    expect(fake.requests.slice(from).some((r) => r.path.startsWith(`/repos/${REPO}/issues`))).toBe(false);
  });
});

describe("reading an issue from a listing", () => {
  it("labels given as names, missing people and a missing link are read as GitHub means them", () => {
    const item = {
      id: 42,
      number: 7,
      title: "Document the x509pop attestor",
      state: "open",
      html_url: "https://github.com/spiffe/spire/issues/7",
      updated_at: "2026-11-30T11:00:00Z",
      labels: ["club-zero", { name: "docs", color: "ededed" }],
      assignees: [{ login: "marcosy" }, { login: "sorindumitru" }],
      user: null,
    };
    expect(parseRestIssue(item, REPO)).toMatchObject({
      labels: ["club-zero", "docs"],
      assignees: ["marcosy", "sorindumitru"],
      author: null,
      updatedAt: Date.parse("2026-11-30T11:00:00Z"),
      url: "https://github.com/spiffe/spire/issues/7",
    });
    // no labels or assignees given, and a link that is not GitHub's: the issue's own address stands in
    const { labels: _labels, assignees: _assignees, ...bare } = item;
    expect(parseRestIssue({ ...bare, html_url: "https://evil.example/spire/pull/7", pull_request: { merged_at: null } }, REPO)).toMatchObject({
      labels: [],
      assignees: [],
      kind: "pull",
      state: "open",
      mergedAt: null,
      url: `https://github.com/${REPO}/pull/7`,
    });
    expect(parseRestIssue({ ...bare, html_url: "https://evil.example/x", assignees: null }, REPO)).toMatchObject({
      kind: "issue",
      assignees: [],
      url: `https://github.com/${REPO}/issues/7`,
    });
    expect(parseRestIssue({ ...item, state: "merged" }, REPO)).toBeNull();
    expect(parseRestIssue({ message: "Not Found" }, REPO)).toBeNull();
  });
});

const RATE_LIMITED = {
  message: "API rate limit exceeded for installation ID 42. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  status: "403",
};
