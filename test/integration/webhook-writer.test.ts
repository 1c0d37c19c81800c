// The webhook writer's two sides (app/github/writer.server.ts) wired together in this process:
// a primary's relay and workers whose messages go through an in-memory channel (asynchronously
// and as structured clones, as node's cluster IPC does), each applying deliveries to this test's
// database. The built server with two real workers is tested in webhook-writer-server.test.ts.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { receiveDeliveryGrouped, type Delivery, type ReceiveResult } from "~/app/github/receive.server";
import { webhookRelay, webhookWorker, type RelayWorker } from "~/app/github/writer.server";
import { issuesEvent } from "../support/github-webhooks";

const REPO = "writer/in-process";
let issueNo = 0;

function delivery(deliveryId: string = crypto.randomUUID()): Delivery & { number: number } {
  const number = ++issueNo;
  const payload = issuesEvent("opened", { repo: REPO, number, labels: [], updatedAt: "2026-01-01T00:00:00Z" });
  return { deliveryId, event: "issues", hookId: null, body: JSON.stringify(payload), payload, number };
}

const mirrored = (number: number) =>
  (db.$client.prepare("select count(*) as n from github_issues where repo = ? and number = ?").get(REPO, number) as { n: number }).n;
const recorded = (id: string) => (db.$client.prepare("select count(*) as n from webhook_deliveries where delivery_id = ?").get(id) as { n: number }).n;
const tick = () => new Promise((r) => setImmediate(r));

interface Options {
  /** What a worker does to apply a delivery itself (by default: the real group commit on this database). */
  applyHere?: (pid: number, d: Delivery) => Promise<ReceiveResult>;
}

interface Member {
  pid: number;
  /** Messages from the primary that arrive while this is false are lost, like a dead process's. */
  alive: boolean;
  view: RelayWorker;
  side: ReturnType<typeof webhookWorker>;
}

/** A primary and `count` workers in this process. */
function cluster(count: number, options: Options = {}) {
  const applied: { pid: number; deliveryId: string }[] = [];
  const listeners: ((m: unknown) => void)[][] = [];
  const members = Array.from({ length: count }, (_, i) => {
    const pid = 1000 + i;
    const mine: ((m: unknown) => void)[] = (listeners[i] = []);
    const member: Member = {
      pid,
      alive: true,
      view: {
        pid,
        alive: () => member.alive,
        send: (m: object) => {
          // node's worker.send on a closed channel fails too
          if (!member.alive) throw new Error("channel closed");
          const copy = structuredClone(m);
          setImmediate(() => member.alive && mine.forEach((l) => l(copy)));
        },
      },
      side: webhookWorker(
        {
          send: (m, sent) => {
            if (!member.alive) return sent(new Error("channel closed"));
            const copy = structuredClone(m);
            setImmediate(() => relay.message(member.view, copy));
            sent(null);
          },
          listen: (l) => mine.push(l),
        },
        (d) => {
          applied.push({ pid, deliveryId: d.deliveryId });
          return options.applyHere ? options.applyHere(pid, d) : receiveDeliveryGrouped(db, d);
        },
      ),
    };
    return member;
  });
  const relay = webhookRelay(() => members.map((m) => m.view));
  const start = async () => {
    for (let i = 0; i < count; i++) relay.listening();
    await tick();
    await tick();
  };
  const kill = (i: number) => {
    members[i]!.alive = false;
    relay.exited(members[i]!.view);
  };
  /** A message from the primary to worker i, as the channel delivers it. */
  const toWorker = (i: number, m: unknown) => {
    for (const l of listeners[i]!) l(m);
  };
  return { members, relay, applied, start, kill, toWorker };
}

/** A cluster whose writer (pid 1000) holds what it applies until `release`, with one delivery handed to it by worker 1001. */
async function writerHolding(count: number) {
  let release: (() => void) | undefined;
  const c = cluster(count, {
    applyHere: (pid, d) => (pid === 1000 ? new Promise((resolve) => (release = () => resolve(receiveDeliveryGrouped(db, d)))) : receiveDeliveryGrouped(db, d)),
  });
  await c.start();
  const d = delivery();
  const answer = c.members[1]!.side.apply(d);
  for (let i = 0; i < 5 && !release; i++) await tick();
  expect(release, "the writer holds the delivery").toBeDefined();
  return { c, d, answer, release: () => release!() };
}

describe("one webhook writer", () => {
  it("the first worker to listen is the writer; the others' deliveries are applied there, once, and answered with its result", async () => {
    const c = cluster(3);
    await c.start();
    const batch = [0, 1, 2, 1, 2, 0].map((i) => ({ i, d: delivery() }));
    const results = await Promise.all(batch.map(({ i, d }) => c.members[i]!.side.apply(d)));

    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(c.applied.map((a) => a.pid)).toEqual(batch.map(() => 1000));
    for (const { d } of batch) {
      expect(mirrored(d.number)).toBe(1);
      expect(recorded(d.deliveryId)).toBe(1);
    }
    // A delivery handed over twice (GitHub redelivering) is the writer's duplicate, not a second issue.
    const again = batch[1]!.d;
    expect(await c.members[1]!.side.apply(again)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(mirrored(again.number)).toBe(1);
  });

  it("a writer that dies with deliveries in hand: each is applied by the worker that took it, and another worker becomes the writer", async () => {
    let hold = true;
    const held: (() => void)[] = [];
    // The writer (pid 1000) holds its deliveries until released: they are "in hand" when it dies.
    const c = cluster(2, {
      applyHere: (pid, d) =>
        pid === 1000 && hold ? new Promise((resolve) => held.push(() => resolve(receiveDeliveryGrouped(db, d)))) : receiveDeliveryGrouped(db, d),
    });
    await c.start();
    const d1 = delivery();
    const d2 = delivery();
    const answers = [c.members[1]!.side.apply(d1), c.members[1]!.side.apply(d2)];
    for (let i = 0; i < 5 && held.length < 2; i++) await tick();
    expect(held).toHaveLength(2);

    c.kill(0);
    const results = await Promise.all(answers);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(c.applied.filter((a) => a.pid === 1001).map((a) => a.deliveryId)).toEqual([d1.deliveryId, d2.deliveryId]);
    expect([mirrored(d1.number), mirrored(d2.number)]).toEqual([1, 1]);

    // Worker 1001 is the writer now: it applies its own deliveries without a hand-over.
    await tick();
    const d3 = delivery();
    expect((await c.members[1]!.side.apply(d3)).status).toBe(200);
    expect(c.applied.at(-1)).toEqual({ pid: 1001, deliveryId: d3.deliveryId });
    hold = false;
  });

  it("a delivery the dead writer had committed is answered as a duplicate when the worker that took it applies it again", async () => {
    const committed: string[] = [];
    const c = cluster(2, {
      // The writer commits, then dies before its answer leaves.
      applyHere: async (pid, d) => {
        const result = await receiveDeliveryGrouped(db, d);
        if (pid === 1000) {
          committed.push(d.deliveryId);
          c.kill(0);
          return new Promise<ReceiveResult>(() => {});
        }
        return result;
      },
    });
    await c.start();
    const d = delivery();
    const result = await c.members[1]!.side.apply(d);
    expect(committed).toEqual([d.deliveryId]);
    expect(result).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(recorded(d.deliveryId)).toBe(1);
    expect(mirrored(d.number)).toBe(1);
  });

  it("a stopping writer, a stopped primary or a channel that fails: the worker that took the delivery applies it", async () => {
    const c = cluster(2);
    await c.start();

    await c.members[0]!.side.stop();
    const d1 = delivery();
    expect((await c.members[1]!.side.apply(d1)).status).toBe(200);
    expect(c.applied.at(-1)).toEqual({ pid: 1001, deliveryId: d1.deliveryId });

    const c2 = cluster(2);
    await c2.start();
    c2.relay.stop();
    const d2 = delivery();
    expect((await c2.members[1]!.side.apply(d2)).status).toBe(200);
    expect(c2.applied).toEqual([{ pid: 1001, deliveryId: d2.deliveryId }]);

    const c3 = cluster(2);
    await c3.start();
    c3.members[1]!.alive = false; // its channel to the primary is closed
    const d3 = delivery();
    expect((await c3.members[1]!.side.apply(d3)).status).toBe(200);
    expect(c3.applied).toEqual([{ pid: 1001, deliveryId: d3.deliveryId }]);
    expect([mirrored(d1.number), mirrored(d2.number), mirrored(d3.number)]).toEqual([1, 1, 1]);
  });

  it("a stopping worker applies its own deliveries, and its stop waits for the hand-overs it is applying", async () => {
    const { c, d, answer, release } = await writerHolding(2);

    let stopped = false;
    const stopping = c.members[0]!.side.stop().then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await answer).status).toBe(200);
    expect(mirrored(d.number)).toBe(1);

    const own = delivery();
    await c.members[1]!.side.stop();
    expect((await c.members[1]!.side.apply(own)).status).toBe(200);
    expect(c.applied.at(-1)).toEqual({ pid: 1001, deliveryId: own.deliveryId });
  });

  it("with no live worker there is no writer until one listens", async () => {
    const c = cluster(1);
    c.members[0]!.alive = false;
    c.relay.listening();
    c.members[0]!.alive = true;
    await tick();
    // Not named writer (it was not alive when asked), so it hands over, and the primary, with no writer, says "apply it yourself".
    const d = delivery();
    expect((await c.members[0]!.side.apply(d)).status).toBe(200);
    expect(c.applied).toEqual([{ pid: 1000, deliveryId: d.deliveryId }]);
  });

  it("ignores messages that are not its own, and a result that comes after its delivery was settled", async () => {
    const c = cluster(2);
    await c.start();
    for (const m of [null, "clubzero:webhook!", 42, { type: "prom-client:getMetricsReq" }, { type: "clubzero:webhook!", id: 9_999, result: "local" }]) {
      c.toWorker(0, m);
      c.toWorker(1, m);
      c.relay.message(c.members[1]!.view, m);
    }
    const d = delivery();
    expect((await c.members[1]!.side.apply(d)).status).toBe(200);
    expect(c.applied).toEqual([{ pid: 1000, deliveryId: d.deliveryId }]);
  });

  it("a delivery the writer fails to apply (an error, not an answer) is applied by the worker that took it", async () => {
    const c = cluster(2, {
      applyHere: (pid, d) => (pid === 1000 ? Promise.reject(new Error("the writer's database is closed")) : receiveDeliveryGrouped(db, d)),
    });
    await c.start();
    const d = delivery();
    expect((await c.members[1]!.side.apply(d)).status).toBe(200);
    expect(c.applied.map((a) => a.pid)).toEqual([1000, 1001]);
    expect(mirrored(d.number)).toBe(1);
  });

  it("another worker dying does not take the writer's hand-overs from it: each delivery is applied once, by the writer", async () => {
    const { c, d, answer, release } = await writerHolding(3);
    c.kill(2);
    await tick();
    release();
    expect((await answer).status).toBe(200);
    expect(c.applied).toEqual([{ pid: 1000, deliveryId: d.deliveryId }]);
  });
});
