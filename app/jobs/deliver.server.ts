// The outbox job's work: take due messages (under a lease), send each, record the outcome.
import { markAttemptFailed, markSent, takeDueMessages, untakeMessages } from "../models/outbox.server";
import { PermanentSendError, type Sender } from "./smtp.server";
import type { Db } from "../db.server";

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends every due message of the sender's channel, a batch at a time, until none is due or
 * `signal` aborts (the lease was lost or the server stops; untried messages go back to the
 * queue). A message is marked `sent` only after the transport accepted it.
 */
export async function deliverOutbox(db: Db, sender: Sender, options: { leaseMs: number; signal?: AbortSignal; clock?: () => number }): Promise<DeliveryResult> {
  const clock = options.clock ?? Date.now;
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  for (;;) {
    if (options.signal?.aborted) break;
    const batch = takeDueMessages(db, sender.channel, options.leaseMs, clock());
    if (batch.length === 0) break;
    for (const [index, message] of batch.entries()) {
      if (options.signal?.aborted) {
        untakeMessages(
          db,
          batch.slice(index).map((m) => m.id),
        );
        return result;
      }
      try {
        await sender.send(message);
        markSent(db, message.id, clock());
        result.sent++;
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        const state = markAttemptFailed(db, message.id, text, error instanceof PermanentSendError, clock());
        if (state === "failed") result.failed++;
        else result.retrying++;
      }
    }
  }
  return result;
}
