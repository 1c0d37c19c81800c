// EXPLAIN QUERY PLAN for every statement the hot paths run (the ones `npm run bench`
// drives): none may scan a big table from end to end.
import crypto from "node:crypto";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { createBounty, webBountyActor } from "~/app/models/bounties.server";
import { getTarget } from "~/app/models/targets.server";
import { action as bountyAction, loader as bountyPage } from "~/app/routes/bounties.$id";
import { loader as board } from "~/app/routes/bounties._index";
import { loader as fund } from "~/app/routes/fund._index";
import { loader as target } from "~/app/routes/targets.$slug";
import { loader as catalog } from "~/app/routes/targets._index";
import { commentEvent, deliveryHeaders, issuesEvent } from "../support/github-webhooks";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";
import { webhook } from "../support/webhook-endpoint";

const BIG = [
  "targets",
  "github_issues",
  "target_issues",
  "target_personas",
  "bounties",
  "bounty_personas",
  "bounty_events",
  "claims",
  "webhook_deliveries",
  "audit_log",
];

// Record the SQL of every statement the connection runs. Statements are run, not only
// prepared, here: queries prepared once per database (db/prepared.ts) are compiled on first
// use, possibly before a test starts recording, and then only run.
const seen = new Set<string>();
let recording = false;
const original = Database.prototype.prepare;
const statementMethods = Object.getPrototypeOf(original.call(db.$client, "select 1")) as Record<
  "run" | "get" | "all" | "iterate",
  (...args: unknown[]) => unknown
>;
for (const name of ["run", "get", "all", "iterate"] as const) {
  const run = statementMethods[name];
  statementMethods[name] = function (this: Database.Statement, ...args: unknown[]) {
    if (recording) seen.add(this.source);
    return run.apply(this, args);
  };
}
function record() {
  seen.clear();
  recording = true;
}
afterEach(() => {
  recording = false;
});

/**
 * Whole-index passes we accept, each with its reason. An ordered index walk is not accepted
 * just because the SQL has a LIMIT: a filter the index does not serve can make the walk read
 * the whole index before the LIMIT is met, so every such walk is named here instead.
 */
const ACCEPTED_SCANS: { sql: RegExp; why: string }[] = [
  {
    sql: /^select distinct "target_id" from "bounties" limit \?$/,
    why: "the board's target menu: a covering-index pass that stops at the 101st distinct target; with fewer targets it reads one small index entry per bounty (20,000 at bench scale)",
  },
  {
    sql: /^select "category", count\(\*\) from "targets" group by/,
    why: "the catalog's category menu: one pass over targets_category_idx (2,000 entries at bench scale, ~0.2 ms)",
  },
];

/** Plan rows that read a big table (or all of one of its indexes) from end to end. */
function fullScans(): string[] {
  recording = false;
  expect(seen.size, "no SQL was recorded").toBeGreaterThan(2);
  const found: string[] = [];
  for (const sql of seen) {
    if (!/^\s*(select|update|delete|insert|with)/i.test(sql) || (/^\s*insert\s+into\s+\S+\s*\(/i.test(sql) && !/select/i.test(sql))) continue;
    const params = (sql.match(/\?/g) ?? []).length;
    const explain: Database.Statement<unknown[]> = original.call(db.$client, `EXPLAIN QUERY PLAN ${sql}`);
    const plan = explain.all(...Array<null>(params).fill(null)) as { detail: string }[];
    for (const row of plan) {
      const m = /^SCAN (\w+)(?: AS \w+)?(.*)$/.exec(row.detail);
      // A scan is fine only when it walks an index in order and stops at a LIMIT.
      if (m && BIG.includes(m[1]!) && !ACCEPTED_SCANS.some((a) => a.sql.test(sql))) found.push(`${row.detail}  ⟵  ${sql.replace(/\s+/g, " ").slice(0, 160)}`);
    }
  }
  return found;
}

async function deliver(event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await call(
    webhook,
    "/webhooks/github",
    {},
    { method: "POST", headers: deliveryHeaders(event, body, process.env.GITHUB_WEBHOOK_SECRET!, crypto.randomUUID()), body },
  );
  expect(res.status).toBe(200);
}

describe("query plans on the hot paths", () => {
  it("/targets?persona=developer&sort=relevance", async () => {
    record();
    expect((await call(catalog, "/targets?persona=developer&sort=relevance")).status).toBe(200);
    expect(fullScans()).toEqual([]);
  });

  it("/targets/:slug", async () => {
    record();
    expect((await call(target, "/targets/envoy", { slug: "envoy" })).status).toBe(200);
    expect(fullScans()).toEqual([]);
  });

  it("/bounties?status=open", async () => {
    record();
    expect((await call(board, "/bounties?status=open")).status).toBe(200);
    expect(fullScans()).toEqual([]);
  });

  it("/bounties/:id?page=2 and a progress note on it (a page of the timeline, its count, the note rate limit)", async () => {
    const admin = await makeUser(["admin"]);
    const bounty = createBounty(db, webBountyActor(admin), {
      targetId: getTarget(db, "envoy")!.id,
      title: "Timeline plans",
      description: "A bounty to read one page of.",
      kind: "code",
    });
    const dev = await cookieFor((await makeUser()).id);
    expect((await call(bountyAction, `/bounties/${bounty.id}`, { id: String(bounty.id) }, formInit(dev, { intent: "claim" }))).status).toBe(302);
    record();
    expect(
      (await call(bountyAction, `/bounties/${bounty.id}`, { id: String(bounty.id) }, formInit(dev, { intent: "progress", note: "Half done." }))).status,
    ).toBe(302);
    expect((await call(bountyPage, `/bounties/${bounty.id}`, { id: String(bounty.id) })).status).toBe(200);
    expect((await call(bountyPage, `/bounties/${bounty.id}?page=2`, { id: String(bounty.id) })).status).toBe(404);
    expect(fullScans()).toEqual([]);
    // the check-in was prepared by the claim, before recording began, and is still seen
    expect([...seen].filter((sql) => sql.startsWith('update "claims" set "last_checkin_at"'))).toHaveLength(1);
  });

  it("/fund", async () => {
    record();
    expect((await call(fund, "/fund")).status).toBe(200);
    expect(fullScans()).toEqual([]);
  });

  it("POST /webhooks/github: issues.labeled and an issue_comment with /progress", async () => {
    const spec = { repo: "prometheus/prometheus", number: 777, labels: ["club-zero"], updatedAt: "2026-01-01T00:00:00Z" };
    record();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver(
      "issue_comment",
      commentEvent(spec, { id: 1, body: "/claim\n/progress halfway there", login: "bench-gh", createdAt: "2026-01-01T00:01:00Z" }),
    );
    expect(fullScans()).toEqual([]);
  });
});
