import { and, count, eq, gt, inArray, lt } from "drizzle-orm";
import { loginFailures } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";

/**
 * Failed sign-in limits. Per account: 10 failures in 15 minutes, so at most 40 password
 * checks an hour reach argon2 for one account (ASVS asks for fewer than 100). Per
 * address: 50 in 15 minutes, against one client spraying many accounts.
 */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_LIMIT = 10;
export const ADDRESS_LIMIT = 50;

export const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;

/** How many requests per key a window allows: the account's (or mail address's) and the client's. */
export interface ThrottleLimits {
  account: number;
  address: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS: ThrottleLimits = { account: ACCOUNT_LIMIT, address: ADDRESS_LIMIT, windowMs: THROTTLE_WINDOW_MS };

/**
 * Password-reset requests: 5 per mail address and 20 per client in 15 minutes. Their own keys,
 * so a sign-in lockout never blocks a reset, and reset requests never lock anyone out of signing in.
 */
export const RESET_LIMITS: ThrottleLimits = { account: 5, address: 20, windowMs: THROTTLE_WINDOW_MS };
export const resetKeys = (email: string, ip: string) => ({ account: `reset:email:${email.trim().toLowerCase()}`, address: `reset:ip:${ip}` });

/** "Send the link again": 3 verification mails per account and 10 per client in 15 minutes. */
export const VERIFY_MAIL_LIMITS: ThrottleLimits = { account: 3, address: 10, windowMs: THROTTLE_WINDOW_MS };
export const verifyMailKeys = (userId: number, ip: string) => ({ account: `verify:user:${userId}`, address: `verify:ip:${ip}` });

/**
 * Seconds until the caller may try again, or null when not throttled. The wait ends when
 * enough old failures leave the window to bring the count back under the limit.
 */
export function getThrottle(db: Db | Tx, keys: { account: string; address: string }, now = Date.now(), limits = SIGN_IN_LIMITS): number | null {
  let retryAfterMs = 0;
  for (const [key, limit] of [
    [keys.account, limits.account],
    [keys.address, limits.address],
  ] as const) {
    const since = now - limits.windowMs;
    const row = db
      .select({ n: count() })
      .from(loginFailures)
      .where(and(eq(loginFailures.key, key), gt(loginFailures.failedAt, since)))
      .get();
    const n = row?.n ?? 0;
    if (n < limit) continue;
    // The (n - limit + 1)th oldest failure in the window must expire first.
    const times = db
      .select({ at: loginFailures.failedAt })
      .from(loginFailures)
      .where(and(eq(loginFailures.key, key), gt(loginFailures.failedAt, since)))
      .orderBy(loginFailures.failedAt)
      .limit(n - limit + 1)
      .all();
    const oldest = times[times.length - 1]?.at ?? now;
    retryAfterMs = Math.max(retryAfterMs, oldest + limits.windowMs - now);
  }
  return retryAfterMs > 0 ? Math.ceil(retryAfterMs / 1000) : null;
}

/**
 * Takes one password check from the budget before it runs: in one transaction, either the
 * caller is throttled (seconds to wait) or a failure is recorded in advance against the
 * account and the address (its row ids). Counting the check before the slow argon2 work
 * means parallel guesses cannot all pass the check before any failure is written; a check
 * that then succeeds gives its reservation back with `releaseAttempt`.
 */
export function reserveAttempt(
  db: Db,
  keys: { account: string; address: string },
  now = Date.now(),
  limits = SIGN_IN_LIMITS,
): { throttled: number } | { reserved: number[] } {
  return writeTx(db, (tx) => spendAttempt(tx, keys, now, limits));
}

/**
 * The same budget check inside the caller's transaction, for requests that are counted
 * whatever their outcome (a reset mail, a verification mail): either the seconds to wait,
 * or one request recorded against both keys.
 */
export function spendAttempt(
  tx: Tx,
  keys: { account: string; address: string },
  now: number,
  limits: ThrottleLimits,
): { throttled: number } | { reserved: number[] } {
  const wait = getThrottle(tx, keys, now, limits);
  if (wait !== null) return { throttled: wait };
  const rows = tx
    .insert(loginFailures)
    .values([
      { key: keys.account, failedAt: now },
      { key: keys.address, failedAt: now },
    ])
    .returning({ id: loginFailures.id })
    .all();
  tx.delete(loginFailures)
    .where(lt(loginFailures.failedAt, now - THROTTLE_WINDOW_MS))
    .run();
  return { reserved: rows.map((r) => r.id) };
}

/** A check that succeeded: its reserved failure rows are removed again. */
export function releaseAttempt(db: Db, reserved: number[]) {
  db.delete(loginFailures).where(inArray(loginFailures.id, reserved)).run();
}

/** Records one failed sign-in against the account name and the address. */
export function recordLoginFailure(db: Db, keys: { account: string; address: string }, now = Date.now()) {
  db.transaction((tx) => {
    tx.insert(loginFailures)
      .values([
        { key: keys.account, failedAt: now },
        { key: keys.address, failedAt: now },
      ])
      .run();
    // Keep the table small: anything older than the window no longer counts.
    tx.delete(loginFailures)
      .where(lt(loginFailures.failedAt, now - THROTTLE_WINDOW_MS))
      .run();
  });
}

/** A successful sign-in (or a password reset) clears the account's failures (not the address's). */
export function clearAccountFailures(db: Db | Tx, account: string) {
  db.delete(loginFailures)
    .where(inArray(loginFailures.key, [account]))
    .run();
}
