// Who Club Zero is when it calls GitHub (app/github/auth.server.ts), in this process, against
// the fake GitHub's app endpoints (RS256 JWTs checked as GitHub checks them): a personal token,
// or the app's installation tokens, which installation, how long each answer is kept, and the
// sentences an admin sees when it goes wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubAuth, GithubAuthError } from "~/app/github/auth.server";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";

const TOKEN = "ghp_authTestToken00000000000000000000000";
const OWN = "spiffe/spire";
const BASE = { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "club-zero" };
const HOUR = 3_600_000;

let fake: FakeGithub;
beforeAll(async () => {
  fake = await startFakeGithub({
    tokens: [TOKEN],
    app: {
      appId: 77001,
      installations: [
        { id: 601, account: "spiffe", repos: [OWN] },
        { id: 602, account: "cncf", repos: [] },
      ],
    },
  });
});
afterAll(() => fake.stop());

const app = (extra: Partial<Parameters<typeof createGithubAuth>[0]> = {}) =>
  createGithubAuth({ apiUrl: fake.url, app: { appId: fake.app!.appId, privateKey: fake.app!.privateKey }, ...extra });
const appCalls = (from: number, path: string) => fake.requests.slice(from).filter((r) => r.path === path);
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe("a personal token", () => {
  it("is sent as a bearer token with GitHub's API version, on one budget", async () => {
    const auth = createGithubAuth({ apiUrl: fake.url, token: TOKEN });
    expect(auth.mode).toBe("token");
    expect(await auth.credentials(OWN)).toEqual({ headers: { ...BASE, Authorization: `Bearer ${TOKEN}` }, budget: "token" });
    expect(await auth.credentials()).toEqual({ headers: { ...BASE, Authorization: `Bearer ${TOKEN}` }, budget: "token" });
  });

  it("none, or an empty one, means Club Zero does not call GitHub", async () => {
    for (const token of [undefined, null, ""]) {
      const auth = createGithubAuth({ apiUrl: fake.url, token });
      expect(auth.mode).toBeNull();
      expect(await auth.credentials(OWN)).toBeNull();
    }
  });
});

describe("the GitHub App", () => {
  it("asks once which installation a repository has, and again only after the time it is remembered", async () => {
    let now = Date.now();
    const auth = app({ clock: () => now, installationTtlMs: 10 * 60_000 });
    expect(auth.mode).toBe("app");
    const from = fake.requests.length;
    const first = await auth.credentials(OWN);
    expect(first?.budget).toBe("installation:601");
    expect(first?.headers).toMatchObject({ ...BASE, Authorization: expect.stringMatching(/^Bearer ghs_/) });
    // the same repository, spelled otherwise, a minute later
    now += 60_000;
    expect((await auth.credentials("SPIFFE/Spire"))?.budget).toBe("installation:601");
    expect(appCalls(from, `/repos/${OWN}/installation`)).toHaveLength(1);
    expect(appCalls(from, "/repos/SPIFFE/Spire/installation")).toHaveLength(0);
    // remembered for exactly its time, not a moment more
    now += 9 * 60_000;
    await auth.credentials(OWN);
    expect(appCalls(from, `/repos/${OWN}/installation`)).toHaveLength(2);
  });

  it("a repository on another installation gets that one, whatever GitHub lists first", async () => {
    fake.app!.installations[1]!.repos = ["cncf/spiffe-demo"];
    try {
      const auth = app();
      expect((await auth.credentials("cncf/spiffe-demo"))?.budget).toBe("installation:602");
      expect((await auth.credentials(OWN))?.budget).toBe("installation:601");
    } finally {
      fake.app!.installations[1]!.repos = [];
    }
  });

  it("GitHub's address may end in a slash; the app's requests say who is asking", async () => {
    const from = fake.requests.length;
    expect((await app({ apiUrl: `${fake.url}/` }).credentials(OWN))?.budget).toBe("installation:601");
    const tokenRequest = fake.requests.slice(from).find((r) => r.path === "/app/installations/601/access_tokens")!;
    expect(tokenRequest).toMatchObject({ method: "POST", status: 201 });
    expect(tokenRequest.headers["user-agent"]).toMatch(/^club-zero/);
  });

  it("a repository the app is not on is read through an active installation; a suspended one is skipped", async () => {
    const auth = app();
    // GitHub lists installations oldest first: the first is suspended
    fake.answerNext({
      path: "/app/installations",
      status: 200,
      body: [
        { id: 601, account: { login: "spiffe" }, suspended_at: "2026-11-01T00:00:00Z", suspended_by: { login: "octocat" } },
        { id: 602, account: { login: "cncf" }, suspended_at: null },
      ],
    });
    expect((await auth.credentials("kubernetes/kubernetes"))?.budget).toBe("installation:602");
    // with no repository in particular: the same choice, remembered
    const from = fake.requests.length;
    expect((await auth.credentials())?.budget).toBe("installation:602");
    expect(appCalls(from, "/app/installations")).toHaveLength(0);
  });

  it("with every installation suspended it falls back to the personal token, or to nothing", async () => {
    const everySuspended = {
      path: "/app/installations",
      status: 200,
      body: [{ id: 601, account: { login: "spiffe" }, suspended_at: "2026-11-01T00:00:00Z" }],
    };
    fake.answerNext(everySuspended);
    const withToken = app({ token: TOKEN });
    expect(await withToken.credentials("kubernetes/kubernetes")).toEqual({ headers: { ...BASE, Authorization: `Bearer ${TOKEN}` }, budget: "token" });
    fake.answerNext(everySuspended);
    expect(await app().credentials("kubernetes/kubernetes")).toBeNull();
  });

  it("an installation token is reused until shortly before it expires, and never sent after", async () => {
    // the fake's tokens last an hour: kept until a minute before
    let now = Date.now();
    const auth = app({ clock: () => now, installationTtlMs: 10 * HOUR });
    const before = fake.issuedTokens.length;
    const first = await auth.credentials(OWN);
    now += HOUR - 61_000;
    expect(await auth.credentials(OWN)).toEqual(first);
    expect(fake.issuedTokens.length).toBe(before + 1);
    // a minute before GitHub's expires_at, to the millisecond, it is no longer used
    now = Date.parse(fake.issuedTokens.at(-1)!.expiresAt) - 60_000;
    const renewed = await auth.credentials(OWN);
    expect(fake.issuedTokens.length).toBe(before + 2);
    expect(renewed?.headers.Authorization).not.toBe(first?.headers.Authorization);
  });

  it("a short-lived token is kept for nine tenths of its life", async () => {
    const lifetime = fake.app!.tokenLifetimeMs;
    fake.app!.tokenLifetimeMs = 100_000;
    try {
      let now = Date.now();
      const auth = app({ clock: () => now, installationTtlMs: 10 * HOUR });
      const before = fake.issuedTokens.length;
      await auth.credentials(OWN);
      now += 88_000;
      await auth.credentials(OWN);
      expect(fake.issuedTokens.length).toBe(before + 1);
      now += 4_000;
      await auth.credentials(OWN);
      expect(fake.issuedTokens.length).toBe(before + 2);
    } finally {
      fake.app!.tokenLifetimeMs = lifetime;
    }
  });
});

describe("when the app cannot authenticate", () => {
  it("a key that cannot sign anything names the variable to check", async () => {
    const auth = createGithubAuth({
      apiUrl: fake.url,
      app: { appId: 77001, privateKey: "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----" },
    });
    const error = await caught(auth.credentials(OWN));
    expect(error).toBeInstanceOf(GithubAuthError);
    expect((error as Error).message).toBe("The GitHub App's private key could not sign a token: check GITHUB_APP_PRIVATE_KEY.");
  });

  it("GitHub's errors while finding the installation are told in Club Zero's words", async () => {
    fake.answerNext({ path: `/repos/${OWN}/installation`, status: 500, body: { message: "Server Error" } });
    const onRepo = await caught(app().credentials(OWN));
    expect(onRepo).toBeInstanceOf(GithubAuthError);
    expect((onRepo as Error).message).toBe(`GitHub answered 500 when asked for the app's installation on ${OWN}.`);
    fake.answerNext({ path: "/app/installations", status: 502, body: "<html>Unicorn!</html>" });
    const any = await caught(app().credentials("kubernetes/kubernetes"));
    expect(any).toBeInstanceOf(GithubAuthError);
    expect((any as Error).message).toBe("GitHub answered 502 when asked for the app's installations.");
  });

  it("with no repository in particular, a refused installation token is said so too", async () => {
    fake.answerNext({ path: "/app/installations/601/access_tokens", status: 404, body: { message: "Not Found", status: "404" } });
    const error = await caught(app().credentials());
    expect(error).toBeInstanceOf(GithubAuthError);
    expect((error as Error).message).toBe("GitHub did not give the app a token for installation 601.");
  });

  it("an installation GitHub gives no token for is said so, and looked up afresh next time", async () => {
    const auth = app({ installationTtlMs: 10 * HOUR });
    fake.answerNext({ path: "/app/installations/601/access_tokens", status: 404, body: { message: "Not Found", status: "404" } });
    const error = await caught(auth.credentials(OWN));
    expect(error).toBeInstanceOf(GithubAuthError);
    expect((error as Error).message).toBe("GitHub did not give the app a token for installation 601.");
    const from = fake.requests.length;
    expect((await auth.credentials(OWN))?.budget).toBe("installation:601");
    expect(appCalls(from, `/repos/${OWN}/installation`)).toHaveLength(1);
  });
});
