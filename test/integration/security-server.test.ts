// CSRF, headers and logging through the real production server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { fingerprint } from "../support/fingerprint";
import { startServer, type RunningServer } from "../support/server";

const PASSWORD = "admin passphrase for the csrf suite";
let server: RunningServer;
let cookie = "";

beforeAll(async () => {
  server = await startServer();
  const made = runCli("db/cli/user-add.ts", ["root-admin", "--role", "admin"], {
    DATABASE_PATH: server.databasePath,
    CLUBZERO_PASSWORD: PASSWORD,
  });
  expect(made.code, made.stderr).toBe(0);
  expect(made.stdout).toContain("Created @root-admin with roles: contributor, admin.");
  const res = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "root-admin", password: PASSWORD }),
  });
  expect(res.status).toBe(302);
  const setCookie = res.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/^__Host-session=/);
  for (const attr of ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"]) expect(setCookie).toContain(attr);
  expect(setCookie).not.toMatch(/Domain=/i);
  cookie = setCookie.split(";")[0]!;
});
afterAll(() => server?.stop());

const ACTIONS: [string, Record<string, string>][] = [
  ["/login", { username: "root-admin", password: PASSWORD }],
  ["/join", { username: "mallory", displayName: "M", email: "m@example.org", password: "mallory passphrase" }],
  ["/logout", {}],
  ["/settings", { intent: "profile", displayName: "Hijacked", email: "evil@example.org", githubLogin: "" }],
  ["/admin/users", { intent: "grant", userId: "1", role: "ssc" }],
  ["/auth/github", {}],
  ["/bounties/1", { intent: "claim" }],
  ["/targets/kafka/bounties/new", { title: "Forged bounty", description: "Created by a cross-site form post.", kind: "code" }],
];

const BAD: [string, Record<string, string>][] = [
  ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
  ["Sec-Fetch-Site: same-site", { "Sec-Fetch-Site": "same-site" }],
  ["Origin: https://evil.example", { Origin: "https://evil.example" }],
  ["no Origin and no Sec-Fetch-Site", {}],
];

describe("cross-site requests to the real server", () => {
  it.each(ACTIONS)("POST %s from another site gets 403 and changes nothing", async (pathname, fields) => {
    const before = fingerprint(server.databasePath);
    for (const [name, headers] of BAD) {
      const res = await fetch(`${server.url}${pathname}`, {
        method: "POST",
        redirect: "manual",
        headers: { ...headers, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
      expect(res.status, name).toBe(403);
      expect(await res.text(), name).toMatch(/refused/);
      expect(res.headers.get("vary"), name).toMatch(/Sec-Fetch-Site/);
    }
    expect(fingerprint(server.databasePath)).toEqual(before);
    // the admin is still signed in: no forged logout went through
    expect((await fetch(`${server.url}/settings`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
  });

  it("a form body over 1 MiB is refused with 413 before anything reads it", async () => {
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: `username=x&password=${"a".repeat(2 * 1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
  });

  it("a same-origin POST goes through", async () => {
    const res = await fetch(`${server.url}/settings`, {
      method: "POST",
      headers: { "Sec-Fetch-Site": "same-origin", Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "profile", displayName: "Root Admin", email: "root@example.org", githubLogin: "" }),
    });
    expect(res.status).toBe(200);
  });

  it("crawling every page as an admin changes nothing", async () => {
    const before = fingerprint(server.databasePath, ["login_failures", "sessions"]);
    for (const p of [
      "/",
      "/targets",
      "/targets/envoy",
      "/personas",
      "/personas/developer",
      "/settings",
      "/admin/users",
      "/login",
      "/join",
      "/logout",
      "/auth/github",
      "/healthz",
      "/bounties",
      "/bounties/1",
      "/bounties/proposals",
      "/bounties.atom",
      "/me",
      "/appreciation",
      "/api/bounties",
      "/api/targets",
      "/targets/kafka/bounties/new",
    ]) {
      const res = await fetch(`${server.url}${p}`, { headers: { Cookie: cookie }, redirect: "manual" });
      expect(res.status, p).toBeLessThan(500);
    }
    expect(fingerprint(server.databasePath, ["login_failures", "sessions"])).toEqual(before);
  });
});

describe("security headers and logs", () => {
  it("every kind of response carries the security headers", async () => {
    for (const p of ["/", "/healthz", "/favicon.svg", "/targets/nope", "/settings", "/admin/users"]) {
      const res = await fetch(`${server.url}${p}`, { headers: { Cookie: cookie }, redirect: "manual" });
      expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
      const csp = res.headers.get("content-security-policy") ?? "";
      for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp, p).toContain(directive);
      expect(res.headers.get("referrer-policy"), p).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("strict-transport-security"), p).toMatch(/max-age=31536000/);
    }
  });

  it("logs sign-ins and refusals with UTC times, and never a password or cookie", async () => {
    await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "root-admin", password: "definitely-wrong-secret" }),
    });
    const log = server.output();
    expect(log).toMatch(/"event":"login\.succeeded","username":"root-admin"/);
    expect(log).toMatch(/"event":"login\.failed","username":"root-admin"/);
    expect(log).toMatch(/"event":"csrf\.refused"/);
    expect(log).toMatch(/"at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
    for (const secret of [PASSWORD, "definitely-wrong-secret", "mallory passphrase", cookie.split("=")[1]!]) {
      expect(log).not.toContain(secret);
    }
  });
});
