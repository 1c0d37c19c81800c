// npm run db:restore -- <file> — puts a backup made by the `backup` job or `npm run db:backup`
// back in place of DATABASE_PATH and UPLOADS_DIR, keeping what it replaces beside them.
// Refuses (exit 1, nothing changed) a backup that fails verification and a database a server
// is still running on. Stop the server first; start it again afterwards (it migrates an older backup).
import path from "node:path";
import { db, openDatabase } from "~/app/db.server";
import { env } from "~/app/env.server";
import { cliActor, recordAudit } from "~/app/models/audit.server";
import { describeFailure, restoreBackup } from "~/app/models/backups.server";
import { runMigrations } from "../migrate";

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
  // The restored database says so itself: who restored what, when, and where the old one went.
  try {
    const restored = openDatabase(report.databasePath);
    runMigrations(restored);
    recordAudit(restored, cliActor, {
      action: "database.restored",
      entityType: "database",
      entityId: path.basename(report.backupFile),
      before: { keptAt: report.databaseAside },
      after: { backup: report.backupFile, ledgerEntries: report.ledgerEntries, receiptFiles: report.receiptFiles },
    });
    restored.$client.close();
    console.log("Recorded the restore in the audit log (database.restored).");
  } catch (error) {
    console.error(`The restore is done, but recording it in the audit log failed: ${describeFailure(error)}`);
  }
  console.log("Start the server again.");
} catch (error) {
  if (db.$client.open) db.$client.close();
  console.error(`Restore refused: ${describeFailure(error)}`);
  process.exit(1);
}
