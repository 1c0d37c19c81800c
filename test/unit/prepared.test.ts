import Database from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { placeholders, preparedPerDatabase } from "~/db/prepared";

const people = sqliteTable("people", { id: integer("id").primaryKey(), name: text("name").notNull() });

function open(...names: string[]) {
  const sqlite = new Database(":memory:");
  sqlite.exec("create table people (id integer primary key, name text not null)");
  for (const name of names) sqlite.prepare("insert into people (name) values (?)").run(name);
  return drizzle({ client: sqlite });
}
type Db = ReturnType<typeof open>;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

let built = 0;
const queries = preparedPerDatabase((db: Db | Tx) => {
  built++;
  return {
    byId: db
      .select()
      .from(people)
      .where(eq(people.id, sql.placeholder("id")))
      .prepare(),
    rename: db
      .update(people)
      .set(placeholders(["name"]))
      .where(eq(people.id, sql.placeholder("id")))
      .prepare(),
  };
});

describe("queries prepared once per database", () => {
  it("each database answers from its own rows, however the calls interleave", () => {
    const a = open("ada");
    const b = open("bob");
    expect(queries(a).byId.get({ id: 1 })).toEqual({ id: 1, name: "ada" });
    expect(queries(b).byId.get({ id: 1 })).toEqual({ id: 1, name: "bob" });
    expect(queries(a).byId.get({ id: 1 })?.name).toBe("ada");
  });

  it("builds a database's set once, and its transactions use the same set", () => {
    const db = open("ada");
    const before = built;
    const set = queries(db);
    expect(queries(db)).toBe(set);
    db.transaction((tx) => {
      expect(queries(tx)).toBe(set);
      queries(tx).rename.run({ id: 1, name: "grace" });
    });
    expect(built - before).toBe(1);
    expect(queries(db).byId.get({ id: 1 })?.name).toBe("grace");
  });

  it("a rolled-back transaction's write through a prepared statement is gone", () => {
    const db = open("ada");
    expect(() =>
      db.transaction((tx) => {
        queries(tx).rename.run({ id: 1, name: "grace" });
        throw new Error("changed my mind");
      }),
    ).toThrow("changed my mind");
    expect(queries(db).byId.get({ id: 1 })?.name).toBe("ada");
  });
});
