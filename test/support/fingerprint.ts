import crypto from "node:crypto";
import Database from "better-sqlite3";

/** Row counts of every table in a SQLite file, read through a separate read-only handle. */
export function fingerprint(file: string, skip: string[] = ["login_failures"]): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.filter((t) => !skip.includes(t.name)).map((t) => [t.name, (db.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}

/**
 * A digest of every row of every table (not only counts), through the given connection, so
 * that an UPDATE shows as well as an INSERT or DELETE. `skip` names volatile tables, and the
 * page cache's write counter (data_version), which an UPDATE that changes nothing also moves.
 */
export function contentDigest(conn: Database.Database, skip: string[] = ["sessions", "login_failures", "data_version"]): string {
  const hash = crypto.createHash("sha256");
  const tables = conn.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  for (const name of tables.filter((t) => !skip.includes(t))) {
    hash.update(`\0${name}\0`);
    for (const row of conn.prepare(`select * from "${name}"`).raw().iterate()) hash.update(JSON.stringify(row));
  }
  return hash.digest("hex");
}
