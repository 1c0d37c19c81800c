// npm run db:backup -- <file> — a consistent copy of the live database through SQLite's
// online backup API (never cp a live WAL database).
import fs from "node:fs";
import path from "node:path";
import { db } from "~/app/db.server";

const target = process.argv[2];
if (!target) {
  console.error("Usage: npm run db:backup -- <file>");
  process.exit(1);
}
if (fs.existsSync(target)) {
  console.error(`${target} exists; choose a new file name.`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
await db.$client.backup(target);
console.log(`Backed up to ${target}.`);
