import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { renderMarkdown } from "../app/lib/markdown.server";
import { installDataVersionTriggers } from "./data-version";
import type Database from "better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";

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

/**
 * Applies every committed migration not yet applied (each runs in a transaction), renders
 * the Markdown of rows older than the rendered columns, and gives every table its
 * data-version triggers (the page cache's notion of "unchanged", db/data-version.ts).
 */
export function runMigrations(db: BetterSQLite3Database<Record<string, unknown>> & { $client: Database.Database }) {
  migrate(db, { migrationsFolder: findMigrationsFolder() });
  fillRenderedMarkdown(db);
  installDataVersionTriggers(db.$client);
}

/**
 * Migration 0017 added note_html and description_html; SQL cannot run markdown-it, so the
 * rows written before it are rendered here, once, in batches (the partial *_unrendered_idx
 * indexes find them; at every later start they are empty and this costs two index probes).
 * Migration 0018's triggers let exactly this change through on the append-only timeline.
 * Returns how many rows were rendered.
 */
export function fillRenderedMarkdown(db: { $client: Database.Database }): number {
  const sqlite = db.$client;
  const jobs = [
    {
      pick: sqlite.prepare<[], { id: number; source: string }>(
        "select id, note as source from bounty_events where note is not null and note_html is null order by id limit 500",
      ),
      store: sqlite.prepare<[string, number]>("update bounty_events set note_html = ? where id = ?"),
    },
    {
      pick: sqlite.prepare<[], { id: number; source: string }>(
        "select id, description as source from bounties where description_html is null order by id limit 500",
      ),
      store: sqlite.prepare<[string, number]>("update bounties set description_html = ? where id = ?"),
    },
  ];
  let rendered = 0;
  for (const { pick, store } of jobs) {
    for (;;) {
      const rows = pick.all();
      if (rows.length === 0) break;
      // Render outside the write transaction; the UPDATEs then commit as one.
      const html = rows.map((r) => renderMarkdown(r.source));
      sqlite.transaction(() => rows.forEach((r, i) => store.run(html[i]!, r.id)))();
      rendered += rows.length;
    }
  }
  return rendered;
}
