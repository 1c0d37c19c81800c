// One writer for webhook deliveries in a cluster (WEB_CONCURRENCY > 1). Every worker takes
// deliveries on the shared port and checks them (headers, size, signature, JSON), but only one
// worker, the writer, applies them: the others hand each checked delivery to it over the
// cluster's IPC channel (through the primary) and answer GitHub with the writer's result.
//
// Why: SQLite lets one process write at a time. With every worker applying its own
// deliveries, their group commits take turns on the write lock, each waits for the other, and
// each transaction starts with a cold page cache (SQLite drops it whenever another process
// has written). One writer keeps one group commit and a warm cache.
//
// Never a way to lose or double a delivery: whenever the writer cannot answer (there is none
// yet, it is stopping, it died with the delivery in hand, the primary is stopping), the worker
// that took the delivery applies it itself. Deliveries are keyed by their delivery id, so one
// the writer did commit before dying is then answered as a duplicate, not applied twice.
import cluster, { type Worker } from "node:cluster";
import { db } from "../db.server";
import { webhooksHandedOver } from "../http/metrics.server";
import { logger } from "../log.server";
import { receiveDeliveryGrouped, type Delivery, type ReceiveResult } from "./receive.server";
import { parseVerifiedBody } from "./verify.server";

const HAND_OVER = "clubzero:webhook?";
const RESULT = "clubzero:webhook!";
const ROLE = "clubzero:webhook-writer";

/** A checked delivery as it crosses to the writer: the verified body, parsed again there. */
type HandedOver = Omit<Delivery, "payload">;

interface HandOverMessage {
  type: typeof HAND_OVER;
  id: number;
  delivery: HandedOver;
}
/** The writer's result, or `local`: the worker that took the delivery applies it itself. */
interface ResultMessage {
  type: typeof RESULT;
  id: number;
  result: ReceiveResult | "local";
}
interface RoleMessage {
  type: typeof ROLE;
  writer: boolean;
}

const isMessage = <T extends { type: string }>(type: T["type"], m: unknown): m is T =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === type;

// ---- in every worker ------------------------------------------------------------------------

let writer = false;
let stopping = false;
let nextId = 1;
const waitingForWriter = new Map<number, (result: ReceiveResult | "local") => void>();
const applying = new Set<Promise<unknown>>();

/** How long a worker waits for the writer's answer before applying the delivery itself. */
const WRITER_WAIT_MS = 30_000;

/**
 * Applies a checked delivery: here when this process is the writer (or not in a cluster, or
 * stopping), otherwise in the writer. Resolves once the delivery's commit is on disk.
 */
export function applyDelivery(d: Delivery): Promise<ReceiveResult> {
  if (!cluster.isWorker || writer || stopping) return receiveDeliveryGrouped(db, d);
  return new Promise<ReceiveResult | "local">((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      logger.warn(
        { event: "webhook.writer_silent", delivery: d.deliveryId },
        `the writer did not answer in ${WRITER_WAIT_MS / 1000} s; applying the delivery here`,
      );
      settle("local");
    }, WRITER_WAIT_MS);
    const settle = (result: ReceiveResult | "local") => {
      clearTimeout(timer);
      waitingForWriter.delete(id);
      resolve(result);
    };
    waitingForWriter.set(id, settle);
    const message: HandOverMessage = { type: HAND_OVER, id, delivery: { deliveryId: d.deliveryId, event: d.event, hookId: d.hookId, body: d.body } };
    process.send!(message, undefined, undefined, (error) => {
      if (error) settle("local");
    });
  }).then((result) => {
    if (result === "local") return receiveDeliveryGrouped(db, d);
    webhooksHandedOver.inc();
    return result;
  });
}

/** In a cluster worker: answers the primary's hand-overs (when this is the writer) and the writer's results. */
export function joinWebhookWriting() {
  if (!cluster.isWorker) return;
  process.on("message", (m: unknown) => {
    if (isMessage<RoleMessage>(ROLE, m)) writer = m.writer;
    else if (isMessage<ResultMessage>(RESULT, m)) waitingForWriter.get(m.id)?.(m.result);
    else if (isMessage<HandOverMessage>(HAND_OVER, m)) {
      const reply = (result: ResultMessage["result"]) => process.send!({ type: RESULT, id: m.id, result } satisfies ResultMessage);
      if (!writer || stopping) return reply("local");
      const work = receiveDeliveryGrouped(db, { ...m.delivery, payload: parseVerifiedBody(m.delivery.body) }).then(reply, () => reply("local"));
      applying.add(work);
      void work.finally(() => applying.delete(work));
    }
  });
}

/** At shutdown: hand-overs from now on are applied by the worker that took them; resolves when those in hand are committed. */
export async function stopWebhookWriting(): Promise<void> {
  stopping = true;
  while (applying.size > 0) await Promise.allSettled([...applying]);
}

// ---- in the primary ---------------------------------------------------------------------------

/**
 * In the primary: names one live worker the writer (another when it exits) and relays
 * hand-overs to it and its results back. Returns `stop`, after which every hand-over is
 * answered `local`.
 */
export function relayWebhookWriting(): { stop: () => void } {
  let current: Worker | null = null;
  let stopped = false;
  let nextRelayId = 1;
  /** Hand-overs the writer holds: relay id → who asked, with their id. */
  const relayed = new Map<number, { from: Worker; id: number; to: Worker }>();

  const send = (w: Worker, message: object) => {
    if (w.isConnected()) w.send(message);
  };
  const choose = () => {
    current = Object.values(cluster.workers ?? {}).find((w) => w?.isConnected() && !w.isDead()) ?? null;
    if (!current) return;
    send(current, { type: ROLE, writer: true } satisfies RoleMessage);
    logger.info({ event: "webhook.writer", worker: current.process.pid }, `worker ${current.process.pid} applies every webhook delivery`);
  };

  // "listening": the worker has set up its message handler (serve() does so before it listens).
  cluster.on("listening", () => {
    if (!current) choose();
  });
  cluster.on("exit", (w) => {
    for (const [relayId, r] of relayed) {
      if (r.to !== w) continue;
      relayed.delete(relayId);
      send(r.from, { type: RESULT, id: r.id, result: "local" } satisfies ResultMessage);
    }
    if (w === current) choose();
  });
  cluster.on("message", (from, m: unknown) => {
    if (isMessage<HandOverMessage>(HAND_OVER, m)) {
      if (stopped || !current || current === from) return send(from, { type: RESULT, id: m.id, result: "local" } satisfies ResultMessage);
      const relayId = nextRelayId++;
      relayed.set(relayId, { from, id: m.id, to: current });
      send(current, { ...m, id: relayId });
    } else if (isMessage<ResultMessage>(RESULT, m)) {
      const r = relayed.get(m.id);
      if (!r) return;
      relayed.delete(m.id);
      send(r.from, { ...m, id: r.id });
    }
  });
  return {
    stop: () => {
      stopped = true;
    },
  };
}
