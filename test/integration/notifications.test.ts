// Notifications against real SQLite and a real SMTP server in this process: what is queued
// by which decision, what arrives, retries, digests, unsubscribing, and the job lease.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { deliverOutbox } from "~/app/jobs/deliver.server";
import { createSmtpSender, type Sender } from "~/app/jobs/smtp.server";
import { KIND_PERSONAS } from "~/app/lib/bounty-lifecycle";
import { NOTIFICATION_KIND_INFO } from "~/app/lib/notification-kinds";
import { cliActor, webPerson } from "~/app/models/audit.server";
import { applyIntent, createBounty, getBounty, remindExpiringClaims, webBountyActor } from "~/app/models/bounties.server";
import { actOnExpense, createExpense, type ExpenseInput } from "~/app/models/expenses.server";
import { renewLease, takeLease } from "~/app/models/jobs.server";
import { recordDonation } from "~/app/models/ledger.server";
import {
  countUnread,
  describeUnsubscribe,
  getPreferences,
  isWatching,
  listNotifications,
  markAllRead,
  markRead,
  queueDigests,
  setPreferences,
  setWatching,
  unsubscribe,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from "~/app/models/notifications.server";
import { backoffMs, listOutbox } from "~/app/models/outbox.server";
import { getTarget } from "~/app/models/targets.server";
import { setDisabled } from "~/app/models/users.server";
import * as settingsPage from "~/app/routes/settings_.notifications";
import { action as unsubscribeAction } from "~/app/routes/unsubscribe";
import { call } from "../support/remix";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp";
import { cookieFor, formInit, makeUser } from "../support/users";

const DAY = 86_400_000;
let smtp: SmtpCatcher;
let sender: Sender;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  sender = createSmtpSender(smtp.url, "Club Zero <noreply@clubzero.test>");
  recordDonation(
    db,
    { userId: null, label: "test", source: "cli" },
    { date: "2026-01-01", donor: null, amountCents: 1_000_000, currency: "USD", reference: "NOTIFY-1", note: null },
  );
});
afterAll(async () => {
  sender.close();
  await smtp.stop();
});

const deliver = (now = Date.now()) => deliverOutbox(db, sender, { leaseMs: 60_000, clock: () => now });
const outboxRow = (key: string) =>
  db.$client.prepare("select * from outbox where idempotency_key = ?").get(key) as
    { id: number; state: string; attempts: number; next_attempt_at: number; last_error: string | null; message_id: string } | undefined;

function trip(overrides: Partial<ExpenseInput> = {}): ExpenseInput {
  return {
    kind: "pre_approval",
    title: "Flight to KubeCon",
    event: "KubeCon EU",
    category: "travel",
    amountCents: 45_000,
    spentOn: "2026-03-20",
    description: "To give the SPIFFE talk.",
    bountyId: null,
    targetId: null,
    preApprovalId: null,
    publicRequester: false,
    ...overrides,
  };
}

describe("mail about expenses", () => {
  it("an SSC member's 'needs your vote' mail arrives with a link to the expense, plain text and HTML, and one-click unsubscribe headers", async () => {
    const member = await makeUser(["ssc"]);
    const requester = await makeUser();
    const expense = createExpense(db, webPerson(requester), trip(), [], true);
    const key = `email:${member.id}:expense:${expense.id}:round:1:vote`;
    expect(outboxRow(key)?.state).toBe("queued");

    await deliver();
    const [mail] = (await smtp.waitFor((ms) => ms.some((m) => m.to.includes(member.email)))).filter((m) => m.to.includes(member.email));
    const link = `${env.APP_ORIGIN}/expenses/${expense.id}`;
    expect(mail!.subject).toContain(`Expense #${expense.id} needs your vote`);
    expect(mail!.subject).toContain("Club Zero");
    expect(mail!.text).toContain(link);
    expect(mail!.html).toContain(`href="${link}"`);
    expect(mail!.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(mail!.headers.get("list-unsubscribe")).toMatch(new RegExp(`^<${env.APP_ORIGIN}/unsubscribe\\?token=${member.id}\\.expense_vote_needed\\.`));
    expect(mail!.messageId).toBe(outboxRow(key)!.message_id);
    expect(outboxRow(key)!.state).toBe("sent");
    // the requester is not asked to vote on their own request
    expect(outboxRow(`email:${requester.id}:expense:${expense.id}:round:1:vote`)).toBeUndefined();
  });

  it("the requester hears of approval, changes requested and payment; the SSC and admins hear it waits for payment", async () => {
    const [a, b] = [await makeUser(["ssc"]), await makeUser(["ssc"])];
    const admin = await makeUser(["admin"]);
    const requester = await makeUser();
    const asked = createExpense(db, webPerson(requester), trip({ title: "Hotel" }), [], true);
    actOnExpense(db, webPerson(a), asked.id, "changes", { reason: "Add the hotel's name." });
    expect(listNotifications(db, requester.id).map((n) => n.kind)).toEqual(["expense_changes_requested"]);
    actOnExpense(db, webPerson(requester), asked.id, "resubmit");
    // a new round asks for votes again, once more per member
    expect(listNotifications(db, b.id).filter((n) => n.kind === "expense_vote_needed")).toHaveLength(2);
    actOnExpense(db, webPerson(a), asked.id, "approve");
    actOnExpense(db, webPerson(b), asked.id, "approve");
    expect(listNotifications(db, requester.id)[0]!.kind).toBe("expense_approved");
    expect(listNotifications(db, admin.id).map((n) => n.kind)).toContain("expense_payment_waiting");
    actOnExpense(db, webPerson(admin), asked.id, "pay", { paymentReference: "EXP-9", paidOn: "2026-04-01" });
    expect(listNotifications(db, requester.id)[0]!.title).toContain("paid");
    expect(countUnread(db, requester.id)).toBe(3);
  });
});

describe("retries", () => {
  it("with the SMTP server down, mail waits with its attempts and backoff recorded, and is sent once it is back", async () => {
    const member = await makeUser(["ssc"]);
    const requester = await makeUser();
    const expense = createExpense(db, webPerson(requester), trip({ title: "Train" }), [], true);
    const key = `email:${member.id}:expense:${expense.id}:round:1:vote`;
    await smtp.stop();
    const t0 = Date.now();
    try {
      await deliver(t0);
      let row = outboxRow(key)!;
      expect(row.state).toBe("queued");
      expect(row.attempts).toBe(1);
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(row.next_attempt_at).toBe(t0 + backoffMs(1));
      // before the backoff has passed, nothing is tried
      await deliver(t0 + backoffMs(1) - 1);
      expect(outboxRow(key)!.attempts).toBe(1);
      // a second failure waits twice as long
      await deliver(t0 + backoffMs(1));
      row = outboxRow(key)!;
      expect(row.attempts).toBe(2);
      expect(row.next_attempt_at).toBe(t0 + backoffMs(1) + backoffMs(2));
      expect(backoffMs(2)).toBe(2 * backoffMs(1));
    } finally {
      await smtp.start();
    }
    await deliver(t0 + backoffMs(1) + backoffMs(2));
    expect(outboxRow(key)).toMatchObject({ state: "sent", attempts: 3, last_error: null });
    const received = smtp.messages.filter((m) => m.headers.get("x-club-zero-key") === key);
    expect(received).toHaveLength(1);
  });
});

describe("the daily digest", () => {
  it("a day's events reach a watcher as one mail the next day, and the digest is queued only once", async () => {
    const watcher = await makeUser();
    const admin = await makeUser(["admin"]);
    const target = getTarget(db, "envoy")!;
    setWatching(db, webPerson(watcher), "target", target.id, true);
    expect(getPreferences(db, watcher.id).watched_change).toBe("digest");
    const day = Math.floor(Date.now() / DAY) * DAY - 3 * DAY; // a day that has ended
    const titles = ["Envoy SDS docs", "Envoy SVID rotation test", "Envoy example repo"];
    for (const [i, title] of titles.entries()) {
      createBounty(db, webBountyActor(admin), { targetId: target.id, title, description: "Work.", kind: "docs" }, day + (i + 1) * 3_600_000);
    }
    createBounty(db, webBountyActor(admin), { targetId: target.id, title: "Next day's bounty", description: "Work.", kind: "docs" }, day + DAY + 60_000);
    // nothing is mailed at once for a digest kind, but the app shows it
    expect(listOutbox(db).filter((m) => m.recipient === watcher.email)).toEqual([]);
    expect(countUnread(db, watcher.id)).toBe(4);

    expect(queueDigests(db, day + DAY + 3_600_000)).toBe(1); // only the ended day
    expect(queueDigests(db, day + DAY + 7_200_000)).toBe(0);
    await deliver();
    const mails = (await smtp.waitFor((ms) => ms.some((m) => m.to.includes(watcher.email)))).filter((m) => m.to.includes(watcher.email));
    expect(mails).toHaveLength(1);
    for (const title of titles) expect(mails[0]!.text).toContain(title);
    expect(mails[0]!.text).not.toContain("Next day's bounty");
    expect(mails[0]!.subject).toContain(new Date(day).toISOString().slice(0, 10));
    expect(mails[0]!.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });
});

describe("choices", () => {
  it("a kind turned off tells the person nothing, in the app or by mail", async () => {
    const member = await makeUser(["ssc"]);
    setPreferences(db, member.id, { expense_vote_needed: "off" });
    const expense = createExpense(db, webPerson(await makeUser()), trip({ title: "Visa" }), [], true);
    expect(listNotifications(db, member.id)).toEqual([]);
    expect(outboxRow(`email:${member.id}:expense:${expense.id}:round:1:vote`)).toBeUndefined();
  });

  it("the one-click unsubscribe POST with no cookie turns that kind off for that person only", async () => {
    const [member, other] = [await makeUser(["ssc"]), await makeUser(["ssc"])];
    const token = unsubscribeToken(db, member.id, "expense_vote_needed");
    const res = await call(
      unsubscribeAction,
      `/unsubscribe?token=${encodeURIComponent(token)}`,
      {},
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      },
    );
    expect(res.status).toBe(200);
    expect(getPreferences(db, member.id).expense_vote_needed).toBe("off");
    expect(getPreferences(db, member.id).expense_paid).toBe("now");
    expect(getPreferences(db, other.id).expense_vote_needed).toBe("now");
  });

  it("an altered or forged unsubscribe token is refused and changes nothing", async () => {
    const [member, victim] = [await makeUser(["ssc"]), await makeUser(["ssc"])];
    const token = unsubscribeToken(db, member.id, "expense_vote_needed");
    const forged = [
      token.replace(`${member.id}.`, `${victim.id}.`),
      token.replace("expense_vote_needed", "expense_paid"),
      `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`,
      "",
      "1.expense_paid.short",
    ];
    for (const bad of forged) {
      expect(verifyUnsubscribeToken(db, bad)).toBeNull();
      expect(unsubscribe(db, bad)).toBeNull();
      const res = await call(unsubscribeAction, `/unsubscribe?token=${encodeURIComponent(bad)}`, {}, { method: "POST", body: "List-Unsubscribe=One-Click" });
      expect(res.status).toBe(400);
    }
    expect(getPreferences(db, victim.id).expense_vote_needed).toBe("now");
    expect(getPreferences(db, member.id).expense_paid).toBe("now");
  });

  it("the settings page asks each person only about what they can receive; saving keeps the choices it did not show", async () => {
    const groups = async (roles: ("ssc" | "admin" | "packager")[]) => {
      const user = await makeUser(roles);
      const res = await call(settingsPage.loader, "/settings/notifications", {}, { headers: { Cookie: await cookieFor(user.id) } });
      return { user, audiences: (await res.json()).audiences as string[] };
    };
    const contributor = await groups([]);
    expect(contributor.audiences).toEqual(["claimant", "requester", "watchers"]);
    expect((await groups(["packager"])).audiences).toEqual(["claimant", "requester", "packager", "watchers"]);
    expect((await groups(["ssc"])).audiences).toEqual(["claimant", "reviewers", "ssc", "requester", "watchers"]);
    expect((await groups(["admin"])).audiences).toEqual(["claimant", "reviewers", "requester", "watchers"]);

    // a contributor who saves the page (without the SSC's kinds) keeps those as they were, for the day they join the SSC
    setPreferences(db, contributor.user.id, { expense_vote_needed: "digest" });
    const saved = await call(settingsPage.action, "/settings/notifications", {}, formInit(await cookieFor(contributor.user.id), { claim_expired: "off" }));
    expect(saved.status).toBe(200);
    expect(getPreferences(db, contributor.user.id)).toMatchObject({ claim_expired: "off", expense_vote_needed: "digest" });
  });

  it("marking read: one, then all; someone else's notification is left alone", async () => {
    const member = await makeUser(["ssc"]);
    const stranger = await makeUser();
    for (const title of ["A", "B", "C"]) createExpense(db, webPerson(await makeUser()), trip({ title }), [], true);
    const [first] = listNotifications(db, member.id);
    expect(markRead(db, stranger.id, first!.id)).toBe(false);
    expect(markRead(db, member.id, first!.id)).toBe(true);
    expect(countUnread(db, member.id)).toBe(2);
    // unread first
    expect(listNotifications(db, member.id).at(-1)!.id).toBe(first!.id);
    expect(markAllRead(db, member.id)).toBe(2);
    expect(countUnread(db, member.id)).toBe(0);
  });
});

describe("bounty news", () => {
  it("a claimant hears of work sent back and completed; reviewers of work submitted; a claim about to expire is reminded once per deadline", async () => {
    const admin = await makeUser(["admin"]);
    const reviewer = await makeUser(["ssc"]);
    const claimant = await makeUser();
    const bounty = createBounty(db, webBountyActor(admin), {
      targetId: getTarget(db, "kafka")!.id,
      title: "Kafka SVID docs",
      description: "Docs.",
      kind: "docs",
    });
    const t0 = Date.now();
    applyIntent(db, webBountyActor(claimant), bounty.id, "claim", {}, t0);
    const expiresAt = t0 + env.CLAIM_DAYS * DAY;
    expect(remindExpiringClaims(db, expiresAt - 4 * DAY)).toBe(0);
    expect(remindExpiringClaims(db, expiresAt - 2 * DAY)).toBe(1);
    expect(remindExpiringClaims(db, expiresAt - DAY)).toBe(0); // once per deadline
    applyIntent(db, webBountyActor(claimant), bounty.id, "submit", { links: ["https://example.org/pr/1"] }, t0 + DAY);
    expect(listNotifications(db, reviewer.id).map((n) => n.kind)).toContain("review_needed");
    applyIntent(db, webBountyActor(reviewer), bounty.id, "reopen", { reason: "Add an example." }, t0 + DAY + 1);
    applyIntent(db, webBountyActor(claimant), bounty.id, "submit", { links: ["https://example.org/pr/2"] }, t0 + DAY + 2);
    applyIntent(db, webBountyActor(reviewer), bounty.id, "complete", {}, t0 + DAY + 3);
    const kinds = listNotifications(db, claimant.id).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(["claim_expiring", "work_sent_back", "work_completed"]));
    expect(listNotifications(db, claimant.id).find((n) => n.kind === "work_sent_back")!.body).toContain("Add an example.");
    // the reviewer did the sending back and completing: no news of their own acts
    expect(listNotifications(db, reviewer.id).filter((n) => n.kind === "review_needed")).toHaveLength(2);
  });

  it("each decision is told in words to whom it concerns, once each: reviewers, the claimant, the credited, the bounty's watchers; never the one who acted", async () => {
    const admin = await makeUser(["admin"]);
    const reviewer = await makeUser(["ssc"]);
    const claimant = await makeUser();
    const watcher = await makeUser();
    const title = "Fluent Bit SVID output";
    const bounty = createBounty(db, webBountyActor(admin), { targetId: getTarget(db, "fluent-bit")!.id, title, description: "Docs.", kind: "code" });
    const link = `/bounties/${bounty.id}`;
    for (const user of [watcher, claimant]) setWatching(db, webPerson(user), "bounty", bounty.id, true);
    const news = (userId: number) =>
      db.$client.prepare("select kind, title, body, link from notifications where user_id = ? order by id").all(userId) as {
        kind: string;
        title: string;
        body: string;
        link: string;
      }[];
    const t0 = Date.now();
    const by = (u: { username: string }) => `@${u.username}`;

    applyIntent(db, webBountyActor(claimant), bounty.id, "claim", {}, t0);
    applyIntent(db, webBountyActor(claimant), bounty.id, "submit", { links: ["https://example.org/pr/9"] }, t0 + 1);
    expect(news(reviewer.id)).toContainEqual({
      kind: "review_needed",
      title: `Work submitted for review: ${title}`,
      body: `${by(claimant)} submitted the work on "${title}". Review it, then complete it or send it back.`,
      link,
    });
    applyIntent(db, webBountyActor(reviewer), bounty.id, "reopen", { reason: "Add a test." }, t0 + 2);
    applyIntent(db, webBountyActor(claimant), bounty.id, "submit", { links: ["https://example.org/pr/10"] }, t0 + 3);
    applyIntent(db, webBountyActor(reviewer), bounty.id, "complete", {}, t0 + 4);

    // the claimant, who also watches the bounty, hears of each decision once, in the words made for them
    expect(news(claimant.id)).toEqual([
      {
        kind: "work_sent_back",
        title: `Your work was sent back: ${title}`,
        body: `${by(reviewer)} sent your work on "${title}" back from review. They said: "Add a test."`,
        link,
      },
      { kind: "work_completed", title: `Your work is completed: ${title}`, body: `"${title}" is completed and credited to you. Thank you!`, link },
    ]);
    // a watcher hears every move, with who made it and where the bounty is now
    expect(news(watcher.id)).toEqual([
      { kind: "watched_change", title: `${title}: claimed`, body: `${by(claimant)} acted on "${title}" (claim); it is now claimed.`, link },
      { kind: "watched_change", title: `${title}: in review`, body: `${by(claimant)} acted on "${title}" (submit); it is now in review.`, link },
      {
        kind: "watched_change",
        title: `${title}: in progress`,
        body: `${by(reviewer)} acted on "${title}" (reopen); it is now in progress. They said: "Add a test."`,
        link,
      },
      { kind: "watched_change", title: `${title}: in review`, body: `${by(claimant)} acted on "${title}" (submit); it is now in review.`, link },
      { kind: "watched_change", title: `${title}: completed`, body: `${by(reviewer)} acted on "${title}" (complete); it is now completed.`, link },
    ]);
    // the reviewer is told of the two submissions, and of nothing they did themselves
    expect(
      news(reviewer.id)
        .filter((n) => n.link === link)
        .map((n) => n.kind),
    ).toEqual(["review_needed", "review_needed"]);
  });

  it("news of GitHub's moves: a pull request opened asks reviewers, its merge tells the credited member, and watchers read it as upstream", async () => {
    const reviewer = await makeUser(["ssc"]);
    const member = await makeUser();
    const watcher = await makeUser();
    const title = "Cilium SVID rotation";
    const bounty = createBounty(db, webBountyActor(await makeUser(["admin"])), {
      targetId: getTarget(db, "cilium")!.id,
      title,
      description: "Code.",
      kind: "code",
    });
    setWatching(db, webPerson(watcher), "bounty", bounty.id, true);
    const github = { userId: null, label: "github:octocat", source: "github" as const, roles: [] };
    const t0 = Date.now();
    applyIntent(db, github, bounty.id, "upstream_review", { links: ["https://github.com/cilium/cilium/pull/1"] }, t0);
    expect(listNotifications(db, reviewer.id).find((n) => n.link === `/bounties/${bounty.id}`)).toMatchObject({
      kind: "review_needed",
      body: `github:octocat submitted the work on "${title}". Review it, then complete it or send it back.`,
    });
    applyIntent(db, github, bounty.id, "upstream_complete", { credit: { userId: member.id, githubLogin: null } }, t0 + 1);
    expect(listNotifications(db, member.id)).toMatchObject([{ kind: "work_completed", title: `Your work is completed: ${title}` }]);
    expect(listNotifications(db, watcher.id).map((n) => n.body)).toEqual([
      `github:octocat acted on "${title}" (upstream complete); it is now completed.`,
      `github:octocat acted on "${title}" (upstream review); it is now in review.`,
    ]);
  });

  it("a proposal tells the reviewers what waits; a bounty opened tells the target's watchers; each is audited, with the kind's personas unless some are chosen", async () => {
    const reviewer = await makeUser(["ssc"]);
    const watcher = await makeUser();
    const proposer = await makeUser();
    const target = getTarget(db, "spire")!;
    setWatching(db, webPerson(watcher), "target", target.id, true);
    const audited = (id: number) =>
      db.$client
        .prepare("select action, actor_label as actor, after_json as after from audit_log where entity_type = 'bounty' and entity_id = ?")
        .all(String(id));

    const proposal = createBounty(db, webBountyActor(proposer), { targetId: target.id, title: "SPIRE on FreeBSD", description: "Port it.", kind: "packaging" });
    expect(listNotifications(db, reviewer.id).find((n) => n.link === `/bounties/${proposal.id}`)).toMatchObject({
      kind: "proposal_waiting",
      title: "A bounty proposal is waiting: SPIRE on FreeBSD",
      body: `@${proposer.username} proposed "SPIRE on FreeBSD". Accept it to open it, or decline it with a reason.`,
    });
    expect(audited(proposal.id)).toEqual([
      { action: "bounty.proposed", actor: `@${proposer.username}`, after: '{"title":"SPIRE on FreeBSD","kind":"packaging","status":"proposed"}' },
    ]);
    expect([...getBounty(db, proposal.id)!.personas].sort()).toEqual([...KIND_PERSONAS.packaging].sort());

    const opened = createBounty(db, webBountyActor(reviewer), {
      targetId: target.id,
      title: "SPIRE agent how-to",
      description: "Write it.",
      kind: "tutorial",
      personas: ["translator", "translator"],
    });
    expect(listNotifications(db, watcher.id)).toMatchObject([
      {
        kind: "watched_change",
        title: "New bounty: SPIRE agent how-to",
        body: 'A new bounty was opened on a target you watch: "SPIRE agent how-to".',
        link: `/bounties/${opened.id}`,
      },
    ]);
    expect(audited(opened.id)).toEqual([
      { action: "bounty.created", actor: `@${reviewer.username}`, after: '{"title":"SPIRE agent how-to","kind":"tutorial","status":"open"}' },
    ]);
    expect(getBounty(db, opened.id)!.personas).toEqual(["translator"]);
  });

  it("a claim's reminder says how many days are left and the date it runs out; work in review is not reminded", async () => {
    const admin = await makeUser(["admin"]);
    const kafka = getTarget(db, "kafka")!.id;
    const open = (title: string) => createBounty(db, webBountyActor(admin), { targetId: kafka, title, description: "Docs.", kind: "docs" });
    const t0 = Date.UTC(2026, 5, 1, 12);
    const [soon, later, reviewed] = [await makeUser(), await makeUser(), await makeUser()];
    const first = open("Kafka mTLS guide");
    const second = open("Kafka SVID rotation");
    const third = open("Kafka ACLs by SPIFFE ID");
    applyIntent(db, webBountyActor(soon), first.id, "claim", {}, t0);
    applyIntent(db, webBountyActor(later), second.id, "claim", {}, t0 + DAY / 2);
    applyIntent(db, webBountyActor(reviewed), third.id, "claim", {}, t0);
    applyIntent(db, webBountyActor(reviewed), third.id, "submit", { links: ["https://example.org/pr/3"] }, t0);
    const expiresAt = t0 + env.CLAIM_DAYS * DAY;
    const now = expiresAt - DAY / 4;
    expect(remindExpiringClaims(db, now)).toBe(2);
    const runsOut = new Date(expiresAt).toISOString().slice(0, 10);
    expect(listNotifications(db, soon.id)).toMatchObject([
      {
        kind: "claim_expiring",
        title: "Your claim expires in 1 day: Kafka mTLS guide",
        body: `Your claim on "Kafka mTLS guide" runs out on ${runsOut} unless you check in. Add a progress note to keep it, or release it so someone else can pick it up.`,
        link: `/bounties/${first.id}`,
      },
    ]);
    expect(listNotifications(db, later.id).map((n) => n.title)).toEqual(["Your claim expires in 1 day: Kafka SVID rotation"]);
    expect(listNotifications(db, reviewed.id).filter((n) => n.kind === "claim_expiring")).toEqual([]);
    // two and a half days before, the count is rounded up
    const early = open("Kafka Connect SVIDs");
    const patient = await makeUser();
    applyIntent(db, webBountyActor(patient), early.id, "claim", {}, t0 + 10 * DAY);
    expect(remindExpiringClaims(db, t0 + 10 * DAY + env.CLAIM_DAYS * DAY - 2.5 * DAY)).toBe(1);
    expect(listNotifications(db, patient.id).map((n) => n.title)).toEqual(["Your claim expires in 3 days: Kafka Connect SVIDs"]);
  });

  it("watchers of a proposal's target hear nothing of it (its title is private); reviewers do", async () => {
    const watcher = await makeUser();
    const reviewer = await makeUser(["ssc"]);
    const target = getTarget(db, "mysql")!;
    setWatching(db, webPerson(watcher), "target", target.id, true);
    createBounty(db, webBountyActor(await makeUser()), { targetId: target.id, title: "Secret idea", description: "Shh.", kind: "code" });
    expect(listNotifications(db, watcher.id)).toEqual([]);
    expect(listNotifications(db, reviewer.id).map((n) => n.kind)).toContain("proposal_waiting");
  });
});

describe("job leases", () => {
  it("one holder at a time: another takes the lease only after it expires, and the old holder then cannot renew it", () => {
    const t0 = Date.now();
    expect(takeLease(db, "test-job", "A", 1_000, 60_000, t0)).toMatchObject({ held: true, acquired: true, due: true });
    expect(takeLease(db, "test-job", "B", 1_000, 60_000, t0 + 500).held).toBe(false);
    expect(renewLease(db, "test-job", "A", 1_000, t0 + 900)).toBe(true);
    expect(takeLease(db, "test-job", "B", 1_000, 60_000, t0 + 1_800).held).toBe(false);
    expect(takeLease(db, "test-job", "B", 1_000, 60_000, t0 + 1_901)).toMatchObject({ held: true, acquired: true });
    expect(renewLease(db, "test-job", "A", 1_000, t0 + 1_950)).toBe(false);
    expect(takeLease(db, "test-job", "B", 1_000, 60_000, t0 + 2_000)).toMatchObject({ held: true, acquired: false });
  });
});

describe("unsubscribe links, digests and watching, in the model", () => {
  it("a digest token is valid and says what it turns off: every kind the person gets as a digest, and nothing else", async () => {
    const member = await makeUser();
    setPreferences(db, member.id, { expense_paid: "digest", work_completed: "now" });
    const before = getPreferences(db, member.id);
    const digestKinds = Object.entries(before)
      .filter(([, delivery]) => delivery === "digest")
      .map(([kind]) => kind);
    expect(digestKinds).toContain("expense_paid");
    const token = unsubscribeToken(db, member.id, "digest");
    expect(verifyUnsubscribeToken(db, token)).toEqual({ userId: member.id, scope: "digest" });
    expect(describeUnsubscribe(db, token)).toEqual({ label: "The daily digest", username: member.username });
    const done = unsubscribe(db, token)!;
    expect(done.userId).toBe(member.id);
    expect([...done.kinds].sort()).toEqual([...digestKinds].sort());
    const after = getPreferences(db, member.id);
    for (const [kind, delivery] of Object.entries(before)) expect(after[kind as keyof typeof after], kind).toBe(delivery === "digest" ? "off" : delivery);

    const one = unsubscribeToken(db, member.id, "work_completed");
    expect(describeUnsubscribe(db, one)).toEqual({ label: NOTIFICATION_KIND_INFO.work_completed.label, username: member.username });
    expect(unsubscribe(db, one)).toEqual({ userId: member.id, kinds: ["work_completed"] });
  });

  it("a token for an account that does not exist, or with a user id longer than any, describes and changes nothing", () => {
    const ghost = unsubscribeToken(db, 987_654_321, "expense_paid");
    expect(verifyUnsubscribeToken(db, ghost)).toEqual({ userId: 987_654_321, scope: "expense_paid" });
    expect(describeUnsubscribe(db, ghost)).toBeNull();
    expect(unsubscribe(db, ghost)).toBeNull();
    const long = unsubscribeToken(db, 1_234_567_890_123, "expense_paid");
    expect(verifyUnsubscribeToken(db, long)).toBeNull();
    expect(verifyUnsubscribeToken(db, `x${unsubscribeToken(db, 1, "expense_paid")}`)).toBeNull();
    expect(verifyUnsubscribeToken(db, `${unsubscribeToken(db, 1, "expense_paid")}x`)).toBeNull();
  });

  it("a digest goes to verified, active people only, greeting each by name, once per day; everyone's items are carried", async () => {
    const named = await makeUser();
    const plain = await makeUser();
    db.$client.prepare("update users set display_name = '' where id = ?").run(plain.id);
    const unverified = await makeUser([], undefined, { emailVerified: false });
    const disabled = await makeUser();
    const people = [named, plain, unverified, disabled];
    const target = getTarget(db, "kafka")!;
    for (const p of people) setWatching(db, webPerson(p), "target", target.id, true);
    setDisabled(db, cliActor, disabled.id, true);
    const admin = await makeUser(["admin"]);
    const day = Math.floor(Date.now() / DAY) * DAY - 10 * DAY;
    createBounty(db, webBountyActor(admin), { targetId: target.id, title: "Kafka digest item", description: "Work.", kind: "docs" }, day + 3_600_000);

    queueDigests(db, day + DAY + 60_000);
    const dayText = new Date(day).toISOString().slice(0, 10);
    const digestOf = (userId: number) =>
      db.$client.prepare("select idempotency_key, kind, text_body, headers_json from outbox where recipient_user_id = ? and kind = 'digest'").all(userId) as {
        idempotency_key: string;
        kind: string;
        text_body: string;
        headers_json: string;
      }[];
    const [toNamed] = digestOf(named.id);
    expect(toNamed).toMatchObject({ idempotency_key: `digest:${named.id}:${dayText}`, kind: "digest" });
    expect(toNamed!.text_body).toContain(`Test ${named.username}`);
    expect(toNamed!.text_body).toContain("Kafka digest item");
    expect(toNamed!.text_body).toContain(`${env.APP_ORIGIN}/settings/notifications`);
    const headers = JSON.parse(toNamed!.headers_json) as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(headers["List-Unsubscribe"]!)![1]!;
    expect(verifyUnsubscribeToken(db, new URL(link).searchParams.get("token"))).toEqual({ userId: named.id, scope: "digest" });
    expect(digestOf(plain.id)[0]!.text_body).toContain(`@${plain.username}`);
    expect(digestOf(unverified.id)).toEqual([]);
    expect(digestOf(disabled.id)).toEqual([]);
    const pending = db.$client.prepare("select count(*) from notifications where user_id = ? and digest_pending = 1").pluck();
    for (const p of people) expect(pending.get(p.id), p.username).toBe(0);
    queueDigests(db, day + DAY + 120_000);
    expect(digestOf(named.id)).toHaveLength(1);
  });

  it("watching: only signed in, only what exists and may be seen; twice is one watch; unwatching ends it", async () => {
    const watcher = await makeUser();
    const viewer = webPerson(watcher);
    const target = getTarget(db, "envoy")!;
    expect(() => setWatching(db, { userId: null, roles: [] }, "target", target.id, true)).toThrow("Sign in to watch.");
    expect(() => setWatching(db, viewer, "target", 999_999, true)).toThrow("There is no such target.");
    expect(() => setWatching(db, viewer, "bounty", 999_999, true)).toThrow("There is no such bounty.");
    const proposal = createBounty(db, webBountyActor(await makeUser()), {
      targetId: target.id,
      title: "A private proposal",
      description: "Not yet public.",
      kind: "docs",
    });
    expect(() => setWatching(db, viewer, "bounty", proposal.id, true)).toThrow("There is no such bounty.");
    expect(isWatching(db, watcher.id, "target", target.id)).toBe(false);
    setWatching(db, viewer, "target", target.id, true);
    setWatching(db, viewer, "target", target.id, true);
    expect(isWatching(db, watcher.id, "target", target.id)).toBe(true);
    expect(db.$client.prepare("select count(*) from watches where user_id = ?").pluck().get(watcher.id)).toBe(1);
    setWatching(db, viewer, "target", target.id, false);
    expect(isWatching(db, watcher.id, "target", target.id)).toBe(false);
  });

  it("a mail sent at once greets by display name, or by @username without one", async () => {
    const named = await makeUser(["ssc"]);
    const plain = await makeUser(["ssc"]);
    db.$client.prepare("update users set display_name = '' where id = ?").run(plain.id);
    const expense = createExpense(db, webPerson(await makeUser()), trip({ title: "Greeting" }), [], true);
    const body = (userId: number) =>
      db.$client.prepare("select text_body from outbox where idempotency_key = ?").pluck().get(`email:${userId}:expense:${expense.id}:round:1:vote`) as string;
    expect(body(named.id)).toContain(`Test ${named.username}`);
    expect(body(plain.id)).toContain(`@${plain.username}`);
    expect(body(named.id)).toContain(`${env.APP_ORIGIN}/settings/notifications`);
  });
});
