import { sql, type SQL } from "drizzle-orm";

/**
 * Queries built once per database and then run with placeholders (drizzle's `.prepare()` with
 * `sql.placeholder`), for the statements a webhook delivery or a page runs on every request:
 * drizzle then neither rebuilds the SQL text nor looks the statement up by it, which was half
 * of a delivery's CPU (npm run bench's profiles). Each database gets its own set (tests open
 * many), found through the connection's session, which its transactions share.
 */
export function preparedPerDatabase<D extends object, T>(build: (db: D) => T): (db: D) => T {
  const sets = new WeakMap<object, T>();
  return (db) => {
    const session = (db as { session?: object }).session ?? db;
    let set = sets.get(session);
    if (!set) {
      set = build(db);
      sets.set(session, set);
    }
    return set;
  };
}

/**
 * `{ name: placeholder }` for each name: the values of a prepared insert or the set of a
 * prepared update, filled in at each run. Typed as SQL (drizzle's types take placeholders only
 * in conditions), so values are bound as given: pass what SQLite stores (numbers for times).
 */
export function placeholders<K extends string>(names: readonly K[]): Record<K, SQL> {
  return Object.fromEntries(names.map((name) => [name, sql`${sql.placeholder(name)}`])) as Record<K, SQL>;
}
