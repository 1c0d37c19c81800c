import { db } from "../db.server";
import { logEvent } from "../log.server";
import { accountKey, addressKey, clearAccountFailures, releaseAttempt, reserveAttempt } from "../models/login-throttle.server";
import { getUserForLogin, upgradePasswordHash, type UserRow } from "../models/users.server";
import { hashPassword, verifyPassword } from "./password.server";

export type SignInResult = { kind: "ok"; userId: number } | { kind: "invalid" } | { kind: "disabled" } | { kind: "throttled"; retryAfterSeconds: number };

export type PasswordCheckResult = { kind: "ok" } | { kind: "invalid" } | { kind: "throttled"; retryAfterSeconds: number };

type Checked = { kind: "ok"; user: UserRow; rehash: boolean } | Exclude<PasswordCheckResult, { kind: "ok" }>;

/**
 * Every password check, whichever door it comes through (sign-in, the current password on
 * /settings), spends the same budget: failures count against the account and the address
 * (login-throttle.server.ts), and a throttled caller gets no argon2 work at all, not even
 * with the right password. `door` only names the log events.
 */
async function checkPasswordThrottled(door: "login" | "password_check", username: string, password: string, ip: string, now: number): Promise<Checked> {
  const keys = { account: accountKey(username), address: addressKey(ip) };
  // The attempt is counted as a failure before argon2 runs, so concurrent guesses cannot
  // all slip under the limit; a correct password gives the reservation back.
  const attempt = reserveAttempt(db, keys, now);
  if ("throttled" in attempt) {
    logEvent(`${door}.throttled`, { username: username.slice(0, 64), ip, retryAfterSeconds: attempt.throttled });
    return { kind: "throttled", retryAfterSeconds: attempt.throttled };
  }
  const user = getUserForLogin(db, username);
  const { ok, rehash } = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !ok) {
    logEvent(`${door}.failed`, { username: username.slice(0, 64), ip });
    return { kind: "invalid" };
  }
  releaseAttempt(db, attempt.reserved);
  return { kind: "ok", user, rehash };
}

/**
 * Checks a username and password. Unknown users and wrong passwords get the same answer
 * after the same amount of argon2 work. Throttled callers get no password check at all,
 * not even with the right password.
 */
export async function signIn(username: string, password: string, ip: string, now = Date.now()): Promise<SignInResult> {
  const checked = await checkPasswordThrottled("login", username, password, ip, now);
  if (checked.kind !== "ok") return checked;
  const { user, rehash } = checked;
  if (user.disabledAt !== null) {
    logEvent("login.disabled", { username: user.username, ip });
    return { kind: "disabled" };
  }
  if (rehash) upgradePasswordHash(db, user.id, await hashPassword(password));
  clearAccountFailures(db, accountKey(username));
  logEvent("login.succeeded", { username: user.username, ip });
  return { kind: "ok", userId: user.id };
}

/**
 * Checks a signed-in user's current password (before changing it), throttled exactly like
 * sign-in and counted in the same budget: a stolen session gives no extra guesses.
 */
export async function checkCurrentPassword(username: string, password: string, ip: string, now = Date.now()): Promise<PasswordCheckResult> {
  const checked = await checkPasswordThrottled("password_check", username, password, ip, now);
  if (checked.kind !== "ok") return checked;
  clearAccountFailures(db, accountKey(username));
  return { kind: "ok" };
}
