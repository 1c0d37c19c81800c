// What a browser sees from the session guards (getUser, requireUser, requireRole, hasRole,
// endSession) through real routes: where a stranger is sent, what an expired cookie turns
// into, what a member without the role is told, and how often a session row is written.
import { afterEach, describe, expect, it } from "vitest";
import { getUser } from "~/app/auth/session.server";
import { db } from "~/app/db.server";
import { loader as proposalsLoader } from "~/app/routes/bounties.proposals";
import { loader as expensesLoader } from "~/app/routes/expenses._index";
import { action as logoutAction } from "~/app/routes/logout";
import { captureLog, type CapturedLog } from "../support/log";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

const requestWith = (cookie: string) => new Request("http://localhost:3000/", { headers: { Cookie: cookie } });
const lastSeenAt = (cookie: string) =>
  db.$client
    .prepare("select last_seen_at from sessions where id = ?")
    .pluck()
    .get(cookie.slice(cookie.indexOf("=") + 1)) as number | undefined;
const MINUTE = 60_000;

let log: CapturedLog | null = null;
afterEach(() => {
  log?.stop();
  log = null;
});

describe("keeping a session alive", () => {
  it("a session is written back at most once a minute: not at exactly one minute, then at the first request after it", async () => {
    const now = Date.now();
    const cookie = await cookieFor((await makeUser()).id, now);
    expect(await getUser(requestWith(cookie), now + 30_000)).not.toBeNull();
    expect(lastSeenAt(cookie)).toBe(now);
    expect(await getUser(requestWith(cookie), now + MINUTE)).not.toBeNull();
    expect(lastSeenAt(cookie)).toBe(now);
    expect(await getUser(requestWith(cookie), now + MINUTE + 1)).not.toBeNull();
    expect(lastSeenAt(cookie)).toBe(now + MINUTE + 1);
  });

  it("the write-back is what keeps an admin signed in past 30 minutes of use", async () => {
    const now = Date.now();
    const cookie = await cookieFor((await makeUser(["admin"])).id, now);
    expect(await getUser(requestWith(cookie), now + 20 * MINUTE)).not.toBeNull();
    expect(lastSeenAt(cookie)).toBe(now + 20 * MINUTE);
    // 40 minutes after sign-in, 20 after the last request: still signed in
    expect(await getUser(requestWith(cookie), now + 40 * MINUTE)).not.toBeNull();
  });

  it("a contributor idle for exactly 7 days is still signed in; one millisecond more and the session is gone", async () => {
    const now = Date.now();
    const week = 7 * 24 * 60 * MINUTE;
    const cookie = await cookieFor((await makeUser()).id, now);
    expect(await getUser(requestWith(cookie), now + week)).not.toBeNull();
    const other = await cookieFor((await makeUser()).id, now);
    expect(await getUser(requestWith(other), now + week + 1)).toBeNull();
    expect(lastSeenAt(other)).toBeUndefined();
  });

  it("an account disabled behind the app's back (by SQL, a restored backup) is signed out on its next request and the session row goes", async () => {
    const user = await makeUser();
    const cookie = await cookieFor(user.id);
    db.$client.prepare("update users set disabled_at = ? where id = ?").run(Date.now(), user.id);
    expect(await getUser(requestWith(cookie))).toBeNull();
    expect(lastSeenAt(cookie)).toBeUndefined();
  });
});

describe("pages that need a signed-in user", () => {
  it("a stranger is sent to sign in and brought back to the very page and query afterwards, with no cookie set", async () => {
    const res = await call(expensesLoader, "/expenses?status=pending&sort=date");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/expenses?status=pending&sort=date")}`);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("a browser with an expired session cookie is sent to sign in and its cookie is cleared", async () => {
    const user = await makeUser();
    const cookie = await cookieFor(user.id, Date.now() - 31 * 24 * 60 * MINUTE);
    const res = await call(expensesLoader, "/expenses", {}, { headers: { Cookie: cookie } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fexpenses");
    const cleared = res.headers.get("set-cookie") ?? "";
    expect(cleared).toMatch(/^session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
  });

  it("an SSC member or admin is shown every expense; a contributor or packager only their own", async () => {
    const all = async (roles: Parameters<typeof makeUser>[0]) => {
      const res = await call(expensesLoader, "/expenses", {}, { headers: { Cookie: await cookieFor((await makeUser(roles)).id) } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { all: boolean }).all;
    };
    expect(await all(["ssc"])).toBe(true);
    expect(await all(["admin"])).toBe(true);
    expect(await all(["ssc", "packager"])).toBe(true);
    expect(await all([])).toBe(false);
    expect(await all(["packager"])).toBe(false);
  });
});

describe("pages for some roles only", () => {
  it("a member without the role gets 403 with a JSON sentence naming the roles, and the refusal is logged", async () => {
    const user = await makeUser(["packager"]);
    log = captureLog();
    const res = await call(proposalsLoader, "/bounties/proposals?page=2", {}, { headers: { Cookie: await cookieFor(user.id) } });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ message: "This page is for SSC members and admins only." });
    expect(log.events("authz.denied")).toEqual([
      { at: expect.any(String), event: "authz.denied", user: user.username, path: "/bounties/proposals", needs: "ssc|admin" },
    ]);
  });

  it("a member holding either role is let in", async () => {
    for (const roles of [["ssc"], ["admin"]] as const) {
      const res = await call(proposalsLoader, "/bounties/proposals", {}, { headers: { Cookie: await cookieFor((await makeUser([...roles])).id) } });
      expect(res.status).toBe(200);
    }
  });
});

describe("signing out", () => {
  it("signing out with no session cookie just clears the cookie and goes home", async () => {
    const res = await call(logoutAction, "/logout", {}, formInit(null, {}));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.get("set-cookie")).toMatch(/^session=;.*Max-Age=0/);
  });
});
