// npm run db:restore -- <file> — puts a backup made by the `backup` job or `npm run db:backup`
// back in place of DATABASE_PATH and UPLOADS_DIR, keeping what it replaces beside them.
// Refuses (exit 1, nothing changed) a backup that fails verification and a database a server
// is still running on. Stop the server first; start it again afterwards (it migrates an older backup).
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { describeFailure, restoreBackup } from "~/app/models/backups.server";

const file = process.argv[2];
if (!file) {
  console.error("Usage: npm run db:restore -- <backup file>");
  process.exit(1);
}
try {
  const report = await restoreBackup(db, { backupFile: file, databasePath: env.DATABASE_PATH, uploadsDir: env.UPLOADS_DIR });
  console.log(`Verified ${report.backupFile}: integrity ok, ledger ok, receipts match.`);
  console.log(`Moved the database that was in place to ${report.databaseAside}.`);
  console.log(`Restored ${report.databasePath} (${report.ledgerEntries} ledger entries).`);
  if (report.uploadsAside) console.log(`Moved the receipts that were in place to ${report.uploadsAside}.`);
  console.log(`Restored ${report.receiptFiles} receipt file(s) to ${report.uploadsDir}.`);
  console.log("Start the server again; it applies any newer migrations at start-up.");
} catch (error) {
  if (db.$client.open) db.$client.close();
  console.error(`Restore refused: ${describeFailure(error)}`);
  process.exit(1);
}
