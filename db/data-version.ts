// One number that changes whenever anything a page may show changes: the page cache's
// only notion of "still valid". It lives in the database, so every process sees every
// other process's writes (and the CLI's), and it is bumped by triggers, so no code path can
// forget to bump it: a table added by a later migration gets its triggers at the next start.
import type Database from "better-sqlite3";

/**
 * Tables no anonymous page ever shows: sessions, throttles, job leases, tokens, the outbox,
 * raw deliveries and per-person notifications. Writing them (every sign-in, every job
 * heartbeat) must not empty the cache. Every other table bumps the version; a new table
 * does too unless it is added here, so the safe default needs no thought.
 */
export const TABLES_NO_PAGE_SHOWS = new Set([
  "sessions",
  "login_failures",
  "jobs",
  "email_tokens",
  "outbox",
  "webhook_deliveries",
  "github_hooks",
  "notifications",
  "notification_preferences",
  "app_keys",
  "backups",
  "data_version",
  "__drizzle_migrations",
]);

/**
 * Creates the counter and a trigger per table and operation, where missing. Idempotent, and
 * read-only when nothing is missing (every start of the server and of each command-line tool
 * runs it, possibly while a server is writing).
 */
export function installDataVersionTriggers(sqlite: Database.Database): string[] {
  const tables = sqlite
    .prepare<[], { name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .all()
    .map((t) => t.name)
    .filter((name) => !TABLES_NO_PAGE_SHOWS.has(name));
  const existing = new Set(sqlite.prepare<[], string>("select name from sqlite_master where type in ('trigger', 'table')").pluck().all());
  const missing = tables
    .flatMap((table) => ["insert", "update", "delete"].map((op) => ({ table, op })))
    .filter((t) => !existing.has(`data_version_${t.table}_${t.op}`));
  if (existing.has("data_version") && missing.length === 0) return tables;
  // IMMEDIATE: take the write lock first (waiting for it), rather than read and then find the
  // database changed underneath (SQLITE_BUSY at once, which no busy timeout retries).
  sqlite
    .transaction(() => {
      sqlite.exec("create table if not exists data_version (id integer primary key check (id = 1), n integer not null)");
      sqlite.exec("insert or ignore into data_version (id, n) values (1, 0)");
      for (const { table, op } of missing) {
        sqlite.exec(
          `create trigger if not exists "data_version_${table}_${op}" after ${op} on "${table}" begin update data_version set n = n + 1 where id = 1; end`,
        );
      }
    })
    .immediate();
  return tables;
}

/** The current version: equal numbers mean nothing a page shows has changed in between. */
export function dataVersionReader(sqlite: Database.Database): () => number {
  const read = sqlite.prepare<[], number>("select n from data_version where id = 1").pluck();
  return () => read.get() ?? 0;
}
