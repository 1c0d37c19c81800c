import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "~/app/db.server";
import { runMigrations } from "~/db/migrate";
import { seedCatalog, seedIfEmpty } from "~/db/seed";
import packageSeed from "~/db/seed/packages.json";
import targetRows from "~/db/seed/targets.json";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-seed-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function freshDb(name: string): Db {
  const db = openDatabase(path.join(dir, "nested", name, "app.sqlite"));
  runMigrations(db);
  return db;
}

function counts(db: Db) {
  const n = (table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return {
    personas: n("personas"),
    targets: n("targets"),
    issues: n("github_issues"),
    links: n("target_issues"),
    targetPersonas: n("target_personas"),
  };
}

const sourceIssues = targetRows.reduce((sum, t) => sum + t.issues.length, 0);
const sourcePersonaLinks = targetRows.reduce((sum, t) => sum + t.personas.length, 0);

describe("seed", () => {
  it("loads the 46 integration targets and 5 SPIFFE projects, 86 GitHub items, 10 personas and 27 packages into an empty database", () => {
    const db = freshDb("first");
    const report = seedCatalog(db);
    expect(targetRows).toHaveLength(46);
    expect(sourceIssues).toBe(86);
    expect(report).toMatchObject({ targets: 51, links: sourceIssues, software: 10, packages: 27, tutorials: 3 });
    expect(packageSeed.packages).toHaveLength(27);
    expect(counts(db)).toEqual({
      personas: 10,
      targets: 51,
      issues: new Set(targetRows.flatMap((t) => t.issues.map((i) => `${i.repo}#${i.number}`))).size,
      links: sourceIssues,
      targetPersonas: sourcePersonaLinks + packageSeed.targets.reduce((sum, t) => sum + t.personas.length, 0),
    });
  });

  it("adds nothing when run a second time", () => {
    const db = freshDb("twice");
    seedCatalog(db);
    const before = counts(db);
    const again = seedCatalog(db);
    expect(again).toMatchObject({ targets: 0, issues: 0, links: 0, bounties: 0, software: 0, packages: 0, tutorials: 0 });
    expect(counts(db)).toEqual(before);
  });

  it("keeps edits made to a target after it was seeded", () => {
    const db = freshDb("edits");
    seedCatalog(db);
    db.$client.prepare("update targets set summary = 'edited by an admin' where slug = 'kafka'").run();
    seedCatalog(db);
    const row = db.$client.prepare("select summary from targets where slug = 'kafka'").get() as { summary: string };
    expect(row.summary).toBe("edited by an admin");
  });

  it("seeds on first start only: a database with targets is left alone", () => {
    const db = freshDb("first-start");
    expect(seedIfEmpty(db)).toMatchObject({ targets: 51 });
    expect(seedIfEmpty(db)).toBeNull();
  });
});
