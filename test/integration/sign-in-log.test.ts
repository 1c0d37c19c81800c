// Sign-in and the current-password check as an operator sees them in the security log
// (one JSON line per event, app/log.server.ts), and what a successful check does to the
// stored hash and to the failure budget.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCurrentPassword, signIn } from "~/app/auth/login.server";
import { db } from "~/app/db.server";
import { webActor } from "~/app/models/audit.server";
import { ACCOUNT_LIMIT } from "~/app/models/login-throttle.server";
import { getUserForLogin, setDisabled } from "~/app/models/users.server";
import { captureLog, type CapturedLog } from "../support/log";
import { makeUser, PASSWORD } from "../support/users";

let log: CapturedLog;
beforeEach(() => {
  log = captureLog();
});
afterEach(() => log.stop());

const line = (event: string, fields: Record<string, unknown>) => ({ at: expect.any(String), event, ...fields });

describe("the sign-in log", () => {
  it("a wrong password is logged as login.failed with the username and address", async () => {
    const user = await makeUser();
    expect(await signIn(user.username, "wrong password", "198.51.100.1")).toEqual({ kind: "invalid" });
    expect(log.lines()).toEqual([line("login.failed", { username: user.username, ip: "198.51.100.1" })]);
  });

  it("a very long username is cut to 64 characters in the log line", async () => {
    const long = "x".repeat(500);
    await signIn(long, "whatever", "198.51.100.2");
    expect(log.lines()).toEqual([line("login.failed", { username: "x".repeat(64), ip: "198.51.100.2" })]);
  });

  it("a throttled sign-in is logged as login.throttled with the wait, and a long username is cut to 64 characters", async () => {
    const name = `${"y".repeat(70)}-${Date.now()}`;
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await signIn(name, `guess ${i}`, "198.51.100.3");
    const result = await signIn(name, "one more", "198.51.100.3");
    expect(result.kind).toBe("throttled");
    const wait = result.kind === "throttled" ? result.retryAfterSeconds : 0;
    expect(wait).toBeGreaterThan(0);
    expect(log.events("login.throttled")).toEqual([line("login.throttled", { username: "y".repeat(64), ip: "198.51.100.3", retryAfterSeconds: wait })]);
  });

  it("a disabled account's correct password is logged as login.disabled, not as a success", async () => {
    const admin = await makeUser(["admin"]);
    const user = await makeUser();
    setDisabled(db, webActor(admin), user.id, true);
    expect(await signIn(user.username, PASSWORD, "198.51.100.4")).toEqual({ kind: "disabled" });
    expect(log.lines()).toEqual([line("login.disabled", { username: user.username, ip: "198.51.100.4" })]);
  });

  it("a successful sign-in is logged as login.succeeded under the stored username, whatever case was typed", async () => {
    const user = await makeUser();
    expect(await signIn(user.username.toUpperCase(), PASSWORD, "198.51.100.5")).toEqual({ kind: "ok", userId: user.id });
    expect(log.lines()).toEqual([line("login.succeeded", { username: user.username, ip: "198.51.100.5" })]);
  });
});

describe("the current-password check on /settings", () => {
  it("a wrong current password is logged as password_check.failed, a throttled one as password_check.throttled", async () => {
    const user = await makeUser();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect(await checkCurrentPassword(user.username, `guess ${i}`, "198.51.100.6")).toEqual({ kind: "invalid" });
    const throttled = await checkCurrentPassword(user.username, PASSWORD, "198.51.100.6");
    expect(throttled.kind).toBe("throttled");
    expect(log.events("password_check.failed")).toHaveLength(ACCOUNT_LIMIT);
    expect(log.events("password_check.failed")[0]).toEqual(line("password_check.failed", { username: user.username, ip: "198.51.100.6" }));
    expect(log.events("password_check.throttled")).toEqual([
      line("password_check.throttled", {
        username: user.username,
        ip: "198.51.100.6",
        retryAfterSeconds: throttled.kind === "throttled" ? throttled.retryAfterSeconds : -1,
      }),
    ]);
    expect(log.lines().filter((l) => l.event.startsWith("login."))).toEqual([]);
  });

  it("the right current password answers ok and wipes the account's earlier failures, so a later typo is not a lockout", async () => {
    const user = await makeUser();
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await signIn(user.username, `typo ${i}`, `203.0.113.${i}`);
    expect(await checkCurrentPassword(user.username, PASSWORD, "198.51.100.7")).toEqual({ kind: "ok" });
    // with the earlier nine still counted, the second of these would be throttled
    expect(await signIn(user.username, "one more typo", "198.51.100.8")).toEqual({ kind: "invalid" });
    expect(await signIn(user.username, PASSWORD, "198.51.100.8")).toEqual({ kind: "ok", userId: user.id });
  });
});

describe("the stored hash after sign-in", () => {
  it("a hash already at today's parameters is left exactly as it was (no write on every sign-in)", async () => {
    const user = await makeUser();
    const before = getUserForLogin(db, user.username)!.passwordHash;
    expect((await signIn(user.username, PASSWORD, "198.51.100.9")).kind).toBe("ok");
    expect(getUserForLogin(db, user.username)!.passwordHash).toBe(before);
  });
});
