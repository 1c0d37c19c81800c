// The memo behind signed-in pages (app/models/shared-reads.server.ts): bounded, emptied by any
// write a page could show, and fed only from tables whose writes move the data version.
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { getBoardPage, getTargetPage, sharedReads } from "~/app/models/shared-reads.server";
import { installDataVersionTriggers, TABLES_NO_PAGE_SHOWS } from "~/db/data-version";

/** A write to a table pages show (what a bounty, target or claim change does). */
const touchCatalog = () => db.$client.prepare("update targets set name = name where slug = 'kafka'").run();

describe("shared reads", () => {
  it("are built once per data version and key, and at most `max` are kept", () => {
    const memo = sharedReads<string>(2);
    const builds: string[] = [];
    const read = (key: string) => memo(db, key, () => (builds.push(key), `${key}@${builds.length}`));
    expect([read("a"), read("a"), read("b"), read("a")]).toEqual(["a@1", "a@1", "b@2", "a@1"]);
    read("c"); // "b" was used least recently: it goes
    expect(read("a")).toBe("a@1");
    expect(read("b")).toBe("b@4");
    expect(builds).toEqual(["a", "b", "c", "b"]);
  });

  it("are built again after any write a page could show, whoever made it", () => {
    const memo = sharedReads<number>(10);
    let builds = 0;
    const read = () => memo(db, "board", () => ++builds);
    expect([read(), read()]).toEqual([1, 1]);
    touchCatalog();
    expect(read()).toBe(2);
    // a sign-in writes only tables no page shows: nothing to build again
    db.$client.prepare("update sessions set last_seen_at = last_seen_at").run();
    expect(read()).toBe(2);
  });

  it("of the board and a target's page read only tables whose writes move the data version", () => {
    const covered = new Set(installDataVersionTriggers(db.$client));
    const seen = new Set<string>();
    const prepare = db.$client.prepare;
    db.$client.prepare = ((source: string) => {
      seen.add(source);
      return prepare(source);
    }) as typeof prepare;
    try {
      touchCatalog();
      expect(getBoardPage(db, { status: "open", page: 1 }).total).toBeGreaterThanOrEqual(0);
      expect(getTargetPage(db, "kafka", 1)?.target.slug).toBe("kafka");
    } finally {
      db.$client.prepare = prepare;
    }
    const tables = new Set([...seen].flatMap((source) => [...source.matchAll(/\b(?:from|join)\s+"?(\w+)"?/gi)].map((m) => m[1]!)));
    tables.delete("data_version"); // the version itself
    expect([...tables]).toEqual(expect.arrayContaining(["bounties", "targets", "target_issues", "github_issues", "claims", "users"]));
    for (const table of tables) {
      expect(TABLES_NO_PAGE_SHOWS.has(table), `${table} is read into a shared value but its writes do not move the version`).toBe(false);
      expect(covered, table).toContain(table);
    }
  });
});
