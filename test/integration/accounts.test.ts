import { hash } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { signIn } from "~/app/auth/login.server";
import { createUserSession, getUser } from "~/app/auth/session.server";
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { cliActor, listAudit, webActor } from "~/app/models/audit.server";
import {
  ACCOUNT_LIMIT,
  ADDRESS_LIMIT,
  THROTTLE_WINDOW_MS,
  accountKey,
  addressKey,
  getThrottle,
  recordLoginFailure,
  resetKeys,
  verifyMailKeys,
} from "~/app/models/login-throttle.server";
import { createUser, getUserForLogin, setDisabled, setPasswordHash, setRole } from "~/app/models/users.server";
import { action as joinAction, loader as joinLoader } from "~/app/routes/join";
import { action as loginAction, loader as loginLoader } from "~/app/routes/login";
import { action as logoutAction } from "~/app/routes/logout";
import { action as settingsAction } from "~/app/routes/settings";
import { BASE, call } from "../support/remix";
import { cookieFor, cookieFromSetCookie, formInit, makeUser, PASSWORD } from "../support/users";

const requestWith = (cookie: string) => new Request("http://localhost:3000/", { headers: { Cookie: cookie } });
const sessionCount = (userId: number) => (db.$client.prepare("select count(*) as n from sessions where user_id = ?").get(userId) as { n: number }).n;

describe("joining", () => {
  it("creates the account with an argon2id hash at 19 MiB, t=2, p=1 and signs the user in", async () => {
    const res = await call(
      joinAction,
      "/join",
      {},
      formInit(null, {
        username: "NewPerson",
        displayName: "New Person",
        email: "New@Example.org",
        password: "a fine long passphrase",
      }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toMatch(/^session=[a-z0-9]+;.*HttpOnly/);
    const row = getUserForLogin(db, "newperson")!;
    expect(row.email).toBe("new@example.org");
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("keeps the return path from /login?redirectTo=…: after joining, the new member lands where they meant to go (and only on this site)", async () => {
    const page = await call(joinLoader, `/join?redirectTo=${encodeURIComponent("/bounties/3?page=1")}`);
    expect(((await page.json()) as { redirectTo: string }).redirectTo).toBe("/bounties/3?page=1");
    const join = (username: string, redirectTo: string) =>
      call(
        joinAction,
        "/join",
        {},
        formInit(null, { username, displayName: "Back Again", email: `${username}@example.org`, password: "a fine long passphrase", redirectTo }),
      );
    const back = await join("comeback", "/bounties/3?page=1");
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/bounties/3?page=1");
    const away = await join("goaway", "//evil.example/x");
    expect(away.headers.get("location")).toBe("/");
  });

  it("answers 400 with a message per field and keeps what was typed, except the password", async () => {
    const res = await call(
      joinAction,
      "/join",
      {},
      formInit(null, {
        username: "x",
        displayName: "",
        email: "not-an-email",
        password: "password123",
      }),
    );
    expect(res.status).toBe(400);
    const data = await res.json();
    expect(Object.keys(data.fieldErrors).sort()).toEqual(["displayName", "email", "password", "username"]);
    expect(data.values).toEqual({ username: "x", displayName: "", email: "not-an-email" });
  });

  it("refuses a taken username with 409 and creates nothing", async () => {
    const existing = await makeUser();
    const before = db.$client.prepare("select count(*) as n from users").get();
    const res = await call(
      joinAction,
      "/join",
      {},
      formInit(null, {
        username: existing.username,
        displayName: "Other",
        email: "other@example.org",
        password: "another long passphrase",
      }),
    );
    expect(res.status).toBe(409);
    expect((await res.json()).fieldErrors.username).toContain("is taken");
    expect(db.$client.prepare("select count(*) as n from users").get()).toEqual(before);
  });
});

describe("signing in", () => {
  it("a wrong password shows 'Invalid username or password.'", async () => {
    const user = await makeUser();
    const res = await call(loginAction, "/login", {}, formInit(null, { username: user.username, password: "wrong password here" }));
    expect(res.status).toBe(401);
    expect((await res.json()).formError).toBe("Invalid username or password.");
  });

  it("an unknown user gets the very same status and body as a wrong password", async () => {
    const user = await makeUser();
    const wrong = await call(loginAction, "/login", {}, formInit(null, { username: user.username, password: "nope nope nope" }));
    const unknown = await call(loginAction, "/login", {}, formInit(null, { username: "nobody-here", password: "nope nope nope" }));
    expect(unknown.status).toBe(wrong.status);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect({ ...b, username: "" }).toEqual({ ...a, username: "" });
  });

  it("unknown users and wrong passwords take similar time (median within 20%)", async () => {
    const user = await makeUser();
    const time = async (username: string, i: number) => {
      const start = performance.now();
      // Each attempt an hour apart, so throttling never kicks in and both paths run argon2.
      await signIn(username, "not the password", `10.0.0.${i % 250}`, Date.now() + i * 3_600_000);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 40; i++) {
      known.push(await time(user.username, i));
      unknown.push(await time("no-such-user-anywhere", i));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [k, u] = [median(known), median(unknown)];
    expect(Math.abs(k - u) / Math.max(k, u)).toBeLessThan(0.2);
  });

  it("upgrades a hash made with weaker parameters after a successful sign-in", async () => {
    const weak = await hash(PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 3, parallelism: 1 });
    const user = createUser(db, cliActor, { username: "oldhash", displayName: "Old", email: "old@example.org", passwordHash: weak });
    expect(await signIn("oldhash", PASSWORD, "127.0.0.1")).toEqual({ kind: "ok", userId: user.id });
    expect(getUserForLogin(db, "oldhash")!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("a disabled account cannot sign in", async () => {
    const admin = await makeUser(["admin"]);
    const user = await makeUser();
    setDisabled(db, webActor(admin), user.id, true);
    expect((await signIn(user.username, PASSWORD, "127.0.0.1")).kind).toBe("disabled");
  });
});

// Each of these answered `Location: //evil.example` (another site) before the fix.
const OFF_SITE_RETURN_PATHS = [
  "/.//evil.example",
  "/..//evil.example",
  "/%2e//evil.example",
  "/%2e%2e//evil.example",
  "/.%2e//evil.example",
  "////evil.example",
  "/%5c/evil.example",
];

/** Where a browser lands when it follows this Location from a page of the app. */
const landsOn = (res: Response) => new URL(res.headers.get("location")!, `${env.APP_ORIGIN}/login`);

describe("the return path after sign-in", () => {
  it.each(OFF_SITE_RETURN_PATHS)("signing in with redirectTo=%s lands on the app's home page, not another site", async (redirectTo) => {
    const user = await makeUser();
    const res = await call(loginAction, "/login", {}, formInit(null, { username: user.username, password: PASSWORD, redirectTo }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(landsOn(res).origin).toBe(env.APP_ORIGIN);
  });

  it.each(OFF_SITE_RETURN_PATHS)("opening /login?redirectTo=%s while signed in lands on the app's home page", async (redirectTo) => {
    const user = await makeUser();
    const res = await call(loginLoader, `/login?redirectTo=${encodeURIComponent(redirectTo)}`, {}, { headers: { Cookie: await cookieFor(user.id) } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(landsOn(res).origin).toBe(env.APP_ORIGIN);
  });

  it("a path on this site is kept, and the sign-in form carries only the checked path", async () => {
    const user = await makeUser();
    const res = await call(loginAction, "/login", {}, formInit(null, { username: user.username, password: PASSWORD, redirectTo: "/bounties?status=open" }));
    expect(res.headers.get("location")).toBe("/bounties?status=open");
    const page = await call(loginLoader, `/login?redirectTo=${encodeURIComponent("/.//evil.example")}`);
    expect((await page.json()).redirectTo).toBe("/");
  });
});

describe("throttling failed sign-ins", () => {
  it("after 10 failures answers 429 with Retry-After, refuses even the right password, and lifts after the window", async () => {
    const user = await makeUser();
    const t0 = Date.now();
    const results: string[] = [];
    for (let i = 0; i < 150; i++) {
      // five different addresses: failures still count against the one account
      results.push((await signIn(user.username, `wrong ${i}`, `192.0.2.${i % 5}`, t0 + i * 1000)).kind);
    }
    expect(results.slice(0, ACCOUNT_LIMIT)).toEqual(Array(ACCOUNT_LIMIT).fill("invalid"));
    expect(new Set(results.slice(ACCOUNT_LIMIT))).toEqual(new Set(["throttled"]));

    const locked = await signIn(user.username, PASSWORD, "192.0.2.99", t0 + 150_000);
    expect(locked.kind).toBe("throttled");

    const res = await call(loginAction, "/login", {}, formInit(null, { username: user.username, password: PASSWORD }));
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(THROTTLE_WINDOW_MS / 1000);
    expect((await res.json()).formError).toMatch(/Too many failed sign-ins\. Wait \d+ minutes?/);

    expect(await signIn(user.username, PASSWORD, "192.0.2.1", t0 + THROTTLE_WINDOW_MS + 20_000)).toEqual({ kind: "ok", userId: user.id });
  });

  it("lets no more than 100 password checks an hour reach argon2 for one account", async () => {
    const user = await makeUser();
    const t0 = Date.now() + 10 * 3_600_000;
    let checked = 0;
    // one attempt every 10 seconds for an hour
    for (let i = 0; i < 360; i++) {
      const r = await signIn(user.username, "wrong again", "198.51.100.7", t0 + i * 10_000);
      if (r.kind !== "throttled") checked++;
    }
    expect(checked).toBeLessThanOrEqual(100);
    expect(checked).toBeGreaterThanOrEqual(ACCOUNT_LIMIT);
  });
});

describe("throttle keys and waits", () => {
  it("an account's failures count whatever the case or spaces of the name typed; a reset's, whatever the case of the address", () => {
    expect(accountKey("  Alice ")).toBe(accountKey("alice"));
    expect(resetKeys(" Bob@Example.ORG ", "192.0.2.7")).toEqual({ account: "reset:email:bob@example.org", address: "reset:ip:192.0.2.7" });
    expect(verifyMailKeys(42, "192.0.2.7")).toEqual({ account: "verify:user:42", address: "verify:ip:192.0.2.7" });
  });

  it("the wait ends when enough of the oldest failures leave the window, to the second", () => {
    const keys = { account: accountKey(`waits-${Date.now()}`), address: addressKey("198.51.100.77") };
    const t0 = Date.now() + 20 * 3_600_000;
    for (let i = 0; i < ACCOUNT_LIMIT; i++) recordLoginFailure(db, keys, t0 + i * 60_000);
    // the oldest failure leaves the window 15 minutes after it was made
    expect(getThrottle(db, keys, t0 + 9 * 60_000)).toBe((THROTTLE_WINDOW_MS - 9 * 60_000) / 1000);
    expect(getThrottle(db, keys, t0 + THROTTLE_WINDOW_MS - 1_000)).toBe(1);
    expect(getThrottle(db, keys, t0 + THROTTLE_WINDOW_MS)).toBeNull();
    // at the limit again (9 left in the window, one new): the oldest left, made at minute 1, must go
    recordLoginFailure(db, keys, t0 + THROTTLE_WINDOW_MS);
    expect(getThrottle(db, keys, t0 + THROTTLE_WINDOW_MS)).toBe(60);
    // one over it: the second-oldest, made at minute 2, must go too
    recordLoginFailure(db, keys, t0 + THROTTLE_WINDOW_MS);
    expect(getThrottle(db, keys, t0 + THROTTLE_WINDOW_MS)).toBe(120);
  });
});

describe("throttling concurrent guesses", () => {
  it("60 wrong passwords sent at once for one account reach argon2 at most 10 times; the rest are throttled", async () => {
    const user = await makeUser();
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => signIn(user.username, `parallel guess ${i}`, `203.0.113.${i % 50}`, t0)));
    expect(results.filter((r) => r.kind === "invalid")).toHaveLength(ACCOUNT_LIMIT);
    expect(results.filter((r) => r.kind === "throttled")).toHaveLength(60 - ACCOUNT_LIMIT);
    expect(db.$client.prepare("select count(*) from login_failures where key = ?").pluck().get(accountKey(user.username))).toBe(ACCOUNT_LIMIT);
  });

  it("a correct password gives its reserved attempt back: five good sign-ins leave no failures behind", async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) expect((await signIn(user.username, PASSWORD, "203.0.113.200")).kind).toBe("ok");
    expect(
      db.$client.prepare("select count(*) from login_failures where key in (?, ?)").pluck().get(accountKey(user.username), addressKey("203.0.113.200")),
    ).toBe(0);
  });
});

describe("throttling the current-password check on /settings", () => {
  // Each test uses its own address, so address failures never leak between tests.
  async function changePassword(cookie: string, ip: string, currentPassword: string, newPassword = "a brand new passphrase") {
    const request = new Request(new URL("/settings", BASE), formInit(cookie, { intent: "password", currentPassword, newPassword }));
    try {
      return (await settingsAction({ request, params: {}, context: { cspNonce: "", clientIp: ip } })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }
  const passwordHashOf = (username: string) => getUserForLogin(db, username)!.passwordHash;

  it(`after ${ACCOUNT_LIMIT} wrong current passwords answers 429 with Retry-After, refuses even the right one, and changes nothing`, async () => {
    const user = await makeUser();
    const cookie = await cookieFor(user.id);
    const hashBefore = passwordHashOf(user.username);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const res = await changePassword(cookie, "192.0.2.10", `wrong guess ${i}`);
      expect(res.status).toBe(400);
      expect((await res.json()).fieldErrors.currentPassword).toBe("That is not your current password.");
    }
    const res = await changePassword(cookie, "192.0.2.10", PASSWORD);
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(THROTTLE_WINDOW_MS / 1000);
    expect((await res.json()).fieldErrors.currentPassword).toMatch(/^Too many wrong passwords for this account\. Wait \d+ minutes? and try again\.$/);
    expect(passwordHashOf(user.username)).toBe(hashBefore);
    expect(await getUser(requestWith(cookie))).not.toBeNull();
    expect(sessionCount(user.id)).toBe(1);
  });

  it("wrong current passwords on /settings count toward the sign-in lockout of the same account", async () => {
    const user = await makeUser();
    const cookie = await cookieFor(user.id);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await changePassword(cookie, "192.0.2.11", `wrong guess ${i}`)).status).toBe(400);
    expect((await signIn(user.username, PASSWORD, "192.0.2.12")).kind).toBe("throttled");
  });

  it("an address that failed too many sign-ins gets 429 on /settings too, and the hash stays as it was", async () => {
    const user = await makeUser();
    const cookie = await cookieFor(user.id);
    const hashBefore = passwordHashOf(user.username);
    for (let i = 0; i < ADDRESS_LIMIT; i++) recordLoginFailure(db, { account: accountKey(`sprayed-${i}`), address: addressKey("192.0.2.13") });
    const res = await changePassword(cookie, "192.0.2.13", PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(passwordHashOf(user.username)).toBe(hashBefore);
    // from another address the same request goes through
    expect((await changePassword(cookie, "192.0.2.14", PASSWORD)).status).toBe(302);
    expect(passwordHashOf(user.username)).not.toBe(hashBefore);
  });
});

describe("sessions", () => {
  it("each sign-in issues a new session; a cookie planted before sign-in is never upgraded (fixation)", async () => {
    const user = await makeUser();
    // An attacker plants a session id in the victim's browser, which then signs in with it.
    const planted = "session=planted0000000000000000000000000000";
    const res = await call(loginAction, "/login", {}, formInit(planted, { username: user.username, password: PASSWORD }));
    expect(res.status).toBe(302);
    const issued = cookieFromSetCookie(res.headers.get("set-cookie")!);
    expect(issued).not.toBe(planted);
    expect((await getUser(requestWith(issued)))?.id).toBe(user.id);
    expect(await getUser(requestWith(planted))).toBeNull();
    // Signing in again over a live session also issues a new one.
    const again = await call(loginAction, "/login", {}, formInit(issued, { username: user.username, password: PASSWORD }));
    const second = cookieFromSetCookie(again.headers.get("set-cookie")!);
    expect(second).not.toBe(issued);
    expect((await getUser(requestWith(second)))?.id).toBe(user.id);
  });

  it("sets HttpOnly, SameSite=Lax and Path=/ on the cookie, with no Domain", async () => {
    const setCookie = await createUserSession((await makeUser()).id);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it("a contributor's session ends after 7 idle days", async () => {
    const now = Date.now();
    const cookie = await cookieFor((await makeUser()).id, now);
    expect(await getUser(requestWith(cookie), now + 6 * 86_400_000)).not.toBeNull();
    expect(await getUser(requestWith(cookie), now + 6 * 86_400_000 + 8 * 86_400_000)).toBeNull();
  });

  it("an admin's session ends after 30 idle minutes", async () => {
    const now = Date.now();
    const cookie = await cookieFor((await makeUser(["admin"])).id, now);
    expect(await getUser(requestWith(cookie), now + 29 * 60_000)).not.toBeNull();
    expect(await getUser(requestWith(cookie), now + 29 * 60_000 + 31 * 60_000)).toBeNull();
  });

  it("an SSC member's session ends after 12 hours even when used every 20 minutes", async () => {
    const now = Date.now();
    const cookie = await cookieFor((await makeUser(["ssc"])).id, now);
    let t = now;
    while (t + 20 * 60_000 <= now + 12 * 3_600_000) {
      t += 20 * 60_000;
      expect(await getUser(requestWith(cookie), t)).not.toBeNull();
    }
    expect(await getUser(requestWith(cookie), now + 12 * 3_600_000 + 60_000)).toBeNull();
  });

  it("signing out deletes the session row", async () => {
    const user = await makeUser();
    const cookie = await cookieFor(user.id);
    expect(sessionCount(user.id)).toBe(1);
    const res = await call(logoutAction, "/logout", {}, formInit(cookie, {}));
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(sessionCount(user.id)).toBe(0);
    expect(await getUser(requestWith(cookie))).toBeNull();
  });

  it.each([
    ["disabling the user", (admin: { id: number; username: string }, id: number) => setDisabled(db, webActor(admin), id, true)],
    ["granting a role", (admin: { id: number; username: string }, id: number) => setRole(db, webActor(admin), id, "packager", true)],
    [
      "changing the password",
      (_admin: { id: number; username: string }, id: number) => setPasswordHash(db, cliActor, id, "$argon2id$v=19$m=19456,t=2,p=1$x$y"),
    ],
  ])("%s ends all three of the user's sessions", async (_name, trigger) => {
    const admin = await makeUser(["admin"]);
    const user = await makeUser();
    const cookies = await Promise.all([cookieFor(user.id), cookieFor(user.id), cookieFor(user.id)]);
    for (const c of cookies) expect(await getUser(requestWith(c))).not.toBeNull();
    trigger(admin, user.id);
    for (const c of cookies) expect(await getUser(requestWith(c))).toBeNull();
  });

  it("changing your password signs out other browsers but keeps this one signed in", async () => {
    const user = await makeUser();
    const other = await cookieFor(user.id);
    const mine = await cookieFor(user.id);
    const res = await call(
      settingsAction,
      "/settings",
      {},
      formInit(mine, {
        intent: "password",
        currentPassword: PASSWORD,
        newPassword: "a brand new passphrase",
      }),
    );
    expect(res.status).toBe(302);
    expect(await getUser(requestWith(other))).toBeNull();
    expect(await getUser(requestWith(cookieFromSetCookie(res.headers.get("set-cookie")!)))).not.toBeNull();
    expect((await signIn(user.username, "a brand new passphrase", "127.0.0.2")).kind).toBe("ok");
  });
});

describe("profile", () => {
  it("a GitHub login typed on /settings is stored unverified", async () => {
    const user = await makeUser();
    const res = await call(
      settingsAction,
      "/settings",
      {},
      formInit(await cookieFor(user.id), {
        intent: "profile",
        displayName: "Renamed",
        email: user.email,
        githubLogin: "octocat",
      }),
    );
    expect(res.status).toBe(200);
    const row = getUserForLogin(db, user.username)!;
    expect(row).toMatchObject({ displayName: "Renamed", githubLogin: "octocat", githubVerified: false });
    const audit = listAudit(db, { entityType: "user", entityId: String(user.id) })[0]!;
    expect(audit.action).toBe("user.profile_updated");
    expect(JSON.parse(audit.afterJson!)).toMatchObject({ githubLogin: "octocat", githubVerified: false });
  });

  it("refuses a malformed GitHub login with a field message", async () => {
    const user = await makeUser();
    const res = await call(
      settingsAction,
      "/settings",
      {},
      formInit(await cookieFor(user.id), {
        intent: "profile",
        displayName: "X",
        email: user.email,
        githubLogin: "bad login!",
      }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).fieldErrors.githubLogin).toContain("not a GitHub login");
  });
});
