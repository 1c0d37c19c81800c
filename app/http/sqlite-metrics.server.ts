// SQLite's share of the metrics, apart so that app/db.server.ts can time its write lock
// without importing the models (which import it).
import client from "prom-client";

export const writeLockWait = new client.Histogram({
  name: "clubzero_sqlite_write_lock_wait_seconds",
  help: "Time a write transaction waited for SQLite's write lock (BEGIN IMMEDIATE): above a millisecond, another process held it.",
  buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});

export const sqliteBusy = new client.Counter({
  name: "clubzero_sqlite_busy_errors_total",
  help: "Operations that gave up because the database stayed locked past busy_timeout (SQLITE_BUSY).",
});

/** Counts an error if it is SQLite's "database is locked". */
export function countIfBusy(error: unknown) {
  if (error && typeof error === "object" && "code" in error && String(error.code).startsWith("SQLITE_BUSY")) sqliteBusy.inc();
}
