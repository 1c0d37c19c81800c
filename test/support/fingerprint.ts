import Database from "better-sqlite3";

/** Row counts of every table in a SQLite file, read through a separate read-only handle. */
export function fingerprint(file: string, skip: string[] = ["login_failures"]): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables
        .filter((t) => !skip.includes(t.name))
        .map((t) => [t.name, (db.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}
