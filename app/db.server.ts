import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "../db/schema";
import { cacheStatements } from "../db/statement-cache";
import { env } from "./env.server";
import { writeLockWait } from "./http/sqlite-metrics.server";

/** How long a statement waits for another process's lock before it fails (SQLITE_BUSY). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the SQLite file (creating its folder) with the pragmas every connection needs.
 * synchronous=FULL because the fund's ledger lives here: an acknowledged write must
 * survive a power cut, not only a process crash.
 */
export function openDatabase(file: string) {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  const mode = sqlite.pragma("journal_mode = WAL", { simple: true });
  if (mode !== "wal") {
    sqlite.close();
    throw new Error(`SQLite refused WAL mode for ${file} (got "${String(mode)}"); use a local disk.`);
  }
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  cacheStatements(sqlite);
  return drizzle({ client: sqlite, schema });
}

export type Db = ReturnType<typeof openDatabase>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Runs `fn` in one BEGIN IMMEDIATE transaction: the write lock is taken up front, so a
 * read-then-write inside cannot be overtaken by another writer. `fn` must be synchronous;
 * a Promise-returning callback is a type error.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T extends Promise<unknown> ? never : T): T {
  const asked = performance.now();
  return db.transaction(
    (tx) => {
      // BEGIN IMMEDIATE has returned: the lock is ours. Waiting here means another process had it.
      writeLockWait.observe((performance.now() - asked) / 1000);
      return fn(tx);
    },
    { behavior: "immediate" },
  );
}

export const db = openDatabase(env.DATABASE_PATH);
