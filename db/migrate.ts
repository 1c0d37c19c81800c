import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

/**
 * Finds db/migrations by walking up from this module. The same code runs from source
 * (tsx, vitest) and bundled into build/server/index.js, at different depths.
 */
export function findMigrationsFolder(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    for (const candidate of [path.join(dir, "migrations"), path.join(dir, "db", "migrations")]) {
      if (fs.existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`db/migrations not found above ${from}`);
    dir = parent;
  }
}

/** Applies every committed migration not yet applied; each runs in a transaction. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema will do
export function runMigrations(db: BetterSQLite3Database<any>) {
  migrate(db, { migrationsFolder: findMigrationsFolder() });
}
