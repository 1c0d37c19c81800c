import { db } from "../db.server";
import { logEvent } from "../log.server";
import {
  accountKey,
  addressKey,
  clearAccountFailures,
  getThrottle,
  recordLoginFailure,
} from "../models/login-throttle.server";
import { getUserForLogin, upgradePasswordHash } from "../models/users.server";
import { hashPassword, verifyPassword } from "./password.server";

export type SignInResult =
  | { kind: "ok"; userId: number }
  | { kind: "invalid" }
  | { kind: "disabled" }
  | { kind: "throttled"; retryAfterSeconds: number };

/**
 * Checks a username and password. Unknown users and wrong passwords get the same answer
 * after the same amount of argon2 work. Throttled callers get no password check at all,
 * not even with the right password.
 */
export async function signIn(username: string, password: string, ip: string, now = Date.now()): Promise<SignInResult> {
  const keys = { account: accountKey(username), address: addressKey(ip) };
  const retryAfterSeconds = getThrottle(db, keys, now);
  if (retryAfterSeconds !== null) {
    logEvent("login.throttled", { username: username.slice(0, 64), ip, retryAfterSeconds });
    return { kind: "throttled", retryAfterSeconds };
  }
  const user = getUserForLogin(db, username);
  const { ok, rehash } = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !ok) {
    recordLoginFailure(db, keys, now);
    logEvent("login.failed", { username: username.slice(0, 64), ip });
    return { kind: "invalid" };
  }
  if (user.disabledAt !== null) {
    logEvent("login.disabled", { username: user.username, ip });
    return { kind: "disabled" };
  }
  if (rehash) upgradePasswordHash(db, user.id, await hashPassword(password));
  clearAccountFailures(db, keys.account);
  logEvent("login.succeeded", { username: user.username, ip });
  return { kind: "ok", userId: user.id };
}
