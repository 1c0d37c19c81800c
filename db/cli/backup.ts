// npm run db:backup -- <file> — a consistent copy of the live database through SQLite's online
// backup API (never cp a live WAL database), its receipts in the folder beside it, verified as a
// restore would check it, and recorded like the scheduled backups (app/models/backups.server.ts).
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { backUpAndRecord } from "~/app/models/backups.server";

const target = process.argv[2];
if (!target) {
  console.error("Usage: npm run db:backup -- <file>");
  process.exit(1);
}
const run = await backUpAndRecord(db, target, env.UPLOADS_DIR, "command");
if (!run.ok) {
  console.error(`Backup failed: ${run.error}`);
  process.exit(1);
}
console.log(
  `Backed up to ${run.file} and ${run.receiptFiles} receipt file(s) to ${run.uploadsFolder} (${run.sizeBytes} bytes); verified: integrity ok, ledger ok, receipts match.`,
);
