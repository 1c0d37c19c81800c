// Sign-in's return path, throttling and client address through the real production server
// (build first: npx remix build). Every request here is a plain form post or page load, the
// way a browser without JavaScript sends it; one also asks the way Remix's client does.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS_LIMIT } from "~/app/models/login-throttle.server";
import { runCli } from "../support/cli";
import { startServer, type RunningServer } from "../support/server";

const PASSWORD = "a passphrase for the sign-in server suite";

/** A fresh server per describe block: throttling state never leaks between them. */
function useServer(env: Record<string, string> = {}) {
  const ctx = {} as { server: RunningServer };
  beforeAll(async () => {
    ctx.server = await startServer(env);
  });
  afterAll(() => ctx.server?.stop());
  return ctx;
}

function addUser(server: RunningServer, username: string) {
  const made = runCli("db/cli/user-add.ts", [username], { DATABASE_PATH: server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
  expect(made.code, made.stderr).toBe(0);
}

function postForm(server: RunningServer, pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${pathname}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
  });
}

async function signInCookie(server: RunningServer, username: string): Promise<string> {
  const res = await postForm(server, "/login", { username, password: PASSWORD });
  expect(res.status).toBe(302);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

function passwordHashIn(databasePath: string, username: string): string {
  const db = new Database(databasePath, { readonly: true });
  try {
    return (db.prepare("select password_hash as h from users where username = ?").get(username) as { h: string }).h;
  } finally {
    db.close();
  }
}

describe("the return path after sign-in, through the real server", () => {
  const ctx = useServer();
  beforeAll(() => addUser(ctx.server, "returner"));

  /** Where a browser on the sign-in page lands when it follows the answer's Location. */
  const landing = (res: Response) => new URL(res.headers.get("location")!, `${ctx.server.url}/login`);

  it.each(["/.//evil.example", "/..//evil.example", "/%2e//evil.example", "/%2e%2e//evil.example", "////evil.example", "/\\evil.example"])(
    "signing in with redirectTo=%s stays on APP_ORIGIN",
    async (redirectTo) => {
      const res = await postForm(ctx.server, "/login", { username: "returner", password: PASSWORD, redirectTo });
      expect(res.status).toBe(302);
      expect(landing(res).origin).toBe(ctx.server.url);
      expect(res.headers.get("location")).toBe("/");
    },
  );

  it("opening /login?redirectTo=/.//evil.example while signed in stays on APP_ORIGIN", async () => {
    const cookie = await signInCookie(ctx.server, "returner");
    const res = await fetch(`${ctx.server.url}/login?redirectTo=${encodeURIComponent("/.//evil.example")}`, {
      redirect: "manual",
      headers: { Cookie: cookie },
    });
    expect(res.status).toBe(302);
    expect(landing(res).origin).toBe(ctx.server.url);
    expect(res.headers.get("location")).toBe("/");
  });

  it("a sign-in sent by Remix's client with redirectTo=/.//evil.example is told to go home", async () => {
    const res = await postForm(ctx.server, "/login?_data=routes%2Flogin", { username: "returner", password: PASSWORD, redirectTo: "/.//evil.example" });
    expect(res.status).toBe(204);
    expect(res.headers.get("x-remix-redirect")).toBe("/");
  });

  it("a path on this site is where the browser goes after sign-in", async () => {
    const res = await postForm(ctx.server, "/login", { username: "returner", password: PASSWORD, redirectTo: "/bounties?status=open" });
    expect(res.headers.get("location")).toBe("/bounties?status=open");
  });
});

describe("throttled answers without JavaScript, through the real server", () => {
  const ctx = useServer();
  beforeAll(() => {
    addUser(ctx.server, "locked-out");
    addUser(ctx.server, "settings-guess");
  });

  it("a throttled sign-in posted as a plain form gets 429 with Retry-After and the message on the page", async () => {
    for (let i = 0; i < 10; i++) expect((await postForm(ctx.server, "/login", { username: "locked-out", password: `wrong ${i}` })).status).toBe(401);
    const res = await postForm(ctx.server, "/login", { username: "locked-out", password: PASSWORD });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/Too many failed sign-ins\. Wait \d+ minutes? and try again\./);
  });

  it("a throttled password change posted as a plain form gets 429 with Retry-After, and the password stays", async () => {
    const cookie = await signInCookie(ctx.server, "settings-guess");
    const before = passwordHashIn(ctx.server.databasePath, "settings-guess");
    const change = (currentPassword: string) =>
      postForm(ctx.server, "/settings", { intent: "password", currentPassword, newPassword: "a brand new passphrase" }, { Cookie: cookie });
    for (let i = 0; i < 10; i++) expect((await change(`wrong ${i}`)).status).toBe(400);
    const res = await change(PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.text()).toMatch(/Too many wrong passwords for this account\. Wait \d+ minutes? and try again\./);
    expect(passwordHashIn(ctx.server.databasePath, "settings-guess")).toBe(before);
  });
});

/** Failed sign-ins from this (loopback) client, each claiming another X-Forwarded-For. */
async function sprayWithForgedAddresses(server: RunningServer, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await postForm(server, "/login", { username: `nobody-${i}`, password: "wrong password" }, { "X-Forwarded-For": `198.51.100.${i}` });
    statuses.push(res.status);
    if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    await res.arrayBuffer();
  }
  return statuses;
}

describe("the client's address without TRUST_PROXY", () => {
  const ctx = useServer();

  it(`${ADDRESS_LIMIT + 10} failed sign-ins from loopback, each with another X-Forwarded-For, still hit the per-address limit`, async () => {
    const statuses = await sprayWithForgedAddresses(ctx.server, ADDRESS_LIMIT + 10);
    expect(statuses.slice(0, ADDRESS_LIMIT)).toEqual(Array(ADDRESS_LIMIT).fill(401));
    expect(new Set(statuses.slice(ADDRESS_LIMIT))).toEqual(new Set([429]));
    expect(ctx.server.output()).toMatch(/"event":"login\.failed","username":"nobody-0","ip":"127\.0\.0\.1"/);
    expect(ctx.server.output()).not.toContain("198.51.100.");
  });
});

describe("the client's address with TRUST_PROXY=loopback", () => {
  const ctx = useServer({ TRUST_PROXY: "loopback" });

  it("X-Forwarded-For from a loopback proxy is the client's address", async () => {
    const statuses = await sprayWithForgedAddresses(ctx.server, ADDRESS_LIMIT + 10);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(ctx.server.output()).toMatch(/"event":"login\.failed","username":"nobody-0","ip":"198\.51\.100\.0"/);
  });
});
