// Accounts by email: single-use links sent by mail, to verify an address or to reset a
// password. A token is 32 random bytes plus an HMAC over them and the purpose (keyed by the
// app's own `email_tokens` key), so a forged or altered token is refused before any lookup;
// the database keeps only the token's SHA-256, so a copy of it yields no working links.
// Every mail goes through the outbox in the transaction that made its token.
import crypto from "node:crypto";
import { and, eq, isNotNull, isNull, ne } from "drizzle-orm";
import { writeTx, type Db, type Tx } from "~/app/db.server";
import { env } from "~/app/env.server";
import { renderResetPasswordMail, renderSignupAttemptMail, renderVerifyEmailMail } from "~/app/lib/mail-render";
import { formatRetryWait } from "~/app/lib/responses";
import { emailTokens, users, type EmailTokenPurpose } from "~/db/schema";
import { getAppKey } from "./app-keys.server";
import { recordAudit, type Actor } from "./audit.server";
import { InvalidLink, RateLimited } from "./errors";
import { accountKey, clearAccountFailures, RESET_LIMITS, resetKeys, spendAttempt, VERIFY_MAIL_LIMITS, verifyMailKeys } from "./login-throttle.server";
import { mailRecipientColumns } from "./mail-recipients.server";
import { enqueueMessage } from "./outbox.server";
import { endAllSessions } from "./sessions.server";

export const VERIFY_TTL_MS = 24 * 3_600_000;
export const RESET_TTL_MS = 3_600_000;

const mailDomain = () => new URL(env.APP_ORIGIN).hostname;
const absolute = (path: string) => new URL(path, env.APP_ORIGIN).href;
const PAGES: Record<EmailTokenPurpose, string> = { verify_email: "/verify-email", reset_password: "/reset-password" };

const signature = (tx: Tx | Db, purpose: EmailTokenPurpose, random: string) =>
  crypto.createHmac("sha256", getAppKey(tx, "email_tokens")).update(`${purpose}\n${random}`).digest("base64url").slice(0, 22);

const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** Makes a token, stores its hash for `userId` and `email`, and returns the token (to mail, never to keep). */
function issueToken(tx: Tx, userId: number, purpose: EmailTokenPurpose, email: string, ttlMs: number, now: number): string {
  const random = crypto.randomBytes(32).toString("base64url");
  const token = `${random}.${signature(tx, purpose, random)}`;
  tx.insert(emailTokens)
    .values({ userId, purpose, tokenHash: hashToken(token), email, expiresAt: now + ttlMs, createdAt: now })
    .run();
  return token;
}

type TokenRow = typeof emailTokens.$inferSelect;
type Person = { id: number; username: string; displayName: string; email: string; emailVerifiedAt: number | null; disabledAt: number | null };

const WHAT: Record<EmailTokenPurpose, string> = { verify_email: "confirmation link", reset_password: "password-reset link" };
const AGAIN: Record<EmailTokenPurpose, string> = {
  verify_email: "Sign in and use “Send the link again” on Settings to get a new one.",
  reset_password: "Ask for a new one on the “Forgot your password?” page.",
};

/**
 * The token's row and person when the link may still be used; otherwise throws InvalidLink
 * with the reason. Never writes. The one check behind both the page (GET) and the action (POST).
 * @throws InvalidLink
 */
function checkToken(tx: Tx | Db, purpose: EmailTokenPurpose, token: string | null | undefined, now: number): { row: TokenRow; person: Person } {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/.exec(token ?? "");
  const invalid = `This ${WHAT[purpose]} is not valid (it may be cut short or altered). ${AGAIN[purpose]}`;
  if (!match) throw new InvalidLink(invalid);
  const expected = Buffer.from(signature(tx, purpose, match[1]!));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw new InvalidLink(invalid);
  const row = tx
    .select()
    .from(emailTokens)
    .where(eq(emailTokens.tokenHash, hashToken(token!)))
    .get();
  if (!row || row.purpose !== purpose) throw new InvalidLink(invalid);
  if (row.usedAt !== null) throw new InvalidLink(`This ${WHAT[purpose]} was already used; each link works once. ${AGAIN[purpose]}`);
  if (row.expiresAt <= now) throw new InvalidLink(`This ${WHAT[purpose]} has expired. ${AGAIN[purpose]}`);
  const person = tx.select(mailRecipientColumns).from(users).where(eq(users.id, row.userId)).get();
  if (!person) throw new InvalidLink(invalid);
  if (person.email !== row.email) {
    throw new InvalidLink(`This ${WHAT[purpose]} was sent to ${row.email}, which is no longer the account's address. ${AGAIN[purpose]}`);
  }
  if (purpose === "reset_password" && (person.disabledAt !== null || person.emailVerifiedAt === null)) throw new InvalidLink(invalid);
  if (purpose === "verify_email" && verifiedOwner(tx, person.email, person.id)) {
    throw new InvalidLink(
      `${row.email} has been confirmed by another account in the meantime, so this account cannot have it. Choose another address on Settings.`,
    );
  }
  return { row, person };
}

/** The other account this address is verified on, if any: the address belongs to it alone. */
function verifiedOwner(tx: Tx | Db, email: string, exceptUserId: number): Person | null {
  return (
    tx
      .select(mailRecipientColumns)
      .from(users)
      .where(and(eq(users.email, email), isNotNull(users.emailVerifiedAt), ne(users.id, exceptUserId)))
      .get() ?? null
  );
}

const nameOf = (p: { displayName: string; username: string }) => p.displayName || `@${p.username}`;

/**
 * The mail a new or changed unverified address gets, in the caller's transaction. When the
 * address is already verified on another account, that owner is told someone tried to use it
 * (once per pair of accounts) and no link is made: this account can never have the address.
 * Otherwise the address gets a verification link. The caller's answer must not depend on
 * which happened (it is the same in both cases), so a taken address is never revealed.
 */
export function queueAddressVerification(tx: Tx, user: { id: number; username: string; displayName: string; email: string }, now: number) {
  const owner = verifiedOwner(tx, user.email, user.id);
  if (owner) {
    if (owner.disabledAt !== null) return;
    const mail = renderSignupAttemptMail({ recipientName: nameOf(owner), email: owner.email, url: absolute("/login"), resetUrl: absolute("/forgot-password") });
    enqueueMessage(
      tx,
      {
        channel: "email",
        idempotencyKey: `address-claimed:${owner.id}:${user.id}`,
        recipientUserId: owner.id,
        recipient: owner.email,
        kind: "address_claimed",
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      },
      mailDomain(),
      now,
    );
    return;
  }
  const token = issueToken(tx, user.id, "verify_email", user.email, VERIFY_TTL_MS, now);
  const mail = renderVerifyEmailMail({
    recipientName: nameOf(user),
    email: user.email,
    url: absolute(`${PAGES.verify_email}?token=${token}`),
    hours: VERIFY_TTL_MS / 3_600_000,
  });
  enqueueMessage(
    tx,
    {
      channel: "email",
      idempotencyKey: `verify-email:${hashToken(token)}`,
      recipientUserId: user.id,
      recipient: user.email,
      kind: "verify_email",
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    },
    mailDomain(),
    now,
  );
}

/**
 * "Send the link again" for a signed-in person whose address is unverified: a new link (the
 * old ones keep working until they expire), within VERIFY_MAIL_LIMITS. Returns false when the
 * address is verified already (nothing to send).
 * @throws RateLimited
 */
export function resendVerification(db: Db, userId: number, ip: string, now = Date.now()): boolean {
  return writeTx(db, (tx) => {
    const person = tx.select(mailRecipientColumns).from(users).where(eq(users.id, userId)).get();
    if (!person || person.emailVerifiedAt !== null) return false;
    const budget = spendAttempt(tx, verifyMailKeys(userId, ip), now, VERIFY_MAIL_LIMITS);
    if ("throttled" in budget) throw new RateLimited(`You asked for several links in a short time. ${formatRetryWait(budget.throttled)}`, budget.throttled);
    queueAddressVerification(tx, person, now);
    return true;
  });
}

/** What a link would do, for the page a GET shows; throws InvalidLink when it cannot be used. */
export function describeEmailToken(
  db: Db,
  purpose: EmailTokenPurpose,
  token: string | null | undefined,
  now = Date.now(),
): { email: string; username: string } {
  const { row, person } = checkToken(db, purpose, token, now);
  return { email: row.email, username: person.username };
}

/**
 * Marks the account's address verified, if the link is valid, unused, unexpired, for the
 * address still on the account and that address is not verified elsewhere; the token is used
 * up in the same transaction. Otherwise nothing changes.
 * @throws InvalidLink
 */
export function verifyEmail(db: Db, token: string | null | undefined, now = Date.now()): { email: string; username: string } {
  return writeTx(db, (tx) => {
    const { row, person } = checkToken(tx, "verify_email", token, now);
    tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, person.id)).run();
    tx.update(emailTokens).set({ usedAt: now }).where(eq(emailTokens.id, row.id)).run();
    recordAudit(
      tx,
      { userId: person.id, label: `@${person.username}`, source: "web" },
      { action: "user.email_verified", entityType: "user", entityId: person.id, after: { email: row.email } },
      now,
    );
    return { email: row.email, username: person.username };
  });
}

/**
 * "Forgot your password?": when `email` is verified on an active account, queues a reset link
 * to it. Counted per typed address and per client (RESET_LIMITS, separate from sign-in's, so
 * a sign-in lockout never blocks a reset) whether or not any account has the address; the
 * caller answers the same either way.
 * @throws RateLimited
 */
export function requestPasswordReset(db: Db, email: string, ip: string, now = Date.now()): void {
  const address = email.trim().toLowerCase();
  writeTx(db, (tx) => {
    const budget = spendAttempt(tx, resetKeys(address, ip), now, RESET_LIMITS);
    if ("throttled" in budget) throw new RateLimited(`Too many reset requests. ${formatRetryWait(budget.throttled)}`, budget.throttled);
    const person = tx
      .select(mailRecipientColumns)
      .from(users)
      .where(and(eq(users.email, address), isNotNull(users.emailVerifiedAt), isNull(users.disabledAt)))
      .get();
    if (!person) return;
    const token = issueToken(tx, person.id, "reset_password", person.email, RESET_TTL_MS, now);
    const mail = renderResetPasswordMail({
      recipientName: nameOf(person),
      username: person.username,
      url: absolute(`${PAGES.reset_password}?token=${token}`),
      minutes: RESET_TTL_MS / 60_000,
    });
    enqueueMessage(
      tx,
      {
        channel: "email",
        idempotencyKey: `reset-password:${hashToken(token)}`,
        recipientUserId: person.id,
        recipient: person.email,
        kind: "reset_password",
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      },
      mailDomain(),
      now,
    );
  });
}

/**
 * Sets a new password through a reset link (hash it before: no slow work in here): the token
 * and every other unused reset link of the account are used up, every session ends, the
 * account's sign-in failures are forgotten (the reset proved who it is) and an audit record
 * is written, in one transaction. An unusable link changes nothing.
 * @throws InvalidLink
 */
export function resetPassword(db: Db, token: string | null | undefined, passwordHash: string, now = Date.now()): { userId: number; username: string } {
  return writeTx(db, (tx) => {
    const { person } = checkToken(tx, "reset_password", token, now);
    tx.update(users).set({ passwordHash }).where(eq(users.id, person.id)).run();
    tx.update(emailTokens)
      .set({ usedAt: now })
      .where(and(eq(emailTokens.userId, person.id), eq(emailTokens.purpose, "reset_password"), isNull(emailTokens.usedAt)))
      .run();
    endAllSessions(tx, person.id);
    clearAccountFailures(tx, accountKey(person.username));
    const actor: Actor = { userId: person.id, label: `@${person.username}`, source: "web" };
    recordAudit(tx, actor, { action: "user.password_reset", entityType: "user", entityId: person.id, after: { via: "email", email: person.email } }, now);
    return { userId: person.id, username: person.username };
  });
}
