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
//
// The two sides are written against small interfaces (a channel, a worker), so the tests run
// them in one process; the bottom of the file plugs them into node's cluster.
import cluster, { type Worker } from "node:cluster";
import { db } from "../db.server";
import { webhooksHandedOver } from "../http/metrics.server";
import { logger } from "../log.server";
import { receiveDeliveryGrouped, type Delivery, type ReceiveResult } from "./receive.server";
import { parseVerifiedBody } from "./verify.server";

const HAND_OVER = "clubzero:webhook?";
const RESULT = "clubzero:webhook!";
const ROLE = "clubzero:webhook-writer";

interface HandOverMessage {
  type: typeof HAND_OVER;
  id: number;
  /** The checked delivery; its verified body is parsed again by the writer. */
  delivery: Omit<Delivery, "payload">;
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

const local = (id: number): ResultMessage => ({ type: RESULT, id, result: "local" });

// ---- a worker ---------------------------------------------------------------------------------

/** A worker's line to the primary. `send` calls back with an error when the message did not go. */
export interface Channel {
  send: (message: object, sent: (error: Error | null) => void) => void;
  listen: (listener: (message: unknown) => void) => void;
}

/** How long a worker waits for the writer's answer before applying the delivery itself. */
const WRITER_WAIT_MS = 30_000;

/**
 * A worker's side: `apply` applies a checked delivery here when this worker is the writer (or
 * is stopping), otherwise in the writer; it resolves once the delivery's commit is on disk.
 * `stop` (at shutdown) makes later deliveries and hand-overs local, and resolves when the
 * hand-overs in hand are committed.
 */
export function webhookWorker(channel: Channel, applyHere: (d: Delivery) => Promise<ReceiveResult>) {
  let writer = false;
  let stopping = false;
  let nextId = 1;
  const waiting = new Map<number, (result: ReceiveResult | "local") => void>();
  const applying = new Set<Promise<unknown>>();

  channel.listen((m) => {
    if (isMessage<RoleMessage>(ROLE, m)) writer = m.writer;
    else if (isMessage<ResultMessage>(RESULT, m)) waiting.get(m.id)?.(m.result);
    else if (isMessage<HandOverMessage>(HAND_OVER, m)) {
      const reply = (message: ResultMessage) => channel.send(message, () => {});
      if (!writer || stopping) return reply(local(m.id));
      const work = applyHere({ ...m.delivery, payload: parseVerifiedBody(m.delivery.body) }).then(
        (result) => reply({ type: RESULT, id: m.id, result }),
        () => reply(local(m.id)),
      );
      applying.add(work);
      void work.finally(() => applying.delete(work));
    }
  });

  function handOver(d: Delivery): Promise<ReceiveResult | "local"> {
    return new Promise((resolve) => {
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
        waiting.delete(id);
        resolve(result);
      };
      waiting.set(id, settle);
      const message: HandOverMessage = { type: HAND_OVER, id, delivery: { deliveryId: d.deliveryId, event: d.event, hookId: d.hookId, body: d.body } };
      channel.send(message, (error) => {
        if (error) settle("local");
      });
    });
  }

  return {
    apply: async (d: Delivery): Promise<ReceiveResult> => {
      if (writer || stopping) return applyHere(d);
      const result = await handOver(d);
      if (result === "local") return applyHere(d);
      webhooksHandedOver.inc();
      return result;
    },
    stop: async () => {
      stopping = true;
      while (applying.size > 0) await Promise.allSettled([...applying]);
    },
  };
}

// ---- the primary ------------------------------------------------------------------------------

/** A worker as the primary sees it. */
export interface RelayWorker {
  pid: number;
  send: (message: object) => void;
  alive: () => boolean;
}

/**
 * The primary's side: names one live worker the writer (another when it exits), relays
 * hand-overs to it and its results back. After `stop` every hand-over is answered `local`.
 */
export function webhookRelay(workers: () => RelayWorker[]) {
  let current: RelayWorker | null = null;
  let stopped = false;
  let nextId = 1;
  /** Hand-overs the writer holds: relay id → who asked, with their id. */
  const relayed = new Map<number, { from: RelayWorker; id: number; to: RelayWorker }>();

  const send = (w: RelayWorker, message: object) => {
    if (w.alive()) w.send(message);
  };
  const choose = () => {
    current = workers().find((w) => w.alive()) ?? null;
    if (!current) return;
    send(current, { type: ROLE, writer: true } satisfies RoleMessage);
    logger.info({ event: "webhook.writer", worker: current.pid }, `worker ${current.pid} applies every webhook delivery`);
  };

  return {
    /** A worker is ready for messages (it listens once it has set up its side). */
    listening: () => {
      if (!current) choose();
    },
    exited: (w: RelayWorker) => {
      for (const [relayId, r] of relayed) {
        if (r.to !== w) continue;
        relayed.delete(relayId);
        send(r.from, local(r.id));
      }
      if (w === current) choose();
    },
    message: (from: RelayWorker, m: unknown) => {
      if (isMessage<HandOverMessage>(HAND_OVER, m)) {
        if (stopped || !current || current === from) return send(from, local(m.id));
        const relayId = nextId++;
        relayed.set(relayId, { from, id: m.id, to: current });
        send(current, { ...m, id: relayId });
      } else if (isMessage<ResultMessage>(RESULT, m)) {
        const r = relayed.get(m.id);
        if (!r) return;
        relayed.delete(m.id);
        send(r.from, { ...m, id: r.id });
      }
    },
    stop: () => {
      stopped = true;
    },
  };
}

// ---- on node's cluster --------------------------------------------------------------------------

const worker = cluster.isWorker
  ? webhookWorker(
      {
        send: (message, sent) => process.send!(message, undefined, undefined, sent),
        listen: (listener) => process.on("message", listener),
      },
      (d) => receiveDeliveryGrouped(db, d),
    )
  : null;

/** Applies a checked delivery (in the writer, in a cluster); resolves once its commit is on disk. */
export const applyDelivery = (d: Delivery): Promise<ReceiveResult> => (worker ? worker.apply(d) : receiveDeliveryGrouped(db, d));

/** At shutdown: hand-overs from now on are applied by the worker that took them; resolves when those in hand are committed. */
export const stopWebhookWriting = async (): Promise<void> => worker?.stop();

/** In the primary: relays between the workers (call before forking them). Returns `stop`. */
export function relayWebhookWriting(): { stop: () => void } {
  const wrapped = new Map<number, RelayWorker>();
  const wrap = (w: Worker): RelayWorker => {
    let r = wrapped.get(w.id);
    if (!r) {
      r = { pid: w.process.pid!, send: (m) => w.send(m), alive: () => w.isConnected() && !w.isDead() };
      wrapped.set(w.id, r);
    }
    return r;
  };
  const relay = webhookRelay(() => Object.values(cluster.workers ?? {}).flatMap((w) => (w ? [wrap(w)] : [])));
  cluster.on("listening", () => relay.listening());
  cluster.on("exit", (w) => {
    relay.exited(wrap(w));
    wrapped.delete(w.id);
  });
  cluster.on("message", (w, m: unknown) => relay.message(wrap(w), m));
  return relay;
}
