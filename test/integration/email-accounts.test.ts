// Accounts by email, against real SQLite and a real SMTP server in this process: verifying an
// address, mail only to verified addresses, password reset by mail, and a /join that does not
// reveal whose address is whose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { deliverOutbox } from "~/app/jobs/deliver.server";
import { createSmtpSender, type Sender } from "~/app/jobs/smtp.server";
import { cliActor, listAudit, webPerson } from "~/app/models/audit.server";
import { VERIFY_TTL_MS, describeEmailToken, requestPasswordReset, resendVerification, resetPassword, verifyEmail } from "~/app/models/email-tokens.server";
import { createExpense } from "~/app/models/expenses.server";
import { listNotifications } from "~/app/models/notifications.server";
import { joinAccount, setDisabled, updateProfile } from "~/app/models/users.server";
import * as forgot from "~/app/routes/forgot-password";
import * as join from "~/app/routes/join";
import * as login from "~/app/routes/login";
import * as reset from "~/app/routes/reset-password";
import * as settings from "~/app/routes/settings";
import * as verify from "~/app/routes/verify-email";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from "../support/smtp";
import { cookieFor, formInit, makeUser, PASSWORD } from "../support/users";

let smtp: SmtpCatcher;
let sender: Sender;
beforeAll(async () => {
  smtp = await startSmtpCatcher();
  sender = createSmtpSender(smtp.url, "Club Zero <noreply@clubzero.test>");
});
afterAll(async () => {
  sender.close();
  await smtp.stop();
});

const NEW_PASSWORD = "a brand new reset passphrase";
const deliver = () => deliverOutbox(db, sender, { leaseMs: 60_000 });
const digest = () => contentDigest(db.$client);
const userRow = (id: number) =>
  db.$client.prepare("select email, email_verified_at, password_hash from users where id = ?").get(id) as {
    email: string;
    email_verified_at: number | null;
    password_hash: string | null;
  };
const userIdByName = (username: string) => db.$client.prepare("select id from users where username = ?").pluck().get(username) as number;
const outboxFor = (userId: number) =>
  db.$client.prepare("select kind, recipient, text_body from outbox where recipient_user_id = ? order by id").all(userId) as {
    kind: string;
    recipient: string;
    text_body: string;
  }[];
const sessionsOf = (userId: number) => db.$client.prepare("select count(*) from sessions where user_id = ?").pluck().get(userId) as number;

/** Sends what is queued and waits for the mail to `to` whose subject contains `subject`. */
async function mailTo(to: string, subject: string): Promise<CaughtMail> {
  await deliver();
  const found = (await smtp.waitFor((ms) => ms.some((m) => m.to.includes(to) && m.subject.includes(subject)))).filter(
    (m) => m.to.includes(to) && m.subject.includes(subject),
  );
  return found[found.length - 1]!;
}

/** The path and query of the link to `page` in a mail's text (the token as mailed). */
function linkIn(text: string, page: "/verify-email" | "/reset-password"): { path: string; token: string } {
  const match = new RegExp(`${env.APP_ORIGIN}(${page}\\?token=([A-Za-z0-9_.-]+))`).exec(text);
  if (!match) throw new Error(`no ${page} link in the mail:\n${text}`);
  return { path: match[1]!, token: match[2]! };
}

const joinForm = (username: string, email: string) => ({ username, displayName: `Person ${username}`, email, password: PASSWORD });

async function joinAs(username: string, email: string) {
  return call(join.action, "/join", {}, formInit(null, joinForm(username, email)));
}

describe("verifying an address", () => {
  it("a new member's verification mail arrives; its link shows a confirm button, and pressing it verifies the address", async () => {
    const res = await joinAs("vera", "vera@example.org");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const id = userIdByName("vera");
    expect(userRow(id).email_verified_at).toBeNull();

    const mail = await mailTo("vera@example.org", "Confirm your email address");
    expect(mail.text).toContain("works once, for 24 hours");
    const link = linkIn(mail.text, "/verify-email");
    // only the token's hash is stored
    expect(db.$client.prepare("select count(*) from email_tokens where token_hash = ? or token_hash like ?").pluck().get(link.token, `%${link.token}%`)).toBe(
      0,
    );

    // a GET (a mail scanner following the link) only asks
    const before = digest();
    const page = await call(verify.loader, link.path);
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ ok: true, email: "vera@example.org", username: "vera" });
    expect(digest()).toBe(before);

    const done = await call(verify.action, "/verify-email", {}, formInit(null, { token: link.token }));
    expect(done.status).toBe(200);
    expect(((await done.json()) as { message: string }).message).toContain("vera@example.org is confirmed");
    expect(userRow(id).email_verified_at).not.toBeNull();
    const audit = db.$client.prepare("select action from audit_log where entity_type = 'user' and entity_id = ? order by id desc").pluck().get(String(id));
    expect(audit).toBe("user.email_verified");

    // the same link a second time: refused, and nothing changes
    const again = digest();
    const second = await call(verify.action, "/verify-email", {}, formInit(null, { token: link.token }));
    expect(second.status).toBe(400);
    expect(((await second.json()) as { message: string }).message).toContain("already used");
    expect(digest()).toBe(again);
  });

  it("an expired link is refused with a clear message and changes nothing", async () => {
    const user = joinAccount(db, { username: "olga", displayName: "Olga", email: "olga@example.org", passwordHash: null }, Date.now() - VERIFY_TTL_MS - 1000);
    const { token, path } = linkIn(outboxFor(user.id)[0]!.text_body, "/verify-email");
    const before = digest();
    const page = await call(verify.loader, path);
    expect(page.status).toBe(400);
    expect(((await page.json()) as { message: string }).message).toContain("has expired");
    const res = await call(verify.action, "/verify-email", {}, formInit(null, { token }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("has expired");
    expect(digest()).toBe(before);
    expect(userRow(user.id).email_verified_at).toBeNull();
  });

  it("a forged or altered link is refused as not valid and changes nothing", async () => {
    const user = joinAccount(db, { username: "fred", displayName: "Fred", email: "fred@example.org", passwordHash: null });
    const { token } = linkIn(outboxFor(user.id)[0]!.text_body, "/verify-email");
    const [random, signature] = token.split(".") as [string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const before = digest();
    for (const forged of [`${flip(random)}.${signature}`, `${random}.${flip(signature)}`, `${"A".repeat(43)}.${"A".repeat(22)}`, "", "nonsense"]) {
      const res = await call(verify.action, "/verify-email", {}, formInit(null, { token: forged }));
      expect(res.status, forged).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain("is not valid");
    }
    expect(digest()).toBe(before);
    expect(userRow(user.id).email_verified_at).toBeNull();
  });

  it("a link for an address the account no longer has is refused; the new address gets its own link", async () => {
    const user = joinAccount(db, { username: "chad", displayName: "Chad", email: "chad-old@example.org", passwordHash: null });
    const old = linkIn(outboxFor(user.id)[0]!.text_body, "/verify-email");
    updateProfile(db, cliActor, user.id, { displayName: "Chad", email: "chad-new@example.org", githubLogin: null });
    const mails = outboxFor(user.id);
    expect(mails.map((m) => [m.kind, m.recipient])).toEqual([
      ["verify_email", "chad-old@example.org"],
      ["verify_email", "chad-new@example.org"],
    ]);
    const before = digest();
    const res = await call(verify.action, "/verify-email", {}, formInit(null, { token: old.token }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("no longer the account's address");
    expect(digest()).toBe(before);
    const fresh = linkIn(mails[1]!.text_body, "/verify-email");
    expect((await call(verify.action, "/verify-email", {}, formInit(null, { token: fresh.token }))).status).toBe(200);
    expect(userRow(user.id)).toMatchObject({ email: "chad-new@example.org", email_verified_at: expect.any(Number) });
  });

  it("changing a verified address on /settings makes it unverified again and mails the new address a link", async () => {
    const user = await makeUser();
    expect(userRow(user.id).email_verified_at).not.toBeNull();
    const cookie = await cookieFor(user.id);
    const res = await call(
      settings.action,
      "/settings",
      {},
      formInit(cookie, { intent: "profile", displayName: "Me", email: "moved@example.org", githubLogin: "" }),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toContain("We sent a link to moved@example.org");
    expect(userRow(user.id)).toMatchObject({ email: "moved@example.org", email_verified_at: null });
    expect(outboxFor(user.id).map((m) => [m.kind, m.recipient])).toEqual([["verify_email", "moved@example.org"]]);
  });

  it("'send the link again' mails a new link, and after 3 in 15 minutes answers 429 with Retry-After", async () => {
    const user = await makeUser([], undefined, { emailVerified: false });
    const cookie = await cookieFor(user.id);
    const resend = () => call(settings.action, "/settings", {}, formInit(cookie, { intent: "resend-verification" }));
    for (let i = 0; i < 3; i++) expect((await resend()).status).toBe(200);
    expect(outboxFor(user.id).filter((m) => m.kind === "verify_email")).toHaveLength(3);
    const before = digest();
    const refused = await resend();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(outboxFor(user.id)).toHaveLength(3);
    expect(digest()).toBe(before);
  });
});

describe("mail goes only to verified addresses", () => {
  it("an SSC member with an unverified address gets the in-app notification but no mail; a verified one gets both", async () => {
    const unverified = await makeUser(["ssc"], undefined, { emailVerified: false });
    const verified = await makeUser(["ssc"]);
    const requester = await makeUser();
    const input = {
      kind: "pre_approval",
      title: "Train to the meetup",
      event: "SPIFFE meetup",
      category: "travel",
      amountCents: 5_000,
      spentOn: "2026-06-01",
      description: "A talk.",
      bountyId: null,
      targetId: null,
      preApprovalId: null,
      publicRequester: false,
    } as const;
    const expense = createExpense(db, webPerson(requester), input, [], true);
    for (const member of [unverified, verified]) {
      expect(listNotifications(db, member.id).map((n) => n.eventKey)).toContain(`expense:${expense.id}:round:1:vote`);
    }
    expect(outboxFor(unverified.id)).toEqual([]);
    expect(outboxFor(verified.id).map((m) => m.kind)).toEqual(["expense_vote_needed"]);
    await mailTo(verified.email, `Expense #${expense.id} needs your vote`);
    expect(smtp.messages.some((m) => m.to.includes(unverified.email))).toBe(false);
  });
});

describe("password reset by mail", () => {
  const askReset = (email: string) => call(forgot.action, "/forgot-password", {}, formInit(null, { email }));

  it("a known and an unknown address get the same answer; only the known one gets a mail", async () => {
    const user = await makeUser();
    const known = await askReset(user.email);
    const unknown = await askReset("nobody-here@example.org");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    const strip = (body: string, email: string) => body.replaceAll(email, "<address>");
    expect(strip(await unknown.text(), "nobody-here@example.org")).toBe(strip(await known.text(), user.email));
    expect([...unknown.headers.keys()]).toEqual([...known.headers.keys()]);
    expect(outboxFor(user.id).map((m) => m.kind)).toEqual(["reset_password"]);
    expect(db.$client.prepare("select count(*) from outbox where recipient = 'nobody-here@example.org'").pluck().get()).toBe(0);
  });

  it("the mailed link sets a new password, ends every earlier session, and cannot be used again", async () => {
    const user = await makeUser();
    const [first, second] = [await cookieFor(user.id), await cookieFor(user.id)];
    expect(sessionsOf(user.id)).toBe(2);
    expect((await askReset(user.email)).status).toBe(200);
    const mail = await mailTo(user.email, "Reset your password");
    expect(mail.text).toContain(`@${user.username}`);
    expect(mail.text).toContain("works once, for 60 minutes");
    const link = linkIn(mail.text, "/reset-password");

    const page = await call(reset.loader, link.path);
    expect(page.status).toBe(200);
    // the same password policy as /settings
    const weak = await call(reset.action, "/reset-password", {}, formInit(null, { token: link.token, newPassword: "password123" }));
    expect(weak.status).toBe(400);
    expect(sessionsOf(user.id)).toBe(2);

    const hashBefore = userRow(user.id).password_hash;
    const done = await call(reset.action, "/reset-password", {}, formInit(null, { token: link.token, newPassword: NEW_PASSWORD }));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login?reset=done");
    expect(userRow(user.id).password_hash).not.toBe(hashBefore);
    expect(sessionsOf(user.id)).toBe(0);
    for (const cookie of [first, second]) expect((await call(settings.loader, "/settings", {}, { headers: { Cookie: cookie } })).status).toBe(302);
    const audit = db.$client.prepare("select action, actor_user_id from audit_log where entity_id = ? order by id desc").get(String(user.id));
    expect(audit).toEqual({ action: "user.password_reset", actor_user_id: user.id });

    const signIn = (password: string) => call(login.action, "/login", {}, formInit(null, { username: user.username, password }));
    expect((await signIn(PASSWORD)).status).toBe(401);
    expect((await signIn(NEW_PASSWORD)).status).toBe(302);

    const before = digest();
    const reused = await call(reset.action, "/reset-password", {}, formInit(null, { token: link.token, newPassword: "yet another fine passphrase" }));
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { message: string }).message).toContain("already used");
    expect(digest()).toBe(before);
  });

  it("after 5 requests for one address in 15 minutes, the next is answered 429 with Retry-After and mails nothing", async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) expect((await askReset(user.email)).status).toBe(200);
    const refused = await askReset(user.email);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(outboxFor(user.id)).toHaveLength(5);
  });

  it("an account locked out of signing in can still reset its password, and then sign in", async () => {
    const user = await makeUser();
    const signIn = (password: string) => call(login.action, "/login", {}, formInit(null, { username: user.username, password }));
    for (let i = 0; i < 10; i++) expect((await signIn("not the password at all")).status).toBe(401);
    expect((await signIn(PASSWORD)).status).toBe(429);

    expect((await askReset(user.email)).status).toBe(200);
    const link = linkIn((await mailTo(user.email, "Reset your password")).text, "/reset-password");
    expect((await call(reset.action, "/reset-password", {}, formInit(null, { token: link.token, newPassword: NEW_PASSWORD }))).status).toBe(302);
    expect((await signIn(NEW_PASSWORD)).status).toBe(302);
  });

  it("an unverified address gets no reset link (the answer is the same)", async () => {
    const user = await makeUser([], undefined, { emailVerified: false });
    expect((await askReset(user.email)).status).toBe(200);
    expect(outboxFor(user.id)).toEqual([]);
  });
});

describe("joining with an address someone already has", () => {
  it("answers exactly as for a free address; the owner is mailed; the new account does not get the address verified", async () => {
    const owner = await makeUser();
    const taken = await joinAs("tina", owner.email);
    const free = await joinAs("fiona", "fiona@example.org");
    expect(taken.status).toBe(free.status);
    expect(taken.headers.get("location")).toBe(free.headers.get("location"));
    expect([...taken.headers.keys()]).toEqual([...free.headers.keys()]);
    expect(await taken.text()).toBe(await free.text());

    const tina = userIdByName("tina");
    expect(userRow(tina).email_verified_at).toBeNull();
    expect(db.$client.prepare("select count(*) from email_tokens where user_id = ?").pluck().get(tina)).toBe(0);
    expect(outboxFor(tina)).toEqual([]);
    expect(userRow(owner.id).email_verified_at).not.toBeNull();

    const notice = await mailTo(owner.email, "Someone tried to sign up with your address");
    expect(notice.text).toContain(`${env.APP_ORIGIN}/login`);
    expect(notice.text).toContain(`${env.APP_ORIGIN}/forgot-password`);
    await mailTo("fiona@example.org", "Confirm your email address");

    // "send the link again" from the new account mails nobody
    const resend = await call(settings.action, "/settings", {}, formInit(await cookieFor(tina), { intent: "resend-verification" }));
    expect(resend.status).toBe(200);
    expect(outboxFor(tina)).toEqual([]);
  });

  it("a taken username is still said (usernames are public), and no mail goes anywhere", async () => {
    const owner = await makeUser();
    const before = digest();
    const res = await joinAs(owner.username, "someone-new@example.org");
    expect(res.status).toBe(409);
    expect(((await res.json()) as { fieldErrors: Record<string, string> }).fieldErrors.username).toContain("is taken");
    expect(digest()).toBe(before);
  });

  it("an address only claimed (not verified) by another account can still be verified by whoever owns the inbox", async () => {
    joinAccount(db, { username: "squatter", displayName: "S", email: "real@example.org", passwordHash: null });
    await joinAs("realone", "real@example.org");
    const real = userIdByName("realone");
    const link = linkIn(outboxFor(real)[0]!.text_body, "/verify-email");
    expect((await call(verify.action, "/verify-email", {}, formInit(null, { token: link.token }))).status).toBe(200);
    // the squatter's own link now fails: the address belongs to someone else
    const squatter = userIdByName("squatter");
    const theirs = linkIn(outboxFor(squatter)[0]!.text_body, "/verify-email");
    const res = await call(verify.action, "/verify-email", {}, formInit(null, { token: theirs.token }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("confirmed by another account");
  });
});

describe("the links, in the model", () => {
  const tokenFor = (userId: number, kind: "verify_email" | "reset_password") => {
    const rows = db.$client.prepare("select text_body from outbox where recipient_user_id = ? and kind = ? order by id").pluck().all(userId, kind) as string[];
    return linkIn(rows[rows.length - 1]!, kind === "verify_email" ? "/verify-email" : "/reset-password").token;
  };
  const auditOf = (userId: number, action: string) => listAudit(db, { entityType: "user", entityId: String(userId) }).find((a) => a.action === action);

  it("a link works up to the millisecond before it expires, and not at that millisecond", async () => {
    const user = await makeUser([], undefined, { emailVerified: false });
    const t0 = Date.now();
    expect(resendVerification(db, user.id, "203.0.113.50", t0)).toBe(true);
    const token = tokenFor(user.id, "verify_email");
    expect(describeEmailToken(db, "verify_email", token, t0 + VERIFY_TTL_MS - 1)).toEqual({ email: user.email, username: user.username });
    expect(() => describeEmailToken(db, "verify_email", token, t0 + VERIFY_TTL_MS)).toThrow(
      "This confirmation link has expired. Sign in and use “Send the link again” on Settings to get a new one.",
    );
    const result = verifyEmail(db, token, t0 + 5);
    expect(result).toEqual({ email: user.email, username: user.username });
    const audit = auditOf(user.id, "user.email_verified")!;
    expect(audit).toMatchObject({ actorLabel: `@${user.username}`, createdAt: t0 + 5 });
    expect(JSON.parse(audit.afterJson!)).toEqual({ email: user.email });
    // verified now: nothing more to send
    expect(resendVerification(db, user.id, "203.0.113.50", t0 + 6)).toBe(false);
  });

  it("a link's page tells a link made for the other purpose from a valid one", async () => {
    const user = await makeUser([], undefined, { emailVerified: false });
    resendVerification(db, user.id, "203.0.113.51");
    const token = tokenFor(user.id, "verify_email");
    expect(() => describeEmailToken(db, "reset_password", token)).toThrow(/^This password-reset link is not valid \(it may be cut short or altered\)\./);
    expect(() => describeEmailToken(db, "verify_email", `${token}x`)).toThrow(/^This confirmation link is not valid/);
    expect(() => describeEmailToken(db, "verify_email", null)).toThrow(/^This confirmation link is not valid/);
  });

  it("the mail greets a person by display name, or by @username when there is none", async () => {
    const named = await makeUser([], undefined, { emailVerified: false });
    resendVerification(db, named.id, "203.0.113.52");
    const text = db.$client.prepare("select text_body from outbox where recipient_user_id = ? and kind = 'verify_email'").pluck().get(named.id) as string;
    expect(text).toContain(`Test ${named.username}`);
    const plain = await makeUser([], undefined, { emailVerified: false });
    db.$client.prepare("update users set display_name = '' where id = ?").run(plain.id);
    resendVerification(db, plain.id, "203.0.113.52");
    const plainText = db.$client.prepare("select text_body from outbox where recipient_user_id = ? and kind = 'verify_email'").pluck().get(plain.id) as string;
    expect(plainText).toContain(`@${plain.username}`);
  });

  it("'send the link again' says how long to wait once the budget is spent", async () => {
    const user = await makeUser([], undefined, { emailVerified: false });
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) resendVerification(db, user.id, "203.0.113.53", t0 + i);
    expect(() => resendVerification(db, user.id, "203.0.113.53", t0 + 3)).toThrow(
      /^You asked for several links in a short time\. Wait 15 minutes and try again\.$/,
    );
  });

  it("a reset link stops working once the account is disabled or its address is no longer verified", async () => {
    const user = await makeUser();
    requestPasswordReset(db, `  ${user.email.toUpperCase()} `, "203.0.113.54");
    const token = tokenFor(user.id, "reset_password");
    expect(describeEmailToken(db, "reset_password", token)).toEqual({ email: user.email, username: user.username });
    setDisabled(db, cliActor, user.id, true);
    expect(() => describeEmailToken(db, "reset_password", token)).toThrow(/^This password-reset link is not valid/);
    setDisabled(db, cliActor, user.id, false);
    expect(describeEmailToken(db, "reset_password", token).username).toBe(user.username);
    db.$client.prepare("update users set email_verified_at = null where id = ?").run(user.id);
    expect(() => describeEmailToken(db, "reset_password", token)).toThrow(/^This password-reset link is not valid/);
  });

  it("a reset is recorded: who, how and to which address, and the account it was for is returned", async () => {
    const user = await makeUser();
    requestPasswordReset(db, user.email, "203.0.113.55");
    const token = tokenFor(user.id, "reset_password");
    const now = Date.now();
    expect(resetPassword(db, token, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA", now)).toEqual({
      userId: user.id,
      username: user.username,
    });
    const audit = auditOf(user.id, "user.password_reset")!;
    expect(audit).toMatchObject({ actorLabel: `@${user.username}`, createdAt: now });
    expect(JSON.parse(audit.afterJson!)).toEqual({ via: "email", email: user.email });
  });

  it("someone joining with the address of a disabled account mails nobody; an active owner is told once per account", async () => {
    const owner = await makeUser();
    const claimed = (ownerId: number) =>
      db.$client.prepare("select idempotency_key, kind, recipient from outbox where recipient_user_id = ? and kind = 'address_claimed'").all(ownerId) as {
        idempotency_key: string;
        kind: string;
        recipient: string;
      }[];
    const newcomer = joinAccount(db, { username: `taker-${owner.id}`, displayName: "Taker", email: owner.email, passwordHash: "x" });
    expect(claimed(owner.id)).toEqual([{ idempotency_key: `address-claimed:${owner.id}:${newcomer.id}`, kind: "address_claimed", recipient: owner.email }]);
    resendVerification(db, newcomer.id, "203.0.113.56");
    expect(claimed(owner.id)).toHaveLength(1);

    const gone = await makeUser();
    setDisabled(db, cliActor, gone.id, true);
    const before = db.$client.prepare("select count(*) from outbox").pluck().get();
    joinAccount(db, { username: `taker-${gone.id}`, displayName: "Taker", email: gone.email, passwordHash: "x" });
    expect(db.$client.prepare("select count(*) from outbox").pluck().get()).toBe(before);
  });
});
