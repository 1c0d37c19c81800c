// The durable outbox. A message is queued in the transaction of the event that causes it
// (so an event is never committed without its message, nor a message without its event),
// and delivered later by the outbox job (app/jobs/deliver.server.ts), never in a request.
//
// States: queued → sending → sent; a failed attempt goes back to queued with an exponential
// backoff, and after MAX_ATTEMPTS (or a permanent refusal) to failed. Without a transport,
// queued mail is held (admins read it at /admin/outbox) and queued again once one exists.
//
// "Sent once": the UNIQUE idempotency key makes one row per recipient and event, and the row
// is sent until it is marked sent. A sender that dies after the remote server accepted the
// message but before `sent` was committed leaves the row `sending` with a lease; when the
// lease runs out it is sent again, with the same Message-ID (fixed when queued). So delivery
// is at least once, and a duplicate can only follow a crash in that window; receivers that
// dedupe on Message-ID see it once. SMTP gives no way to ask whether a message was accepted.
import crypto from "node:crypto";
import { and, count, desc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import { outbox, type OutboxChannel, type OutboxState } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";

export type OutboxRow = typeof outbox.$inferSelect;

/** Attempts before a message is given up (about 4¼ hours of retries with the backoff below). */
export const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 6 * 3_600_000;

/** Wait after the n-th failed attempt: 30 s, 1 min, 2 min, … capped at 6 hours. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export interface OutgoingMessage {
  channel: OutboxChannel;
  /** One message per key, ever: `email:<user>:<event>`. */
  idempotencyKey: string;
  recipientUserId: number | null;
  recipient: string;
  kind: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string>;
}

/** A stable Message-ID for this key, the same on every attempt. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@${domain}>`;
}

/**
 * Queues a message inside the caller's transaction. A second message with the same key is
 * ignored (the UNIQUE index decides, not a check first). Returns whether it was queued.
 */
export function enqueueMessage(tx: Tx | Db, message: OutgoingMessage, domain: string, now: number): boolean {
  const result = tx
    .insert(outbox)
    .values({
      channel: message.channel,
      idempotencyKey: message.idempotencyKey,
      recipientUserId: message.recipientUserId,
      recipient: message.recipient,
      kind: message.kind,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html ?? null,
      headersJson: message.headers ? JSON.stringify(message.headers) : null,
      messageId: messageIdFor(message.idempotencyKey, domain),
      state: "queued",
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing()
    .run();
  return result.changes === 1;
}

/**
 * Takes up to `limit` messages of one channel that are due (queued and past their backoff,
 * or `sending` whose sender's lease ran out), marks them `sending` under a lease and counts
 * the attempt, in one BEGIN IMMEDIATE transaction, so two senders never take the same row.
 */
export function takeDueMessages(db: Db, channel: OutboxChannel, leaseMs: number, now = Date.now(), limit = 20): OutboxRow[] {
  return writeTx(db, (tx) => {
    const due = tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.channel, channel),
          or(and(eq(outbox.state, "queued"), lte(outbox.nextAttemptAt, now)), and(eq(outbox.state, "sending"), lt(outbox.leaseUntil, now))),
        ),
      )
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(limit)
      .all()
      .map((r) => r.id);
    if (due.length === 0) return [];
    return tx
      .update(outbox)
      .set({ state: "sending", leaseUntil: now + leaseMs, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning()
      .all()
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  });
}

/** Taken but never tried (the sender was told to stop): back to the queue, the attempt not counted. */
export function untakeMessages(db: Db, ids: number[]) {
  if (ids.length === 0) return;
  db.update(outbox)
    .set({ state: "queued", leaseUntil: null, attempts: sql`max(${outbox.attempts} - 1, 0)` })
    .where(and(inArray(outbox.id, ids), eq(outbox.state, "sending")))
    .run();
}

/** The transport accepted it. */
export function markSent(db: Db, id: number, now = Date.now()) {
  db.update(outbox)
    .set({ state: "sent", sentAt: now, leaseUntil: null, lastError: null })
    .where(and(eq(outbox.id, id), eq(outbox.state, "sending")))
    .run();
}

/**
 * An attempt failed: queued again after backoffMs(attempts), or failed for good when the
 * refusal is permanent or the attempts are used up.
 */
export function markAttemptFailed(db: Db, id: number, error: string, permanent: boolean, now = Date.now()): OutboxState {
  return writeTx(db, (tx) => {
    const row = tx.select({ attempts: outbox.attempts, state: outbox.state }).from(outbox).where(eq(outbox.id, id)).get();
    if (!row || row.state !== "sending") return row?.state ?? "failed";
    const state: OutboxState = permanent || row.attempts >= MAX_ATTEMPTS ? "failed" : "queued";
    tx.update(outbox)
      .set({ state, lastError: error.slice(0, 1000), leaseUntil: null, nextAttemptAt: now + backoffMs(row.attempts) })
      .where(eq(outbox.id, id))
      .run();
    return state;
  });
}

/** No transport for this channel: queued messages wait as `held` (and do not count attempts). */
export function holdQueued(db: Db, channel: OutboxChannel): number {
  return db
    .update(outbox)
    .set({ state: "held" })
    .where(and(eq(outbox.channel, channel), eq(outbox.state, "queued")))
    .run().changes;
}

/** A transport exists again: held messages are queued, to go at once. */
export function releaseHeld(db: Db, channel: OutboxChannel, now = Date.now()): number {
  return db
    .update(outbox)
    .set({ state: "queued", nextAttemptAt: now })
    .where(and(eq(outbox.channel, channel), eq(outbox.state, "held")))
    .run().changes;
}

export type OutboxSummary = Pick<
  OutboxRow,
  "id" | "channel" | "recipient" | "kind" | "subject" | "state" | "attempts" | "nextAttemptAt" | "lastError" | "createdAt" | "sentAt"
>;

/** Newest first, optionally in one state. */
export function listOutbox(db: Db, opts: { state?: OutboxState; limit?: number } = {}): OutboxSummary[] {
  return db
    .select({
      id: outbox.id,
      channel: outbox.channel,
      recipient: outbox.recipient,
      kind: outbox.kind,
      subject: outbox.subject,
      state: outbox.state,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(opts.state ? eq(outbox.state, opts.state) : undefined)
    .orderBy(desc(outbox.id))
    .limit(opts.limit ?? 100)
    .all();
}

/** How many messages are in each state. */
export function countOutboxByState(db: Db): Partial<Record<OutboxState, number>> {
  return Object.fromEntries(
    db
      .select({ state: outbox.state, n: count() })
      .from(outbox)
      .groupBy(outbox.state)
      .all()
      .map((r) => [r.state, r.n]),
  );
}

export function getOutboxMessage(db: Db, id: number): OutboxRow | null {
  return db.select().from(outbox).where(eq(outbox.id, id)).get() ?? null;
}
