// Demo money never looks like money: demo history only on request, never in production, and
// every demo row marked wherever it shows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { parseEnv } from "~/app/env.server";
import { webPerson } from "~/app/models/audit.server";
import { hasDemoData, listPublicEntries } from "~/app/models/ledger.server";
import { listQueue } from "~/app/models/queue.server";
import { loader as rootLoader } from "~/app/root";
import { loader as apiFund } from "~/app/routes/api.fund";
import { loader as fundCsv } from "~/app/routes/fund[.]csv";
import { seedDemoFund } from "~/db/seed";
import { call } from "../support/remix";
import { runServerToExit } from "../support/server";
import { makeUser } from "../support/users";

describe("demo data", () => {
  it("is off unless SEED_DEMO=1 is set, and SEED_DEMO=1 with NODE_ENV=production is refused, naming the variable", () => {
    expect(parseEnv({}).SEED_DEMO).toBe("0");
    expect(parseEnv({ SEED_DEMO: "1" }).SEED_DEMO).toBe("1");
    expect(() => parseEnv({ SEED_DEMO: "1", NODE_ENV: "production" })).toThrowError(/SEED_DEMO=1: demo fund history is never seeded with NODE_ENV=production/);
  });

  it("the production server refuses to start with SEED_DEMO=1 and says why", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-demo-"));
    const { code, output } = await runServerToExit({ NODE_ENV: "production", SEED_DEMO: "1", DATABASE_PATH: path.join(dir, "x.sqlite") });
    // it stopped before opening a database, so nothing was seeded anywhere
    const created = fs.existsSync(path.join(dir, "x.sqlite"));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(code).not.toBe(0);
    expect(output).toContain("SEED_DEMO=1");
    expect(created).toBe(false);
  });

  it("a fresh database has none; once seeded, every demo row is marked on the ledger, in the CSV, the JSON API, the queue and the site banner", async () => {
    expect(hasDemoData(db)).toBe(false);
    expect(((await (await call(rootLoader, "/")).json()) as { demo: boolean }).demo).toBe(false);

    expect(seedDemoFund(db, "USD")).toBe(true);
    expect(seedDemoFund(db, "USD")).toBe(false); // once
    expect(hasDemoData(db)).toBe(true);
    expect(((await (await call(rootLoader, "/")).json()) as { demo: boolean }).demo).toBe(true);

    // every seeded ledger row and expense carries the mark, the anonymous donation and the payment included
    const unmarked = db.$client.prepare("select count(*) from ledger_entries where demo = 0").pluck().get();
    expect(unmarked).toBe(0);
    expect(db.$client.prepare("select count(*) from expenses where demo = 0").pluck().get()).toBe(0);
    const entries = listPublicEntries(db);
    expect(entries.length).toBe(4);
    expect(entries.every((e) => e.demo)).toBe(true);
    expect(entries.some((e) => e.kind === "donation" && e.donor === null)).toBe(true);

    const csv = await (await call(fundCsv, "/fund.csv")).text();
    const [header, ...rows] = csv
      .trim()
      .split(/\r?\n/)
      .filter((l) => /^\d/.test(l) || l.startsWith("id"));
    expect(header!.split(",").at(-1)).toBe("demo");
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.split(",").at(-1)).toBe("demo");

    const api = (await (await call(apiFund, "/api/fund")).json()) as { demo: boolean; entries: { demo: boolean }[] };
    expect(api.demo).toBe(true);
    expect(api.entries.every((e) => e.demo)).toBe(true);

    // the request waiting for votes is marked in the SSC member's queue too
    const ssc = webPerson(await makeUser(["ssc"]));
    const waiting = listQueue(db, ssc).awaitingVote!;
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((e) => e.demo)).toBe(true);
  });
});
