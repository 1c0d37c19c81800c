// Backups of the database and its receipts (issue #20). Each is written through SQLite's online
// backup API (never a copy of the live file: https://sqlite.org/backup.html), with the receipt
// files its rows name copied into a folder beside it, and counts only once it verifies. The
// scheduled job prunes only files it wrote (by their name); a restore refuses a backup that does
// not verify, and a database some process still has open.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { desc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "~/db/schema";
import { verifyLedger, type VerifyFinding } from "./ledger.server";
import type { Db } from "../db.server";
import type { BackupSource } from "../lib/vocabulary";

const { backups } = schema;

/** The scheduled job's names: `club-zero-2026-11-30T12-00-00Z.sqlite`. Pruning touches nothing else. */
const SCHEDULED_NAME = /^club-zero-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.sqlite$/;
/** What a scheduled run that was cut short (a kill, a power cut) leaves: swept at the next run. */
const SCHEDULED_LEFTOVER = /^club-zero-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.(?:sqlite\.partial(?:\.sha256|-journal)?|uploads\.partial)$/;
/** better-sqlite3's largest step: the rest of the database at once. */
const ALL_PAGES = 0x7fffffff;
/** Receipt files are stored under 32 random hex characters (app/lib/receipts.server.ts). */
const RECEIPT_NAME = /^[0-9a-f]{32}$/;

/** A UTC time usable in a file name on every system: 2026-11-30T12-00-00Z. */
export function formatFileStamp(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replaceAll(":", "-");
}

export function scheduledBackupName(at: number): string {
  return `club-zero-${formatFileStamp(at)}.sqlite`;
}

/** The folder beside a backup that holds its receipts: `x.sqlite` → `x.uploads`. */
export function uploadsFolderFor(backupFile: string): string {
  return backupFile.endsWith(".sqlite") ? `${backupFile.slice(0, -".sqlite".length)}.uploads` : `${backupFile}.uploads`;
}

/** The backup's SHA-256 beside it, in `sha256sum` format (`sha256sum -c x.sqlite.sha256` checks it too). */
export function checksumFileFor(backupFile: string): string {
  return `${backupFile}.sha256`;
}

/** A failure as a sentence for an operator: what went wrong, never a stack or library text. */
export function describeFailure(error: unknown): string {
  if (error instanceof BackupRefused) return error.message;
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  const where = typeof error === "object" && error !== null && "path" in error ? ` (${String(error.path)})` : "";
  const known: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOSPC: "the disk is full",
    EDQUOT: "the disk quota is used up",
    ENOENT: "a file or folder is missing",
    ENOTDIR: "a path that should be a folder is a file",
    EEXIST: "the file exists already",
    EROFS: "the file system is read-only",
    SQLITE_CORRUPT: "the database file is damaged",
    SQLITE_NOTADB: "the file is not a SQLite database",
    SQLITE_FULL: "the disk is full",
    SQLITE_CANTOPEN: "the file cannot be opened",
  };
  return `${known[code] ?? `unexpected error${code ? ` (${code})` : ""}`}${where}`;
}

/** A backup that failed its checks, or a restore that will not go ahead; the message says why. */
export class BackupRefused extends Error {
  constructor(
    message: string,
    readonly findings: VerifyFinding[] = [],
  ) {
    super(findings.length > 0 ? `${message}: ${findings.map((f) => `${f.check}: ${f.detail}`).join("; ")}` : message);
    this.name = "BackupRefused";
  }
}

/** SHA-256 of a file, read 1 MiB at a time (a database may be larger than the heap). */
function sha256File(file: string): string {
  const hash = createHash("sha256");
  const chunk = Buffer.alloc(1024 * 1024);
  const fd = fs.openSync(file, "r");
  try {
    for (let n = fs.readSync(fd, chunk); n > 0; n = fs.readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Checks a backup as a restore would rely on it, through a read-only handle: SQLite's
 * integrity_check and the ledger's checks (verifyLedger, as `npm run ledger:verify`), that it is
 * a Club Zero database, and that every receipt row has its file in `uploadsFolder` with the
 * recorded SHA-256. Returns every finding; none means sound. Never throws for a bad file.
 */
export function verifyBackup(file: string, uploadsFolder = uploadsFolderFor(file)): VerifyFinding[] {
  if (!fs.existsSync(file)) return [{ check: "file", detail: `${file} does not exist` }];
  // SQLite has no page checksums: bytes changed inside a row pass integrity_check. The digest
  // written with the backup catches them.
  const recorded = fs.existsSync(checksumFileFor(file)) ? /^[0-9a-f]{64}/.exec(fs.readFileSync(checksumFileFor(file), "utf8"))?.[0] : undefined;
  if (!recorded) return [{ check: "checksum", detail: `${checksumFileFor(file)} is missing or unreadable (every backup is written with one)` }];
  if (sha256File(file) !== recorded) return [{ check: "checksum", detail: `${file} is not the file that was written (its SHA-256 differs)` }];
  let conn: Database.Database | null = null;
  try {
    conn = new Database(file, { readonly: true, fileMustExist: true });
    const tables = new Set(conn.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
    if (!tables.has("__drizzle_migrations") || !tables.has("ledger_entries") || !tables.has("receipts")) {
      return [{ check: "schema", detail: "this is not a Club Zero database (its tables are missing)" }];
    }
    const findings = verifyLedger(drizzle({ client: conn, schema }));
    const rows = conn.prepare("select expense_id as expenseId, stored_name as name, sha256 from receipts order by id").all() as {
      expenseId: number;
      name: string;
      sha256: string;
    }[];
    for (const r of rows) {
      const copy = path.join(uploadsFolder, r.name);
      if (!RECEIPT_NAME.test(r.name))
        findings.push({ check: "receipts", detail: `expense #${r.expenseId} names a receipt file "${r.name}" that is not a stored name` });
      else if (!fs.existsSync(copy))
        findings.push({ check: "receipts", detail: `receipt ${r.name} of expense #${r.expenseId} is missing from ${uploadsFolder}` });
      else if (sha256File(copy) !== r.sha256)
        findings.push({ check: "receipts", detail: `receipt ${r.name} of expense #${r.expenseId} differs from the one recorded` });
    }
    return findings;
  } catch (error) {
    return [{ check: "integrity_check", detail: describeFailure(error) }];
  } finally {
    conn?.close();
  }
}

export interface WrittenBackup {
  file: string;
  uploadsFolder: string;
  sizeBytes: number;
  receiptFiles: number;
}

/**
 * Writes a verified backup of `db` to `target` and its receipts (the files its rows name, from
 * `uploadsDir`) to the folder beside it. Both are written under `.partial` names and renamed only
 * once the copy verifies, so a name without `.partial` is always a verified backup. The copy is
 * switched to a rollback journal: one self-contained file, no -wal beside it. Throws
 * BackupRefused (with the findings) when the copy does not verify, or the fs/SQLite error.
 */
export async function writeBackup(db: Db, target: string, uploadsDir: string): Promise<WrittenBackup> {
  const file = path.resolve(target);
  const uploadsFolder = uploadsFolderFor(file);
  if (fs.existsSync(file) || fs.existsSync(uploadsFolder) || fs.existsSync(checksumFileFor(file)))
    throw new BackupRefused(`${file} exists already; choose a new file name`);
  const partial = `${file}.partial`;
  const partialUploads = `${uploadsFolder}.partial`;
  const cleanUp = () => {
    for (const leftover of [partial, `${partial}-journal`, checksumFileFor(partial), partialUploads]) fs.rmSync(leftover, { recursive: true, force: true });
  };
  cleanUp(); // what a run that died half-way left
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // All pages in one step, from one read snapshot: copied in steps, the backup starts over each
    // time another connection writes, and under steady writes it would never finish. One step
    // holds the event loop for as long as the copy takes (milliseconds for a fund's database).
    await db.$client.backup(partial, { progress: () => ALL_PAGES });
    fs.chmodSync(partial, 0o600); // password hashes and sessions are in it
    const copy = new Database(partial);
    let names: string[];
    try {
      copy.pragma("journal_mode = DELETE");
      // The leases were the running server's; a restored copy must not look as if it still ran.
      copy.prepare("update jobs set holder = null, lease_until = 0").run();
      names = copy.prepare("select stored_name from receipts order by id").pluck().all() as string[];
    } finally {
      copy.close();
    }
    copyReceipts(uploadsDir, partialUploads, names);
    let sizeBytes = fs.statSync(partial).size;
    for (const name of fs.readdirSync(partialUploads)) sizeBytes += fs.statSync(path.join(partialUploads, name)).size;
    fs.writeFileSync(checksumFileFor(partial), `${sha256File(partial)}  ${path.basename(file)}\n`, { mode: 0o600 });
    const findings = verifyBackup(partial, partialUploads);
    if (findings.length > 0) throw new BackupRefused(`the backup did not verify`, findings);
    // the database file's name comes last: it is what makes the backup exist
    fs.renameSync(partialUploads, uploadsFolder);
    fs.renameSync(checksumFileFor(partial), checksumFileFor(file));
    fs.renameSync(partial, file);
    syncPath(path.dirname(file));
    return { file, uploadsFolder, sizeBytes, receiptFiles: names.length };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

/** Makes a file's bytes, or a folder's entries (renames), durable before what depends on them. */
function syncPath(file: string) {
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies receipt files (stored names only) into a new folder, each 0600 and synced; returns how many. */
function copyReceipts(from: string, to: string, names: string[]): number {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  let copied = 0;
  for (const name of names) {
    const source = path.join(from, name);
    // A receipt missing from the source is left out here; verification names it.
    if (!RECEIPT_NAME.test(name) || !fs.existsSync(source)) continue;
    const target = path.join(to, name);
    fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(target, 0o600);
    syncPath(target);
    copied += 1;
  }
  syncPath(to);
  return copied;
}

export type BackupRun = ({ ok: true } & WrittenBackup) | { ok: false; file: string; error: string };

/**
 * writeBackup, then one `backups` row saying how it went (a failure keeps its reason). Never
 * throws for a failed backup: the outcome says so.
 */
export async function backUpAndRecord(db: Db, target: string, uploadsDir: string, source: BackupSource, now = Date.now): Promise<BackupRun> {
  const startedAt = now();
  const file = path.resolve(target);
  let run: BackupRun;
  try {
    run = { ok: true, ...(await writeBackup(db, file, uploadsDir)) };
  } catch (error) {
    run = { ok: false, file, error: describeFailure(error).slice(0, 2000) };
  }
  // A database not yet migrated to the `backups` table (backing up before an upgrade) is still backed up.
  if (!db.$client.prepare("select 1 from sqlite_master where type = 'table' and name = 'backups'").get()) return run;
  db.insert(backups)
    .values({
      source,
      startedAt,
      finishedAt: now(),
      file,
      sizeBytes: run.ok ? run.sizeBytes : null,
      receiptFiles: run.ok ? run.receiptFiles : null,
      verified: run.ok,
      error: run.ok ? null : run.error,
    })
    .run();
  return run;
}

/**
 * Removes the scheduled job's backups in `dir` beyond the newest `keep`, each with its receipts
 * folder. Only names the job writes (`club-zero-<UTC time>.sqlite`) are counted or touched: a file
 * someone put there by hand stays. Returns the names removed.
 */
export function pruneBackups(dir: string, keep: number): string[] {
  const ours = fs
    .readdirSync(dir)
    .filter((name) => SCHEDULED_NAME.test(name))
    .sort()
    .reverse();
  const removed = ours.slice(keep);
  for (const name of removed) {
    const file = path.join(dir, name);
    fs.rmSync(file, { force: true });
    fs.rmSync(checksumFileFor(file), { force: true });
    fs.rmSync(uploadsFolderFor(file), { recursive: true, force: true });
  }
  return removed;
}

/**
 * One scheduled backup: a verified copy named after the time into `dir`, recorded; after a
 * success, the oldest beyond `keep` go. Throws when it failed (after recording why), so the job
 * runner counts the failure too.
 */
export async function runScheduledBackup(db: Db, options: { dir: string; keep: number; uploadsDir: string; now?: () => number }): Promise<BackupRun> {
  const now = options.now ?? Date.now;
  // one scheduled run at a time (the job's lease), so any leftover is from a run that died
  if (fs.statSync(options.dir, { throwIfNoEntry: false })?.isDirectory()) {
    for (const name of fs.readdirSync(options.dir).filter((n) => SCHEDULED_LEFTOVER.test(n)))
      fs.rmSync(path.join(options.dir, name), { recursive: true, force: true });
  }
  const run = await backUpAndRecord(db, path.join(options.dir, scheduledBackupName(now())), options.uploadsDir, "schedule", now);
  if (!run.ok) throw new BackupRefused(`backup ${run.file} failed: ${run.error}`);
  pruneBackups(options.dir, options.keep);
  return run;
}

export interface LastBackup {
  /** When it finished (ms since the epoch). */
  at: number;
  file: string;
  /** The database copy plus its receipts, in bytes; null when it failed. */
  sizeBytes: number | null;
  ok: boolean;
  error?: string;
}

/** The latest backup attempt (scheduled or by hand), for /admin and /metrics; null before the first. */
export function lastBackup(db: Db): LastBackup | null {
  // the last one recorded (ids only grow), whatever clock it was given
  const row = db.select().from(backups).orderBy(desc(backups.id)).limit(1).get();
  if (!row) return null;
  return { at: row.finishedAt, file: row.file, sizeBytes: row.sizeBytes, ok: row.verified, ...(row.error ? { error: row.error } : {}) };
}

/** The latest successful backup's time, or null: "how old is our newest good copy" for /metrics. */
export function lastVerifiedBackupAt(db: Db): number | null {
  return (db.$client.prepare("select max(finished_at) from backups where verified = 1").pluck().get() as number | null) ?? null;
}

/**
 * Scheduled backups are on (`hours` > 0) and no backup has verified for two of their intervals:
 * the job stopped running, or keeps failing. A missed run alone is not overdue.
 */
export function isBackupOverdue(db: Db, hours: number, now = Date.now()): boolean {
  if (hours <= 0) return false;
  return (lastVerifiedBackupAt(db) ?? 0) < now - 2 * hours * 3_600_000;
}

export interface RestoreReport {
  backupFile: string;
  databasePath: string;
  /** Where the replaced database went (with its -wal/-shm, if any were left). */
  databaseAside: string;
  uploadsDir: string;
  /** Where the replaced uploads folder went; null when there was none. */
  uploadsAside: string | null;
  receiptFiles: number;
  ledgerEntries: number;
}

/**
 * Puts a backup in place of the live database and its receipts. Refuses (BackupRefused, nothing
 * changed) when the backup does not verify, when a server holds a job lease renewed within the
 * lease time (a server renews its leases while it runs), or when some other process still has
 * the database open (its -wal outlives our close). The replaced database is checkpointed, closed
 * and renamed `<file>.replaced-<UTC time>`; the uploads folder likewise. `live` is closed here.
 */
export async function restoreBackup(live: Db, options: { backupFile: string; databasePath: string; uploadsDir: string; now?: number }): Promise<RestoreReport> {
  const now = options.now ?? Date.now();
  const backupFile = path.resolve(options.backupFile);
  const databasePath = path.resolve(options.databasePath);
  const uploadsDir = path.resolve(options.uploadsDir);
  const backupUploads = uploadsFolderFor(backupFile);

  const findings = verifyBackup(backupFile, backupUploads);
  if (findings.length > 0) throw new BackupRefused(`${backupFile} failed verification; nothing was changed`, findings);
  const holder = runningHolder(live, now);
  if (holder) {
    throw new BackupRefused(
      `a server is running on ${databasePath} (process ${holder.holder} holds the "${holder.name}" job until ${new Date(holder.leaseUntil).toISOString()}); stop it first, nothing was changed`,
    );
  }

  const stamp = formatFileStamp(now);
  const incoming = `${databasePath}.restoring-${stamp}`;
  const incomingUploads = `${uploadsDir}.restoring-${stamp}`;
  const cleanUp = () => {
    for (const leftover of [incoming, `${incoming}-journal`, incomingUploads]) fs.rmSync(leftover, { recursive: true, force: true });
  };
  let receiptFiles: number;
  let ledgerEntries: number;
  try {
    const source = new Database(backupFile, { readonly: true, fileMustExist: true });
    try {
      ledgerEntries = source.prepare("select count(*) from ledger_entries").pluck().get() as number;
      await source.backup(incoming, { progress: () => ALL_PAGES });
      fs.chmodSync(incoming, 0o600);
    } finally {
      source.close();
    }
    receiptFiles = copyReceipts(backupUploads, incomingUploads, fs.existsSync(backupUploads) ? fs.readdirSync(backupUploads) : []);

    // Everything committed goes into the main file; the last connection's close then removes
    // -wal and -shm. If they are still there, another process has the database open.
    live.$client.pragma("wal_checkpoint(TRUNCATE)");
    live.$client.close();
    if (fs.existsSync(`${databasePath}-wal`)) {
      throw new BackupRefused(`another process still has ${databasePath} open (its -wal file stays after closing); stop it first, nothing was changed`);
    }
  } catch (error) {
    cleanUp();
    throw error;
  }

  const databaseAside = `${databasePath}.replaced-${stamp}`;
  if (fs.existsSync(databasePath)) fs.renameSync(databasePath, databaseAside);
  if (fs.existsSync(`${databasePath}-shm`)) fs.renameSync(`${databasePath}-shm`, `${databaseAside}-shm`);
  fs.renameSync(incoming, databasePath);
  let uploadsAside: string | null = null;
  if (fs.existsSync(uploadsDir)) {
    uploadsAside = `${uploadsDir}.replaced-${stamp}`;
    fs.renameSync(uploadsDir, uploadsAside);
  }
  fs.mkdirSync(path.dirname(uploadsDir), { recursive: true });
  fs.renameSync(incomingUploads, uploadsDir);
  syncPath(path.dirname(databasePath));
  syncPath(path.dirname(uploadsDir));
  return { backupFile, databasePath, databaseAside, uploadsDir, uploadsAside, receiptFiles, ledgerEntries };
}

/** A job lease some process renewed recently: a server is running on this database. */
function runningHolder(live: Db, now: number): { name: string; holder: string; leaseUntil: number } | null {
  const hasJobs = live.$client.prepare("select 1 from sqlite_master where type = 'table' and name = 'jobs'").get();
  if (!hasJobs) return null;
  return (
    (live.$client
      .prepare("select name, holder, lease_until as leaseUntil from jobs where holder is not null and lease_until > ? order by lease_until desc limit 1")
      .get(now) as { name: string; holder: string; leaseUntil: number } | undefined) ?? null
  );
}
