// Running the service: the record of every backup (app/models/backups.server.ts).
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { BACKUP_SOURCES } from "~/app/lib/vocabulary";
import { sqlList } from "./columns";

/**
 * One row per backup attempt, scheduled (the `backup` job) or by hand (`npm run db:backup`):
 * where it went, how big, and whether it verified; a failed one keeps its error. /admin shows
 * the latest, /metrics reads it.
 */
export const backups = sqliteTable(
  "backups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source", { enum: BACKUP_SOURCES }).notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at").notNull(),
    /** The database copy's absolute path; its receipts are in the folder beside it (`….uploads`). */
    file: text("file").notNull(),
    /** Bytes of the database copy plus its receipt files; null when it failed. */
    sizeBytes: integer("size_bytes"),
    receiptFiles: integer("receipt_files"),
    verified: integer("verified", { mode: "boolean" }).notNull(),
    error: text("error"),
  },
  (t) => [
    index("backups_finished_idx").on(t.finishedAt),
    check("backups_source_check", sql`${t.source} in (${sqlList(BACKUP_SOURCES)})`),
    // verified, or failed with a reason: never neither
    check("backups_outcome_check", sql`(${t.verified} = 1 and ${t.error} is null) or (${t.verified} = 0 and ${t.error} is not null)`),
  ],
);
