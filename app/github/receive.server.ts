import Database from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { placeholders, preparedPerDatabase } from "~/db/prepared";
import { webhookDeliveries } from "~/db/schema";
import { BUSY_TIMEOUT_MS, writeTx, type Db, type Tx } from "../db.server";
import { recordAudit, type Actor } from "../models/audit.server";
import { NotFound } from "../models/errors";
import { getDelivery, getDeliveryByGuid } from "../models/github.server";
import { handleEvent } from "./handlers.server";
import { parseVerifiedBody } from "./verify.server";

export interface Delivery {
  deliveryId: string;
  event: string;
  hookId: number | null;
  body: string;
  payload: unknown;
}

export type ReceiveResult = { status: 200; body: { ok: true; duplicate?: boolean; outcome?: string } } | { status: 500; body: { ok: false; error: string } };

const insertDelivery = preparedPerDatabase((db: Db | Tx) =>
  db
    .insert(webhookDeliveries)
    .values(placeholders(["deliveryId", "event", "action", "status", "error", "hookId", "payload", "receivedAt", "processedAt"]))
    .prepare(),
);

function actionOf(payload: unknown): string | null {
  return payload && typeof payload === "object" && "action" in payload && typeof payload.action === "string" ? payload.action : null;
}

/**
 * Records a delivery and applies its effect in one BEGIN IMMEDIATE transaction, so it is
 * either fully applied and recorded, or neither. A repeat of a recorded delivery changes
 * nothing; a repeat of a failed one is processed again. If the effect throws, the
 * transaction rolls back and the failure is recorded on its own, for GitHub's redelivery
 * or the admin's replay.
 */
export function receiveDelivery(db: Db, d: Delivery, now = Date.now(), opts: { replay?: boolean } = {}): ReceiveResult {
  const action = actionOf(d.payload);
  try {
    const outcome = writeTx(db, () => {
      const seen = getDeliveryByGuid(db, d.deliveryId);
      if (seen && seen.status !== "failed" && !opts.replay) return null;
      const result = handleEvent(db, d.event, action, d.payload, now);
      const values = {
        event: d.event,
        action,
        status: result.status,
        error: result.note ?? null,
        hookId: d.hookId,
        payload: d.body,
        processedAt: now,
      };
      if (seen) {
        db.update(webhookDeliveries)
          .set({ ...values, attempts: sql`${webhookDeliveries.attempts} + 1` })
          .where(eq(webhookDeliveries.id, seen.id))
          .run();
      } else {
        insertDelivery(db).run({ ...values, deliveryId: d.deliveryId, receivedAt: now });
      }
      return result.status;
    });
    return outcome === null ? { status: 200, body: { ok: true, duplicate: true } } : { status: 200, body: { ok: true, outcome } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`webhook delivery ${d.deliveryId} (${d.event}) failed`, error);
    writeTx(db, () => {
      const seen = getDeliveryByGuid(db, d.deliveryId);
      if (seen) {
        db.update(webhookDeliveries)
          .set({ status: "failed", error: message, attempts: sql`${webhookDeliveries.attempts} + 1`, processedAt: now })
          .where(eq(webhookDeliveries.id, seen.id))
          .run();
      } else {
        db.insert(webhookDeliveries)
          .values({
            deliveryId: d.deliveryId,
            event: d.event,
            action,
            status: "failed",
            error: message,
            hookId: d.hookId,
            payload: d.body,
            receivedAt: now,
            processedAt: now,
          })
          .run();
      }
    });
    return FAILED;
  }
}

interface Waiting {
  d: Delivery;
  now: number;
  /** performance.now() when it arrived, for the lock wait's limit. */
  since: number;
  answer: (result: ReceiveResult) => void;
}

const waiting = new Map<Db, Waiting[]>();

/** Most deliveries one group commit applies. */
export const MAX_GROUP = 64;

const FAILED: ReceiveResult = { status: 500, body: { ok: false, error: "processing failed; GitHub may redeliver" } };

/**
 * Group commit for the webhook route: deliveries that arrive while the event loop is busy
 * are applied together in one BEGIN IMMEDIATE transaction, each through receiveDelivery in
 * its own savepoint (a nested transaction), and each is answered only after that one
 * COMMIT is on disk. One fsync then serves many deliveries; each still acts, fails (its
 * savepoint rolled back, the failure recorded) or is a duplicate on its own. If the commit
 * itself fails, nothing of the group is kept and every delivery in it is answered 500.
 */
export function receiveDeliveryGrouped(db: Db, d: Delivery, now = Date.now()): Promise<ReceiveResult> {
  return new Promise((answer) => {
    let queue = waiting.get(db);
    if (!queue) {
      queue = [];
      waiting.set(db, queue);
      setImmediate(() => commitWaiting(db));
    }
    queue.push({ d, now, since: performance.now(), answer });
  });
}

/**
 * Commits up to MAX_GROUP waiting deliveries; the rest wait for the next turn of the event
 * loop, so a burst cannot hold every answer (or the pages) until it is all applied. While
 * another process (a second server process, a command) holds the write lock, the group waits
 * for it without blocking this process, trying again every millisecond and growing with the
 * deliveries that arrive meanwhile; after BUSY_TIMEOUT_MS it is answered 500 (GitHub redelivers).
 */
function commitWaiting(db: Db) {
  const queue = waiting.get(db) ?? [];
  const group = queue.slice(0, MAX_GROUP);
  const results = commitGroup(db, group);
  if (results === "locked" && performance.now() - group[0]!.since < BUSY_TIMEOUT_MS) {
    setTimeout(() => commitWaiting(db), 1);
    return;
  }
  queue.splice(0, group.length);
  if (queue.length > 0) setImmediate(() => commitWaiting(db));
  else waiting.delete(db);
  if (results === "locked") console.error(`webhook group of ${group.length} deliveries waited ${BUSY_TIMEOUT_MS} ms for the write lock`);
  group.forEach((w, k) => w.answer(results === "locked" ? FAILED : results[k]!));
}

/** The group's results, or "locked" when another connection holds the write lock (nothing was done). */
function commitGroup(db: Db, group: Waiting[]): ReceiveResult[] | "locked" {
  const sqlite = db.$client;
  let began = false;
  // BEGIN IMMEDIATE fails at once rather than sleeping in SQLite's busy handler, which
  // would stop this process's event loop (and every request it serves) while it waits.
  sqlite.pragma("busy_timeout = 0");
  try {
    return writeTx(db, () => {
      began = true;
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return group.map((w) => {
        const result = receiveDelivery(db, w.d, w.now);
        // Some errors (disk full, I/O) make SQLite roll back the whole transaction.
        if (!sqlite.inTransaction) throw new Error("SQLite rolled back the group's transaction");
        return result;
      });
    });
  } catch (error) {
    if (!began && error instanceof Database.SqliteError && error.code.startsWith("SQLITE_BUSY")) return "locked";
    console.error(`webhook group of ${group.length} deliveries was not committed`, error);
    return group.map(() => FAILED);
  } finally {
    if (!began) sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * Runs a stored delivery through the same code again (the admin's "replay"). Effects
 * have natural keys, so replaying one that already acted changes nothing twice.
 */
export function replayDelivery(db: Db, actor: Actor, id: number, now = Date.now()): ReceiveResult {
  const row = getDelivery(db, id);
  if (!row) throw new NotFound("There is no such delivery.");
  let payload: unknown;
  try {
    payload = parseVerifiedBody(row.payload);
  } catch {
    return { status: 500, body: { ok: false, error: "the stored body is not JSON" } };
  }
  const result = receiveDelivery(db, { deliveryId: row.deliveryId, event: row.event, hookId: row.hookId, body: row.payload, payload }, now, { replay: true });
  recordAudit(db, actor, { action: "webhook.replayed", entityType: "webhook_delivery", entityId: id, after: result.body }, now);
  return result;
}
