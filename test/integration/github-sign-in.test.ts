// "Sign in with GitHub" in process: the real route modules (auth.github, auth.github.callback)
// and app/auth/github.server.ts, called with real Requests, talking over HTTP to a local
// stand-in for github.com and api.github.com (test/support/fake-github.ts). The built-server
// version of this flow is github-oauth.test.ts; this one runs against the code Stryker mutates.
//
// app/env.server.ts reads process.env once, when first imported, so the fake is started and
// the variables set before any app module is imported (dynamically, below). NODE_ENV is
// production here, as on the real site: the session cookie is __Host-session and Secure.
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { startFakeGithub } from "../support/fake-github";
import { BASE, call } from "../support/remix";

const OCTOCAT = { id: 583231, login: "octocat", name: "The Octocat", email: "octocat@github.com" };
const HUBOT = { id: 480938, login: "hubot", name: null, email: null };

const fake = await startFakeGithub({ user: OCTOCAT });
const settings = {
  GITHUB_CLIENT_ID: fake.clientId,
  GITHUB_CLIENT_SECRET: fake.clientSecret,
  GITHUB_OAUTH_URL: fake.url,
  GITHUB_API_URL: fake.url,
  NODE_ENV: "production",
};
const previous = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
Object.assign(process.env, settings);

const { action: startAction } = await import("~/app/routes/auth.github");
const { loader: callbackLoader } = await import("~/app/routes/auth.github.callback");
const { finishGithubSignIn } = await import("~/app/auth/github.server");
const { getUser } = await import("~/app/auth/session.server");
const { db } = await import("~/app/db.server");
// Read once above; put back so that later test files sharing this worker start from the usual env.
for (const [k, v] of Object.entries(previous)) {
  if (v === undefined) delete process.env[k];
  else process.env[k] = v;
}

afterAll(() => fake.stop());
afterEach(() => {
  vi.restoreAllMocks();
  fake.exhaustRateLimit(false);
  fake.setUser(OCTOCAT);
});

const STATE_COOKIE = "github_oauth_state";
const SESSION_COOKIE = "__Host-session";

/** name → { value, raw } of every Set-Cookie on a response. */
function setCookies(res: Response) {
  const out = new Map<string, { value: string; raw: string }>();
  for (const raw of res.headers.getSetCookie()) {
    const pair = raw.split(";")[0] ?? "";
    out.set(pair.slice(0, pair.indexOf("=")), { value: pair.slice(pair.indexOf("=") + 1), raw });
  }
  return out;
}

/** The login page's "Sign in with GitHub" button: a same-origin POST. */
async function start() {
  const res = await call(startAction, "/auth/github", {}, { method: "POST", headers: { Origin: BASE } });
  expect(res.status).toBe(302);
  const state = setCookies(res).get(STATE_COOKIE);
  expect(state, "state cookie").toBeDefined();
  return { authorize: new URL(res.headers.get("location") ?? ""), state: state!.value, stateRaw: state!.raw };
}

/** The person approves on (fake) GitHub, which sends the browser back to our callback. */
async function approve(authorize: URL): Promise<URL> {
  const res = await fetch(authorize, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

async function callback(url: URL, state: string) {
  return call(callbackLoader, `${url.pathname}${url.search}`, {}, { headers: { Cookie: `${STATE_COOKIE}=${state}` } });
}

/** The errors the callback wrote to the server log (console.error), as messages. */
function captureErrors() {
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  return () => spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" "));
}

const usersWithGithubId = (id: number) => db.$client.prepare("select count(*) from users where github_id = ?").pluck().get(id) as number;

describe("starting a GitHub sign-in", () => {
  it("sends the browser to GitHub's authorize page with our client id, our callback, the read:user scope and a fresh state", async () => {
    const { authorize, state, stateRaw } = await start();
    expect(authorize.origin).toBe(fake.url);
    expect(authorize.pathname).toBe("/login/oauth/authorize");
    expect(authorize.searchParams.get("client_id")).toBe(fake.clientId);
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${BASE}/auth/github/callback`);
    expect(authorize.searchParams.get("scope")).toBe("read:user");
    expect(authorize.searchParams.get("state")).toBe(state);
    expect(state.length).toBeGreaterThanOrEqual(20);
    expect(stateRaw).toBe(`${STATE_COOKIE}=${state}; Path=/auth/github; HttpOnly; SameSite=Lax; Max-Age=600; Secure`);
    expect((await start()).state).not.toBe(state);
  });
});

describe("coming back from GitHub", () => {
  it("a new GitHub user is signed up and signed in with a Secure __Host- session, named as on GitHub", async () => {
    const { authorize, state } = await start();
    const res = await callback(await approve(authorize), state);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookies = setCookies(res);
    expect(cookies.get(STATE_COOKIE)?.value).toBe("");
    const session = cookies.get(SESSION_COOKIE);
    expect(session?.value).toBeTruthy();
    expect(session!.raw).toMatch(/; Secure/);
    expect(session!.raw).toMatch(/; HttpOnly/);
    expect(session!.raw).toMatch(/; Path=\//);

    const user = await getUser(new Request(`${BASE}/`, { headers: { Cookie: `${SESSION_COOKIE}=${session!.value}` } }));
    expect(user).toMatchObject({ username: "octocat", displayName: "The Octocat" });
    expect(usersWithGithubId(OCTOCAT.id)).toBe(1);
  });

  it("asks api.github.com who signed in with the token and the headers GitHub's REST API expects", async () => {
    fake.setUser(HUBOT);
    const before = fake.requests.length;
    const { authorize, state } = await start();
    expect((await callback(await approve(authorize), state)).headers.get("location")).toBe("/");
    const calls = fake.requests.slice(before);
    const exchange = calls.filter((r) => r.method === "POST" && r.path === "/login/oauth/access_token");
    expect(exchange).toHaveLength(1);
    expect(new URLSearchParams(exchange[0]!.body).get("redirect_uri")).toBe(`${BASE}/auth/github/callback`);
    const userCalls = calls.filter((r) => r.method === "GET" && r.path === "/user");
    expect(userCalls).toHaveLength(1);
    const headers = userCalls[0]!.headers;
    expect(headers.authorization).toMatch(/^Bearer gho_\w+$/);
    expect(headers.accept).toBe("application/vnd.github+json");
    expect(headers["x-github-api-version"]).toBe("2022-11-28");
    expect(headers["user-agent"]).toBe("club-zero");
    expect(usersWithGithubId(HUBOT.id)).toBe(1);
  });

  it("a code GitHub refuses ends at /login?github=failed, with GitHub's reason and description in the server log", async () => {
    const errors = captureErrors();
    const { state } = await start();
    const before = fake.requests.length;
    const forged = new URL(`${BASE}/auth/github/callback?code=0123456789abcdef0123&state=${state}`);
    const res = await callback(forged, state);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?github=failed");
    expect(setCookies(res).has(SESSION_COOKIE)).toBe(false);
    expect(errors()).toEqual(["GitHub sign-in failed GitHub refused the sign-in: bad_verification_code (The code passed is incorrect or expired.)"]);
    expect(fake.requests.slice(before).filter((r) => r.path === "/user")).toEqual([]);
  });

  it("exchanging a code names GitHub's refusal, so an operator can tell a bad code from bad credentials", async () => {
    await expect(finishGithubSignIn("not-a-code-github-issued")).rejects.toThrow(
      new Error("GitHub refused the sign-in: bad_verification_code (The code passed is incorrect or expired.)"),
    );
  });

  it("when api.github.com refuses to say who signed in (rate limit), sign-in fails and no account is made", async () => {
    const errors = captureErrors();
    const newcomer = { id: 9_000_001, login: "ratelimited", name: null, email: null };
    fake.setUser(newcomer);
    fake.exhaustRateLimit(true);
    const { authorize, state } = await start();
    const res = await callback(await approve(authorize), state);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?github=failed");
    expect(setCookies(res).has(SESSION_COOKIE)).toBe(false);
    expect(errors()).toEqual(["GitHub sign-in failed GitHub /user answered 403"]);
    expect(usersWithGithubId(newcomer.id)).toBe(0);
  });
});
