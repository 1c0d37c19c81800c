// The background work's bookkeeping, in process: job leases and health (app/models/jobs.server.ts)
// and the outbox's states (app/models/outbox.server.ts): who may run a job and when it is due,
// what /admin shows of each job, and how a message moves from queued to sent, failed or held.
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { listJobHealth, recordJobEnd, recordJobStart, registerJobs, releaseLease, renewLease, takeLease } from "~/app/models/jobs.server";
import {
  MAX_ATTEMPTS,
  backoffMs,
  countOutboxByState,
  enqueueMessage,
  getOutboxMessage,
  holdQueued,
  listOutbox,
  markAttemptFailed,
  markSent,
  messageIdFor,
  releaseHeld,
  takeDueMessages,
  untakeMessages,
  type OutgoingMessage,
} from "~/app/models/outbox.server";

let jobNo = 0;
const jobName = () => `test-job-${++jobNo}`;
const health = (name: string) => listJobHealth(db).find((j) => j.name === name)!;

describe("job leases", () => {
  it("a lease ends at its last millisecond: at leaseUntil another process may take it", () => {
    const name = jobName();
    const t0 = 1_000_000;
    expect(takeLease(db, name, "A", 1_000, 60_000, t0)).toEqual({ held: true, acquired: true, due: true });
    expect(takeLease(db, name, "B", 1_000, 60_000, t0 + 999)).toEqual({ held: false, acquired: false, due: false });
    expect(takeLease(db, name, "B", 1_000, 60_000, t0 + 1_000)).toMatchObject({ held: true, acquired: true });
  });

  it("a job is due on its first run, when its next run time comes, or when this process's shorter interval has passed", () => {
    const name = jobName();
    const t0 = 2_000_000;
    expect(takeLease(db, name, "A", 60_000, 600_000, t0).due).toBe(true); // never ran
    recordJobStart(db, name, t0);
    recordJobEnd(db, name, { error: null, nextRunAt: t0 + 600_000 }, t0 + 100);
    expect(takeLease(db, name, "A", 60_000, 600_000, t0 + 599_999).due).toBe(false);
    expect(takeLease(db, name, "A", 60_000, 600_000, t0 + 600_000).due).toBe(true);
    // a process configured to run it every minute finds it due a minute after the last run ended
    expect(takeLease(db, name, "A", 60_000, 60_000, t0 + 100 + 59_999).due).toBe(false);
    expect(takeLease(db, name, "A", 60_000, 60_000, t0 + 100 + 60_000)).toEqual({ held: true, acquired: false, due: true });
  });

  it("only the holder renews or releases a lease; once released, anyone takes it at once", () => {
    const name = jobName();
    const t0 = 3_000_000;
    takeLease(db, name, "A", 60_000, 60_000, t0);
    expect(renewLease(db, name, "B", 60_000, t0 + 1)).toBe(false);
    releaseLease(db, name, "B");
    expect(health(name)).toMatchObject({ holder: "A", leaseUntil: t0 + 60_000 });
    expect(renewLease(db, name, "A", 60_000, t0 + 10)).toBe(true);
    expect(health(name).leaseUntil).toBe(t0 + 10 + 60_000);
    releaseLease(db, name, "A");
    expect(health(name)).toMatchObject({ holder: null, leaseUntil: 0 });
    expect(takeLease(db, name, "B", 60_000, 60_000, t0 + 20)).toMatchObject({ held: true, acquired: true });
  });

  it("registering jobs makes their rows once, and /admin lists them by name with who holds them and whether they fail", () => {
    const [first, second] = [`${jobName()}-a`, `${jobName()}-b`];
    registerJobs(db, [second, first]);
    registerJobs(db, [first]);
    const names = listJobHealth(db).map((j) => j.name);
    expect(names.filter((n) => n === first)).toHaveLength(1);
    expect(names).toEqual([...names].sort());
    expect(health(first)).toMatchObject({ holder: null, leased: false, failing: false, runs: 0, failures: 0, lastSuccessAt: null });
  });

  it("the health of a job: leased while its lease runs, failing from a failed run until the next success", () => {
    const name = jobName();
    const now = Date.now();
    takeLease(db, name, "web-1", 60_000, 60_000, now);
    expect(listJobHealth(db, now + 59_999).find((j) => j.name === name)!.leased).toBe(true);
    expect(listJobHealth(db, now + 60_000).find((j) => j.name === name)!.leased).toBe(false);

    recordJobStart(db, name, now);
    recordJobStart(db, name, now + 1);
    expect(health(name)).toMatchObject({ runs: 2, lastStartedAt: now + 1 });
    recordJobEnd(db, name, { error: `the SMTP server refused: ${"x".repeat(3_000)}`, nextRunAt: now + 5_000 }, now + 2);
    let job = health(name);
    expect(job).toMatchObject({ failing: true, failures: 1, lastErrorAt: now + 2, lastFinishedAt: now + 2, lastSuccessAt: null, nextRunAt: now + 5_000 });
    expect(job.lastError).toHaveLength(2_000);
    expect(job.lastError!.startsWith("the SMTP server refused: ")).toBe(true);

    recordJobEnd(db, name, { error: null, nextRunAt: now + 9_000 }, now + 3);
    job = health(name);
    expect(job).toMatchObject({ failing: false, failures: 1, lastSuccessAt: now + 3, lastFinishedAt: now + 3, nextRunAt: now + 9_000 });
    // the old error stays for the record, but a success after it means the job is well
    expect(job.lastError).not.toBeNull();

    recordJobEnd(db, name, { error: "down again", nextRunAt: now + 10_000 }, now + 4);
    expect(health(name)).toMatchObject({ failing: true, failures: 2, lastError: "down again" });
    // an error at the same millisecond as the last success is not newer than it
    recordJobEnd(db, name, { error: null, nextRunAt: now + 10_000 }, now + 5);
    db.$client.prepare("update jobs set last_error_at = ? where name = ?").run(now + 5, name);
    expect(health(name).failing).toBe(false);
  });
});

let keyNo = 0;
function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const key = `test:${++keyNo}:${Math.random()}`;
  return {
    channel: "email",
    idempotencyKey: key,
    recipientUserId: null,
    recipient: `r${keyNo}@example.org`,
    kind: "test",
    subject: "Hello",
    text: "Body",
    ...overrides,
  };
}
/** Queues a message at `at` and returns its row's id. */
function queued(at: number, overrides: Partial<OutgoingMessage> = {}) {
  const m = message(overrides);
  expect(enqueueMessage(db, m, "clubzero.test", at)).toBe(true);
  return db.$client.prepare("select id from outbox where idempotency_key = ?").pluck().get(m.idempotencyKey) as number;
}
/** Only this test's rows (others share the database): takes them, then puts back the rest. */
function takeOnly(ids: number[], channel: "email" | "github_comment", leaseMs: number, now: number, limit = 1_000) {
  const taken = takeDueMessages(db, channel, leaseMs, now, limit);
  untakeMessages(
    db,
    taken.filter((m) => !ids.includes(m.id)).map((m) => m.id),
  );
  return taken.filter((m) => ids.includes(m.id));
}

describe("the outbox", () => {
  it("the backoff doubles from 30 seconds after each failed attempt, up to 6 hours", () => {
    expect([0, 1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(10)).toBe(30_000 * 512);
    expect(backoffMs(11)).toBe(6 * 3_600_000);
    expect(backoffMs(40)).toBe(6 * 3_600_000);
    // the waits between a message's MAX_ATTEMPTS attempts add up to about 4¼ hours
    const waits = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => backoffMs(i + 1)).reduce((s, ms) => s + ms, 0);
    expect(waits).toBe(30_000 * 511);
  });

  it("one message per key, ever, with a Message-ID fixed by its key", () => {
    const m = message();
    expect(enqueueMessage(db, m, "clubzero.test", 1)).toBe(true);
    expect(enqueueMessage(db, { ...m, subject: "Again" }, "clubzero.test", 2)).toBe(false);
    const id = messageIdFor(m.idempotencyKey, "clubzero.test");
    expect(id).toMatch(/^<[0-9a-f]{32}@clubzero\.test>$/);
    expect(messageIdFor(m.idempotencyKey, "clubzero.test")).toBe(id);
    expect(messageIdFor(`${m.idempotencyKey}x`, "clubzero.test")).not.toBe(id);
    const row = db.$client
      .prepare("select subject, message_id as messageId, created_at as createdAt from outbox where idempotency_key = ?")
      .get(m.idempotencyKey);
    expect(row).toEqual({ subject: "Hello", messageId: id, createdAt: 1 });
  });

  it("takes due messages of one channel, oldest first, under a lease, counting the attempt; a lapsed lease makes one due again", () => {
    const now = 10_000_000;
    const later = queued(now - 10);
    const earlier = queued(now - 20);
    const notYet = queued(now + 1);
    const otherChannel = queued(now - 30, { channel: "github_comment" });
    const taken = takeOnly([later, earlier, notYet, otherChannel], "email", 5_000, now);
    expect(taken.map((m) => m.id)).toEqual([earlier, later]);
    expect(taken.map((m) => [m.state, m.attempts, m.leaseUntil])).toEqual([
      ["sending", 1, now + 5_000],
      ["sending", 1, now + 5_000],
    ]);
    // while the sender's lease runs nobody else takes them; after it, they are due again
    expect(takeOnly([later, earlier], "email", 5_000, now + 5_000)).toEqual([]);
    expect(takeOnly([later, earlier], "email", 5_000, now + 5_001).map((m) => [m.id, m.attempts])).toEqual([
      [earlier, 2],
      [later, 2],
    ]);
    expect(takeOnly([otherChannel], "github_comment", 5_000, now).map((m) => m.id)).toEqual([otherChannel]);
  });

  it("takes no more than the limit, and the oldest first", () => {
    const now = 20_000_000;
    const ids = [queued(now - 3), queued(now - 2), queued(now - 1)];
    const taken = takeDueMessages(db, "email", 5_000, now, 2);
    expect(taken).toHaveLength(2);
    expect(taken[0]!.nextAttemptAt).toBeLessThanOrEqual(taken[1]!.nextAttemptAt);
    untakeMessages(
      db,
      taken.map((m) => m.id),
    );
    expect(takeOnly(ids, "email", 5_000, now).map((m) => m.id)).toEqual(ids);
  });

  it("a message taken but never tried goes back to the queue without counting the attempt; a sent one is left alone", () => {
    const now = 30_000_000;
    const [a, b] = [queued(now), queued(now)];
    takeOnly([a, b], "email", 5_000, now);
    markSent(db, b, now + 1);
    untakeMessages(db, [a, b]);
    untakeMessages(db, []);
    expect(getOutboxMessage(db, a)).toMatchObject({ state: "queued", attempts: 0, leaseUntil: null });
    expect(getOutboxMessage(db, b)).toMatchObject({ state: "sent", attempts: 1, sentAt: now + 1, leaseUntil: null });
  });

  it("a failed attempt waits out the backoff; a permanent refusal, or the last attempt, fails it for good", () => {
    const now = 40_000_000;
    const retried = queued(now);
    takeOnly([retried], "email", 5_000, now);
    expect(markAttemptFailed(db, retried, `421 try later ${"y".repeat(2_000)}`, false, now + 1)).toBe("queued");
    const row = getOutboxMessage(db, retried)!;
    expect(row).toMatchObject({ state: "queued", nextAttemptAt: now + 1 + backoffMs(1), leaseUntil: null });
    expect(row.lastError).toHaveLength(1_000);

    const refused = queued(now);
    takeOnly([refused], "email", 5_000, now);
    expect(markAttemptFailed(db, refused, "550 no such user", true, now + 1)).toBe("failed");
    expect(getOutboxMessage(db, refused)).toMatchObject({ state: "failed", lastError: "550 no such user" });
    // a message no longer being sent is not touched, and says what it is
    expect(markAttemptFailed(db, refused, "late news", false, now + 2)).toBe("failed");
    expect(getOutboxMessage(db, refused)!.lastError).toBe("550 no such user");
    expect(markAttemptFailed(db, 999_999_999, "gone", false, now)).toBe("failed");

    const worn = queued(now);
    db.$client.prepare("update outbox set attempts = ? where id = ?").run(MAX_ATTEMPTS - 2, worn);
    takeOnly([worn], "email", 5_000, now); // attempt MAX - 1
    expect(markAttemptFailed(db, worn, "timeout", false, now + 1)).toBe("queued");
    takeOnly([worn], "email", 5_000, now + 1 + backoffMs(MAX_ATTEMPTS - 1)); // the last attempt
    expect(markAttemptFailed(db, worn, "timeout", false, now + 2)).toBe("failed");
    expect(getOutboxMessage(db, worn)).toMatchObject({ state: "failed", attempts: MAX_ATTEMPTS });

    const sent = queued(now);
    takeOnly([sent], "email", 5_000, now);
    markSent(db, sent, now + 1);
    expect(markAttemptFailed(db, sent, "too late", false, now + 2)).toBe("sent");
  });

  it("without a transport, queued messages of that channel are held; once one exists, they go at once", () => {
    const now = 50_000_000;
    const mail = queued(now + 60_000);
    const reply = queued(now, { channel: "github_comment" });
    const sent = queued(now);
    takeOnly([sent], "email", 5_000, now);
    markSent(db, sent, now);
    expect(holdQueued(db, "email")).toBeGreaterThanOrEqual(1);
    expect(getOutboxMessage(db, mail)!.state).toBe("held");
    expect(getOutboxMessage(db, reply)!.state).toBe("queued");
    expect(getOutboxMessage(db, sent)!.state).toBe("sent");
    expect(takeOnly([mail], "email", 5_000, now + 120_000)).toEqual([]);
    expect(countOutboxByState(db).held).toBeGreaterThanOrEqual(1);
    expect(listOutbox(db, { state: "held" }).map((m) => m.id)).toContain(mail);
    expect(listOutbox(db, { state: "held" }).every((m) => m.state === "held")).toBe(true);

    expect(releaseHeld(db, "email", now + 1)).toBeGreaterThanOrEqual(1);
    expect(getOutboxMessage(db, mail)).toMatchObject({ state: "queued", nextAttemptAt: now + 1 });
    expect(holdQueued(db, "email")).toBeGreaterThanOrEqual(1);
    expect(releaseHeld(db, "github_comment", now)).toBe(0);
    expect(getOutboxMessage(db, mail)!.state).toBe("held");
    releaseHeld(db, "email", now);
  });

  it("the admin list shows the newest first, a hundred at a time unless asked for more, and counts every state", () => {
    const now = 60_000_000;
    const ids = Array.from({ length: 101 }, () => queued(now));
    const page = listOutbox(db);
    expect(page).toHaveLength(100);
    expect(page[0]!.id).toBe(ids[100]);
    expect(page.map((m) => m.id)).toEqual([...page.map((m) => m.id)].sort((x, y) => y - x));
    expect(listOutbox(db, { limit: 3 }).map((m) => m.id)).toEqual([ids[100], ids[99], ids[98]]);
    const counts = countOutboxByState(db);
    const total = db.$client.prepare("select count(*) from outbox").pluck().get() as number;
    expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(total);
    expect(counts.queued).toBe(db.$client.prepare("select count(*) from outbox where state = 'queued'").pluck().get());
  });
});
