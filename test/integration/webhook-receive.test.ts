// Receiving and replaying deliveries (app/github/receive.server.ts) where it can go wrong: a
// delivery that fails again, a group whose transaction SQLite rolls back as a whole, a
// replay of a delivery that is gone or whose stored body is not JSON. Signed as GitHub signs
// them and posted to the webhook route, in this process.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { receiveDelivery, replayDelivery } from "~/app/github/receive.server";
import { NotFound } from "~/app/models/errors";
import { getDeliveryByGuid, getIssue } from "~/app/models/github.server";
import { fingerprint } from "../support/fingerprint";
import { deliveryHeaders, issuesEvent, type IssueSpec } from "../support/github-webhooks";
import { call } from "../support/remix";
import { webhook } from "../support/webhook-endpoint";

const SECRET = process.env.GITHUB_WEBHOOK_SECRET!;
const admin = { userId: null, label: "@admin", source: "web" as const };

async function deliver(event: string, payload: unknown, id = crypto.randomUUID()) {
  const body = JSON.stringify(payload);
  return call(webhook, "/webhooks/github", {}, { method: "POST", headers: deliveryHeaders(event, body, SECRET, id), body });
}

let issueNo = 5000;
function newIssue(extra: Partial<IssueSpec> = {}): IssueSpec {
  issueNo += 1;
  return {
    repo: "prometheus/prometheus",
    number: issueNo,
    title: `Support SPIFFE ${issueNo}`,
    updatedAt: "2026-01-01T10:00:00Z",
    labels: ["club-zero"],
    ...extra,
  };
}
const bountiesFor = (n: number) => (db.$client.prepare("select count(*) as n from bounties where github_number = ?").get(n) as { n: number }).n;

/** While it runs, the database refuses new bounties: `abort` undoes the statement, `rollback` the whole transaction (as SQLite does on a full disk). */
function refusingBounties<T>(how: "abort" | "rollback", fn: () => Promise<T>): Promise<T> {
  db.$client.exec(`create trigger refuse_bounties before insert on bounties begin select raise(${how}, 'disk on fire'); end`);
  return fn().finally(() => db.$client.exec("drop trigger refuse_bounties"));
}

describe("a delivery that fails", () => {
  it("fails again on redelivery: still one row, the attempt counted, the latest error kept", async () => {
    const spec = newIssue();
    const id = crypto.randomUUID();
    const payload = issuesEvent("labeled", spec);
    const first = await refusingBounties("abort", () => deliver("issues", payload, id));
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({ ok: false, error: "processing failed; GitHub may redeliver" });
    const failed = getDeliveryByGuid(db, id)!;
    expect(failed).toMatchObject({ status: "failed", attempts: 1, event: "issues", action: "labeled", hookId: 123456 });
    expect(failed.payload).toBe(JSON.stringify(payload));

    const second = await refusingBounties("abort", () => deliver("issues", payload, id));
    expect(second.status).toBe(500);
    const again = getDeliveryByGuid(db, id)!;
    expect(again).toMatchObject({ id: failed.id, status: "failed", attempts: 2, error: expect.stringContaining("disk on fire") });
    expect(again.processedAt).toBeGreaterThanOrEqual(failed.processedAt!);
    expect(db.$client.prepare("select count(*) as n from webhook_deliveries where delivery_id = ?").get(id)).toEqual({ n: 1 });
    expect(getIssue(db, spec.repo, spec.number)).toBeNull();
  });

  it("a delivery without an action is stored with none", () => {
    const id = crypto.randomUUID();
    const payload = { zen: "Design for failure.", hook_id: 7 };
    expect(receiveDelivery(db, { deliveryId: id, event: "ping", hookId: 7, body: JSON.stringify(payload), payload })).toEqual({
      status: 200,
      body: { ok: true, outcome: "processed" },
    });
    expect(getDeliveryByGuid(db, id)).toMatchObject({ action: null, status: "processed" });
    const odd = crypto.randomUUID();
    const withNumber = { action: 3, zen: "Keep it logically awesome.", hook_id: 8 };
    receiveDelivery(db, { deliveryId: odd, event: "ping", hookId: 8, body: JSON.stringify(withNumber), payload: withNumber });
    expect(getDeliveryByGuid(db, odd)).toMatchObject({ action: null });
  });
});

describe("a group SQLite rolls back as a whole", () => {
  it("every delivery in it is answered 500 and none of their effects is kept; GitHub's redelivery then acts", async () => {
    const specs = [newIssue(), newIssue(), newIssue()];
    const ids = specs.map(() => crypto.randomUUID());
    const responses = await refusingBounties("rollback", () => Promise.all(specs.map((spec, i) => deliver("issues", issuesEvent("labeled", spec), ids[i]))));
    expect(responses.map((r) => r.status)).toEqual([500, 500, 500]);
    for (const spec of specs) expect(bountiesFor(spec.number)).toBe(0);
    for (const spec of specs) expect(getIssue(db, spec.repo, spec.number)).toBeNull();

    const redelivered = await Promise.all(specs.map((spec, i) => deliver("issues", issuesEvent("labeled", spec), ids[i])));
    expect(redelivered.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const spec of specs) expect(bountiesFor(spec.number)).toBe(1);
  });
});

describe("a group whose first delivery SQLite rolls back", () => {
  it("the deliveries after it in the group are not applied outside the transaction either", async () => {
    const specs = [newIssue(), newIssue(), newIssue()];
    db.$client.exec(
      `create trigger refuse_first before insert on bounties when new.github_number = ${specs[0]!.number} begin select raise(rollback, 'disk on fire'); end`,
    );
    let responses: Response[];
    try {
      responses = await Promise.all(specs.map((spec) => deliver("issues", issuesEvent("labeled", spec))));
    } finally {
      db.$client.exec("drop trigger refuse_first");
    }
    expect(responses.map((r) => r.status)).toEqual([500, 500, 500]);
    expect(specs.map((spec) => bountiesFor(spec.number))).toEqual([0, 0, 0]);
  });
});

describe("bodies that are JSON but not an object", () => {
  it.each([["null"], ['"a string"'], ["[1, 2]"]])("%s is stored with no action, and answered", (body) => {
    const id = crypto.randomUUID();
    const payload: unknown = JSON.parse(body);
    expect(receiveDelivery(db, { deliveryId: id, event: "issues", hookId: 1, body, payload }).status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ action: null, status: "ignored" });
  });
});

describe("replaying a stored delivery", () => {
  it("one that does not exist is a 404, and nothing is recorded", () => {
    const before = fingerprint(process.env.DATABASE_PATH!, []);
    let error: unknown;
    try {
      replayDelivery(db, admin, 987_654_321);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotFound);
    expect((error as NotFound).message).toBe("There is no such delivery.");
    expect(fingerprint(process.env.DATABASE_PATH!, [])).toEqual(before);
  });

  it("one whose stored body is not JSON says so, and acts on nothing", () => {
    const { id } = db.$client
      .prepare(
        "insert into webhook_deliveries (delivery_id, event, action, status, payload, attempts, received_at, processed_at) values (?, 'issues', 'opened', 'failed', ?, 1, 0, 0) returning id",
      )
      .get(crypto.randomUUID(), '{"action": "opened", "issue": ') as { id: number };
    const before = fingerprint(process.env.DATABASE_PATH!, []);
    expect(replayDelivery(db, admin, id)).toEqual({ status: 500, body: { ok: false, error: "the stored body is not JSON" } });
    expect(fingerprint(process.env.DATABASE_PATH!, [])).toEqual(before);
  });
});
