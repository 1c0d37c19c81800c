// The page cache trusts one number: it must move with every write a page could show, and
// stay put for the machinery's own bookkeeping.
import { describe, expect, it } from "vitest";
import { createUserSession } from "~/app/auth/session.server";
import { db } from "~/app/db.server";
import { dataVersionReader, installDataVersionTriggers, TABLES_NO_PAGE_SHOWS } from "~/db/data-version";
import { makeUser } from "../support/users";

const sqlite = db.$client;
const version = dataVersionReader(sqlite);

describe("the data version", () => {
  it("has insert, update and delete triggers on every table a page may show, including any added later", () => {
    sqlite.exec("create table later_feature (id integer primary key, title text)");
    const covered = installDataVersionTriggers(sqlite);
    expect(covered).toContain("later_feature");
    const tables = sqlite
      .prepare<[], { name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all()
      .map((t) => t.name);
    const triggers = new Set(
      sqlite
        .prepare<[], { name: string }>("select name from sqlite_master where type = 'trigger'")
        .all()
        .map((t) => t.name),
    );
    for (const table of tables.filter((t) => !TABLES_NO_PAGE_SHOWS.has(t))) {
      for (const op of ["insert", "update", "delete"]) expect(triggers, `${table} ${op}`).toContain(`data_version_${table}_${op}`);
    }
    const before = version();
    sqlite.prepare("insert into later_feature (title) values ('x')").run();
    expect(version()).toBe(before + 1);
    sqlite.exec("drop table later_feature");
  });

  it("moves with inserts, updates and deletes of shown data, in the same transaction as the write", () => {
    const before = version();
    const id = sqlite
      .prepare("insert into targets (slug, name, category, status, summary, created_at) values ('dv-test', 'DV', 'other', 'none', 's', 1)")
      .run().lastInsertRowid;
    expect(version()).toBe(before + 1);
    sqlite.prepare("update targets set name = 'DV 2' where id = ?").run(id);
    expect(version()).toBe(before + 2);
    try {
      sqlite.transaction(() => {
        sqlite.prepare("delete from targets where id = ?").run(id);
        throw new Error("roll back");
      })();
    } catch {
      // a rolled-back write leaves no trace, in the data or in the version
    }
    expect(version()).toBe(before + 2);
    sqlite.prepare("delete from targets where id = ?").run(id);
    expect(version()).toBe(before + 3);
  });

  it("stays put for sign-ins and job heartbeats, so they do not empty the cache", async () => {
    const user = await makeUser();
    const before = version();
    await createUserSession(user.id);
    sqlite.prepare("insert into login_failures (key, failed_at) values ('x', 1)").run();
    expect(version()).toBe(before);
  });
});
