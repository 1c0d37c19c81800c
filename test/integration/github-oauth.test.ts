// "Sign in with GitHub" end to end: the built production server talks to a local fake of
// github.com + api.github.com (test/support/fake-github.ts). The browser is played by
// fetch with redirect: "manual", carrying cookies by hand.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { startServer, type RunningServer } from "../support/server";

const CLIENT_ID = "test-client";
const CLIENT_SECRET = crypto.randomBytes(20).toString("hex");
const SESSION_COOKIE = "__Host-session";
const STATE_COOKIE = "github_oauth_state";

const OCTOCAT = { id: 583231, login: "octocat", name: "The Octocat", email: "octocat@github.com" };
const HUBOT = { id: 480938, login: "hubot", name: null, email: null };

/** name → value of every Set-Cookie on a response (a cleared cookie has value ""). */
function setCookies(res: Response): Map<string, { value: string; raw: string }> {
  const out = new Map<string, { value: string; raw: string }>();
  for (const raw of res.headers.getSetCookie()) {
    const pair = raw.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    out.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1).trim(), raw });
  }
  return out;
}

const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

function get(url: string, cookies: Record<string, string> = {}) {
  return fetch(url, { redirect: "manual", headers: cookies && Object.keys(cookies).length ? { Cookie: cookieHeader(cookies) } : {} });
}

describe("Sign in with GitHub", () => {
  let fake: FakeGithub;
  let server: RunningServer;
  let plain: RunningServer;

  beforeAll(async () => {
    fake = await startFakeGithub({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, user: OCTOCAT });
    // startServer sets APP_ORIGIN to the very URL it listens on (http://127.0.0.1:<port>)
    // unless we override it, so it is not passed here (the redirect_uri checks below prove it).
    [server, plain] = await Promise.all([
      startServer({
        GITHUB_CLIENT_ID: CLIENT_ID,
        GITHUB_CLIENT_SECRET: CLIENT_SECRET,
        GITHUB_OAUTH_URL: fake.url,
        GITHUB_API_URL: fake.url,
      }),
      // empty means "not set" to the app, whatever the surrounding shell exports
      startServer({ GITHUB_CLIENT_ID: "", GITHUB_CLIENT_SECRET: "" }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), plain?.stop(), fake?.stop()]);
  });

  /** POST /auth/github as the login page's button would. */
  async function startSignIn(cookies: Record<string, string> = {}) {
    const res = await fetch(`${server.url}/auth/github`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.url, ...(Object.keys(cookies).length ? { Cookie: cookieHeader(cookies) } : {}) },
    });
    expect(res.status, await res.clone().text()).toBe(302);
    const authorize = new URL(res.headers.get("location") ?? "");
    const state = setCookies(res).get(STATE_COOKIE);
    expect(state, "state cookie").toBeDefined();
    return { res, authorize, stateCookie: state!.value, stateCookieRaw: state!.raw };
  }

  /** Lets the fake GitHub "approve" the authorization; returns the callback URL it sends the browser to. */
  async function approve(authorize: URL) {
    const res = await get(authorize.href);
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location") ?? "");
  }

  /** The whole dance; returns the session cookie value. */
  async function signIn() {
    const { authorize, stateCookie } = await startSignIn();
    const callback = await approve(authorize);
    const res = await get(callback.href, { [STATE_COOKIE]: stateCookie });
    expect(res.status, server.output()).toBe(302);
    const session = setCookies(res).get(SESSION_COOKIE);
    expect(session?.value, `no ${SESSION_COOKIE} cookie:\n${server.output()}`).toBeTruthy();
    return { res, session: session!.value };
  }

  async function settingsPage(session: string) {
    const res = await get(`${server.url}/settings`, { [SESSION_COOKIE]: session });
    expect(res.status).toBe(200);
    return res.text();
  }

  it("the login page offers GitHub only when it is configured", async () => {
    const withGithub = await get(`${server.url}/login`);
    expect(withGithub.status).toBe(200);
    const html = await withGithub.text();
    expect(html).toContain("Sign in with GitHub");
    expect(html).toMatch(/<form[^>]*action="\/auth\/github"/);

    const without = await get(`${plain.url}/login`);
    expect(without.status).toBe(200);
    const plainHtml = await without.text();
    expect(plainHtml).toContain("Sign in");
    expect(plainHtml).not.toContain("Sign in with GitHub");
    expect(plainHtml).not.toContain("/auth/github");
    // and the endpoints themselves are off
    const post = await fetch(`${plain.url}/auth/github`, { method: "POST", redirect: "manual", headers: { Origin: plain.url } });
    expect(post.status).toBe(404);
  });

  it("refuses to start a sign-in from another site", async () => {
    const res = await fetch(`${server.url}/auth/github`, { method: "POST", redirect: "manual", headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(setCookies(res).has(STATE_COOKIE)).toBe(false);
  });

  it("signs a new GitHub user up and in, with a verified GitHub login", async () => {
    fake.setUser(OCTOCAT);
    const { authorize, stateCookie, stateCookieRaw } = await startSignIn();

    // The redirect goes to the fake's authorize page with GitHub's parameters.
    expect(authorize.origin).toBe(fake.url);
    expect(authorize.pathname).toBe("/login/oauth/authorize");
    expect(authorize.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${server.url}/auth/github/callback`);
    expect(authorize.searchParams.get("scope")).toBe("read:user");
    expect(authorize.searchParams.get("state")).toBe(stateCookie);
    expect(stateCookie.length).toBeGreaterThanOrEqual(20);
    expect(stateCookieRaw).toMatch(/HttpOnly/i);
    expect(stateCookieRaw).toMatch(/SameSite=Lax/i);
    expect(stateCookieRaw).toMatch(/Path=\/auth\/github/);

    const callback = await approve(authorize);
    expect(callback.origin + callback.pathname).toBe(`${server.url}/auth/github/callback`);
    expect(callback.searchParams.get("state")).toBe(stateCookie);
    const code = callback.searchParams.get("code");
    expect(code).toBeTruthy();

    const res = await get(callback.href, { [STATE_COOKIE]: stateCookie });
    expect(res.status, server.output()).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookies = setCookies(res);
    expect(cookies.get(STATE_COOKIE)?.value, "state cookie is cleared").toBe("");
    const session = cookies.get(SESSION_COOKIE);
    expect(session?.value).toBeTruthy();
    expect(session!.raw).toMatch(/HttpOnly/i);
    expect(session!.raw).toMatch(/Secure/i);

    const html = await settingsPage(session!.value);
    expect(html).toMatch(/Signed in as <strong>@(<!-- -->)?octocat<\/strong>/);
    expect(html).toMatch(/name="githubLogin"[^>]*value="octocat"|value="octocat"[^>]*name="githubLogin"/);
    expect(html).toContain("verified by GitHub sign-in");
    expect(html).not.toContain("Verify with GitHub");
    expect(html).toContain("The Octocat"); // display name from GitHub's `name`

    // The code was exchanged exactly once, then the token used against /user.
    const exchanges = fake.requests.filter((r) => r.path === "/login/oauth/access_token" && new URLSearchParams(r.body).get("code") === code);
    expect(exchanges).toHaveLength(1);
  });

  it("sent the configured client id and secret with HTTP Basic auth on the token exchange", async () => {
    const exchanges = fake.requests.filter((r) => r.method === "POST" && r.path === "/login/oauth/access_token");
    expect(exchanges.length).toBeGreaterThan(0);
    const ex = exchanges[0]!;
    const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
    expect(ex.headers.authorization).toBe(expected);
    expect(String(ex.headers["content-type"])).toContain("application/x-www-form-urlencoded");
    expect(String(ex.headers.accept)).toContain("json");
    const form = new URLSearchParams(ex.body);
    expect(form.get("grant_type")).toBe("authorization_code");
    expect(form.get("redirect_uri")).toBe(`${server.url}/auth/github/callback`);
    // the secret never travels in the body or a URL
    expect(ex.body).not.toContain(CLIENT_SECRET);
    for (const r of fake.requests) expect(r.path).not.toContain(CLIENT_SECRET);

    const userCalls = fake.requests.filter((r) => r.method === "GET" && r.path === "/user");
    expect(userCalls.length).toBeGreaterThan(0);
    expect(userCalls[0]!.headers.authorization).toMatch(/^Bearer gho_/);
  });

  it("signing in again with the same GitHub account reuses the same Club Zero account", async () => {
    // a different GitHub account gets its own, separate user
    fake.setUser(HUBOT);
    const hubot = await signIn();
    expect(await settingsPage(hubot.session)).toMatch(/Signed in as <strong>@(<!-- -->)?hubot<\/strong>/);

    fake.setUser(OCTOCAT);
    const again = await signIn();
    expect(again.res.headers.get("location")).toBe("/");
    const html = await settingsPage(again.session);
    // not "@octocat-1": no second user was created for the same GitHub id
    expect(html).toMatch(/Signed in as <strong>@(<!-- -->)?octocat<\/strong>/);
    expect(html).toContain("verified by GitHub sign-in");
  });

  it("a disabled account cannot sign in with GitHub: no session, and no new account for the same GitHub id", async () => {
    fake.setUser(HUBOT);
    await signIn();
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(server.databasePath);
    raw.prepare("update users set disabled_at = ? where github_id = ?").run(Date.now(), HUBOT.id);
    const users = () => raw.prepare("select count(*) as n from users").pluck().get();
    const before = users();
    try {
      const { authorize, stateCookie } = await startSignIn();
      const res = await get((await approve(authorize)).href, { [STATE_COOKIE]: stateCookie });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/login?github=disabled");
      expect(setCookies(res).get(SESSION_COOKIE)).toBeUndefined();
      expect(users()).toBe(before);
    } finally {
      raw.prepare("update users set disabled_at = null where github_id = ?").run(HUBOT.id);
      raw.close();
      fake.setUser(OCTOCAT);
    }
  });

  it("rejects a callback whose state does not match the cookie", async () => {
    fake.setUser(OCTOCAT);
    const { authorize, stateCookie } = await startSignIn();
    const callback = await approve(authorize);
    const code = callback.searchParams.get("code")!;
    const before = fake.requests.length;

    // the state in the URL is not the one this browser's cookie remembers
    const forged = new URL(callback);
    forged.searchParams.set("state", "not-the-state");
    const mismatch = await get(forged.href, { [STATE_COOKIE]: stateCookie });
    expect(mismatch.status).toBe(302);
    expect(mismatch.headers.get("location")).toBe("/login?github=failed");
    expect(setCookies(mismatch).get(SESSION_COOKIE)?.value ?? "").toBe("");

    // nor without any state cookie at all (e.g. a link someone else started)
    const noCookie = await get(callback.href);
    expect(noCookie.status).toBe(302);
    expect(noCookie.headers.get("location")).toBe("/login?github=failed");
    expect(setCookies(noCookie).get(SESSION_COOKIE)?.value ?? "").toBe("");

    // the code was never even sent to GitHub
    expect(fake.requests.slice(before).some((r) => r.body.includes(code))).toBe(false);

    const page = await (await get(`${server.url}/login?github=failed`)).text();
    expect(page).toContain("GitHub sign-in did not complete");
  });

  it("rejects a code GitHub does not accept", async () => {
    fake.setUser(OCTOCAT);
    const { stateCookie } = await startSignIn();
    const before = fake.requests.length;
    const callback = new URL(`${server.url}/auth/github/callback`);
    callback.searchParams.set("code", "0123456789abcdef0123");
    callback.searchParams.set("state", stateCookie);
    const res = await get(callback.href, { [STATE_COOKIE]: stateCookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?github=failed");
    expect(setCookies(res).get(SESSION_COOKIE)?.value ?? "").toBe("");
    // it did ask GitHub, got bad_verification_code, and stopped there
    const after = fake.requests.slice(before);
    expect(after.filter((r) => r.path === "/login/oauth/access_token")).toHaveLength(1);
    expect(after.filter((r) => r.path === "/user")).toHaveLength(0);
  });

  it("rejects a code that was already used", async () => {
    fake.setUser(OCTOCAT);
    const { authorize, stateCookie } = await startSignIn();
    const callback = await approve(authorize);
    const first = await get(callback.href, { [STATE_COOKIE]: stateCookie });
    expect(setCookies(first).get(SESSION_COOKIE)?.value).toBeTruthy();
    const replay = await get(callback.href, { [STATE_COOKIE]: stateCookie });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toBe("/login?github=failed");
    expect(setCookies(replay).get(SESSION_COOKIE)?.value ?? "").toBe("");
  });
});
