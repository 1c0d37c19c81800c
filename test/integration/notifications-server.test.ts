// The outbox and the job lease through the real built server (build/server/index.js), on
// this file's database, with a real SMTP server in this process: kill -9 between the event
// and the send, and in the middle of a send; two server processes on one database; the
// one-click unsubscribe link from a real mail, posted with no cookie and no Origin.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { webPerson } from "~/app/models/audit.server";
import { createExpense, type ExpenseInput } from "~/app/models/expenses.server";
import { getPreferences } from "~/app/models/notifications.server";
import { bootOnThisDatabase, killHard, until, type Booted } from "../support/server";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp";
import { makeUser } from "../support/users";
import type { ChildProcess } from "node:child_process";

const LEASE_MS = 1_500;
let smtp: SmtpCatcher;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  smtp = await startSmtpCatcher();
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
  // a dead holder's leases would otherwise delay the next test by a lease
  db.$client.prepare("update jobs set holder = null, lease_until = 0").run();
});
afterAll(async () => {
  await smtp.stop();
});

/** The built server on this file's database. */
function boot(env: Record<string, string>): Promise<Booted> {
  return bootOnThisDatabase({ SMTP_URL: smtp.url, JOB_LEASE_MS: String(LEASE_MS), OUTBOX_POLL_MS: "200", ...env }, children);
}

const outboxJob = () =>
  db.$client.prepare("select holder, lease_until, last_started_at, last_finished_at, runs from jobs where name = 'outbox'").get() as
    { holder: string | null; lease_until: number; last_started_at: number | null; last_finished_at: number | null; runs: number } | undefined;
const outboxRow = (key: string) =>
  db.$client.prepare("select state, attempts, message_id from outbox where idempotency_key = ?").get(key) as
    { state: string; attempts: number; message_id: string } | undefined;
const receivedWithKey = (key: string) => smtp.messages.filter((m) => m.headers.get("x-club-zero-key") === key);

let member: Awaited<ReturnType<typeof makeUser>>;
let requester: Awaited<ReturnType<typeof makeUser>>;
let count = 0;

/** An expense submitted for votes: its event and the member's mail are committed together. Returns the mail's key. */
function fileExpense(): string {
  count++;
  const input: ExpenseInput = {
    kind: "pre_approval",
    title: `Conference ${count}`,
    event: "SPIFFE Day",
    category: "travel",
    amountCents: 10_000 + count,
    spentOn: "2026-05-01",
    description: "A talk.",
    bountyId: null,
    targetId: null,
    preApprovalId: null,
    publicRequester: false,
  };
  const expense = createExpense(db, webPerson(requester), input, [], true);
  return `email:${member.id}:expense:${expense.id}:round:1:vote`;
}

beforeAll(async () => {
  // the only SSC member in this file: each expense makes exactly one mail
  member = await makeUser(["ssc"]);
  requester = await makeUser();
});

describe("the outbox survives kill -9", () => {
  it("killed between the event and the send, the mail is delivered exactly once after a restart", async () => {
    // the first server checks the outbox at start, then not for a minute
    const first = await boot({ OUTBOX_POLL_MS: "60000" });
    await until(() => outboxJob()?.last_finished_at, "the first outbox run");
    const key = fileExpense();
    await killHard(first.child);
    expect(outboxRow(key)?.state).toBe("queued");
    expect(receivedWithKey(key)).toHaveLength(0);

    await boot({});
    await smtp.waitFor(() => receivedWithKey(key).length > 0, 15_000);
    await until(() => outboxRow(key)?.state === "sent", "the row to be marked sent");
    await new Promise((r) => setTimeout(r, 600)); // a few more polls: nothing is sent again
    expect(receivedWithKey(key)).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.messageId === outboxRow(key)!.message_id)).toHaveLength(1);
  });

  it("killed in the middle of a send, the message is sent again after the lease with the same Message-ID, and accepted once", async () => {
    smtp.stall(true);
    const before = smtp.dataStarted();
    const first = await boot({});
    const key = fileExpense();
    await until(() => outboxRow(key)?.state === "sending" && smtp.dataStarted() > before, "the send to hang in DATA");
    await killHard(first.child);
    smtp.stall(false);
    expect(receivedWithKey(key)).toHaveLength(0);

    await boot({});
    await smtp.waitFor(() => receivedWithKey(key).length > 0, 15_000);
    await until(() => outboxRow(key)?.state === "sent", "the row to be marked sent");
    await new Promise((r) => setTimeout(r, 600));
    const row = outboxRow(key)!;
    expect(row.attempts).toBe(2);
    expect(receivedWithKey(key)).toHaveLength(1);
    expect(receivedWithKey(key)[0]!.messageId).toBe(row.message_id);
  });
});

describe("the job lease", () => {
  it("two server processes on one database: the outbox job runs in one; when it dies the other takes over after the lease", async () => {
    const [a, b] = await Promise.all([boot({}), boot({})]);
    const pidOf = new Map([
      [a.child.pid!, a],
      [b.child.pid!, b],
    ]);
    const holderPid = () => Number(outboxJob()?.holder?.split(":")[1]);
    const firstPid = await until(() => pidOf.has(holderPid()) && holderPid(), "a holder");
    const holder = pidOf.get(firstPid)!;
    const other = holder === a ? b : a;

    const keys = Array.from({ length: 5 }, () => fileExpense());
    const seen = new Set<number>();
    await until(() => {
      seen.add(holderPid());
      return keys.every((k) => receivedWithKey(k).length > 0);
    }, "five mails");
    for (let i = 0; i < 10; i++) {
      seen.add(holderPid());
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([...seen]).toEqual([firstPid]);
    for (const key of keys) expect(receivedWithKey(key)).toHaveLength(1);
    expect(holder.output()).toContain("job outbox: this process took the lease");
    expect(other.output()).not.toContain("job outbox: this process took the lease");

    const leaseAtDeath = outboxJob()!.lease_until;
    await killHard(holder.child);
    const key = fileExpense();
    await smtp.waitFor(() => receivedWithKey(key).length > 0, 15_000);
    expect(holderPid()).toBe(other.child.pid);
    expect(other.output()).toContain("job outbox: this process took the lease");
    // it waited for the dead holder's lease to run out
    expect(outboxJob()!.last_started_at).toBeGreaterThanOrEqual(leaseAtDeath);
    expect(receivedWithKey(key)).toHaveLength(1);
  });
});

describe("one-click unsubscribe", () => {
  it("the List-Unsubscribe link from a real mail, POSTed with no cookie and no Origin, turns that kind off for that person", async () => {
    const server = await boot({});
    const key = fileExpense();
    await smtp.waitFor(() => receivedWithKey(key).length > 0, 15_000);
    const header = receivedWithKey(key)[0]!.headers.get("list-unsubscribe")!;
    const link = new URL(/^<(.+)>$/.exec(header)![1]!);

    // a forged token is refused like any cross-site POST, and changes nothing
    const forged = await fetch(`${server.url}/unsubscribe?token=${member.id}.expense_vote_needed.${"A".repeat(43)}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(forged.status).toBe(403);
    expect(getPreferences(db, member.id).expense_vote_needed).toBe("now");

    const res = await fetch(`${server.url}${link.pathname}${link.search}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(getPreferences(db, member.id).expense_vote_needed).toBe("off");
    expect(getPreferences(db, requester.id).expense_vote_needed).toBe("now");
    // a GET only asks
    const page = await fetch(`${server.url}${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Unsubscribe");
  });
});
