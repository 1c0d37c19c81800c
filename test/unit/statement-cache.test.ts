import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { cacheStatements } from "~/db/statement-cache";

function open(max?: number) {
  const sqlite = new Database(":memory:");
  cacheStatements(sqlite, max);
  sqlite.exec("create table t (id integer primary key, name text); insert into t (name) values ('a'), ('b'), ('c');");
  return sqlite;
}

describe("the prepared-statement cache", () => {
  it("compiles a SQL text once and reuses it", () => {
    const sqlite = open();
    const a = sqlite.prepare("select name from t where id = ?");
    expect(sqlite.prepare("select name from t where id = ?")).toBe(a);
    expect(sqlite.prepare("select name from t where id = ?").get(2)).toEqual({ name: "b" });
  });

  it("always reads the database: a cached statement sees rows written since", () => {
    const sqlite = open();
    const count = () => sqlite.prepare("select count(*) as n from t").get() as { n: number };
    expect(count().n).toBe(3);
    sqlite.prepare("insert into t (name) values (?)").run("d");
    expect(count().n).toBe(4);
  });

  it("hands a statement back in object mode whatever the last caller switched on", () => {
    const sqlite = open();
    expect(sqlite.prepare("select id, name from t where id = 1").raw().get()).toEqual([1, "a"]);
    expect(sqlite.prepare("select id, name from t where id = 1").get()).toEqual({ id: 1, name: "a" });
    expect(sqlite.prepare("select name from t where id = 1").pluck().get()).toBe("a");
    expect(sqlite.prepare("select name from t where id = 1").get()).toEqual({ name: "a" });
  });

  it("keeps at most `max` statements, dropping the least recently used", () => {
    const sqlite = open(2);
    const one = sqlite.prepare("select 1");
    const two = sqlite.prepare("select 2");
    expect(sqlite.prepare("select 1")).toBe(one); // now "select 2" is the oldest
    sqlite.prepare("select 3");
    expect(sqlite.prepare("select 1")).toBe(one);
    expect(sqlite.prepare("select 2")).not.toBe(two);
  });

  it("prepares a fresh statement while the cached one is still iterating", () => {
    const sqlite = open();
    const names: string[] = [];
    for (const row of sqlite.prepare("select name from t order by id").iterate() as Iterable<{ name: string }>) {
      names.push(row.name, (sqlite.prepare("select name from t order by id").get() as { name: string }).name);
    }
    expect(names).toEqual(["a", "a", "b", "a", "c", "a"]);
  });
});
