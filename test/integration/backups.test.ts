// Backups that run themselves, and restoring one (issue #20, RELIABILITY DB-4): the restore
// drill, damaged backups refused with the live database untouched, pruning, and what admins see.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { db, openDatabase, type Db } from "~/app/db.server";
import { storeReceiptFile } from "~/app/lib/receipts.server";
import { webPerson } from "~/app/models/audit.server";
import {
  BackupRefused,
  backUpAndRecord,
  checksumFileFor,
  describeFailure,
  formatFileStamp,
  isBackupOverdue,
  lastBackup,
  lastVerifiedBackupAt,
  pruneBackups,
  restoreBackup,
  runScheduledBackup,
  scheduledBackupName,
  uploadsFolderFor,
  verifyBackup,
  writeBackup,
} from "~/app/models/backups.server";
import { createExpense, type ExpenseInput } from "~/app/models/expenses.server";
import { recordDonation, verifyLedger } from "~/app/models/ledger.server";
import { loader as adminLoader } from "~/app/routes/admin._index";
import { addUserAndSignIn, runCliAsync } from "../support/cli";
import { pdfBytes } from "../support/files";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { startServer } from "../support/server";
import { cookieFor, makeUser } from "../support/users";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-backups-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let folderNo = 0;
const freshFolder = (name: string) => fs.mkdtempSync(path.join(scratch, `${name}-${++folderNo}-`));

const expense: ExpenseInput = {
  kind: "reimbursement",
  title: "Train to KubeCon",
  event: "KubeCon EU",
  category: "travel",
  amountCents: 4_250,
  spentOn: "2026-11-01",
  description: "Second-class return ticket.",
  bountyId: null,
  targetId: null,
  preApprovalId: null,
  publicRequester: false,
};
let refNo = 0;

/** A live database of its own (a copy of this file's), with its uploads folder, as a server would have. */
async function liveInstance() {
  const dir = freshFolder("live");
  const file = path.join(dir, "club-zero.sqlite");
  await db.$client.backup(file);
  return { dir, file, uploads: path.join(dir, "uploads"), open: () => openDatabase(file) };
}

async function donateAndClaim(live: Db, uploads: string, requester: { id: number; username: string }, label: string) {
  const admin = webPerson({ id: 0, username: "treasurer", roles: ["admin"] });
  recordDonation(
    live,
    { ...admin, userId: null, label: "test" },
    { date: "2026-11-15", donor: `Donor ${label}`, amountCents: 10_000, currency: "USD", reference: `BK-${++refNo}`, note: null },
  );
  const stored = await storeReceiptFile(uploads, pdfBytes(`receipt ${label}`));
  createExpense(
    live,
    webPerson({ ...requester, roles: [] }),
    { ...expense, title: `Train ${label}` },
    [{ ...stored, originalName: `${label}.pdf`, mime: "application/pdf" }],
    true,
  );
}

function ledgerAndReceipts(file: string) {
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      ledger: conn.prepare("select * from ledger_entries order by id").all(),
      expenses: conn.prepare("select * from expenses order by id").all(),
      receipts: conn.prepare("select * from receipts order by id").all(),
    };
  } finally {
    conn.close();
  }
}

function fileHashes(folder: string): Record<string, string> {
  if (!fs.existsSync(folder)) return {};
  return Object.fromEntries(
    fs
      .readdirSync(folder)
      .sort()
      .map((name) => [
        name,
        createHash("sha256")
          .update(fs.readFileSync(path.join(folder, name)))
          .digest("hex"),
      ]),
  );
}

function digestOf(file: string): string {
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return contentDigest(conn, []);
  } finally {
    conn.close();
  }
}

const restore = (backupFile: string, live: { file: string; uploads: string }) =>
  runCliAsync("db/cli/restore.ts", [backupFile], { DATABASE_PATH: live.file, UPLOADS_DIR: live.uploads });

describe("restore drill", () => {
  it("back up, change the ledger and the receipts, restore: the ledger and every receipt file are the backup's again, and what was replaced is kept aside", async () => {
    const requester = await makeUser();
    const live = await liveInstance();
    let handle = live.open();
    await donateAndClaim(handle, live.uploads, requester, "before");
    const run = await runScheduledBackup(handle, { dir: path.join(live.dir, "backups"), keep: 14, uploadsDir: live.uploads });
    expect(run.ok).toBe(true);
    const backedUp = ledgerAndReceipts(run.file);
    const backedUpFiles = fileHashes(live.uploads);
    expect(backedUp.ledger.length).toBeGreaterThan(0);
    expect(Object.keys(backedUpFiles)).toHaveLength(backedUp.receipts.length);
    expect(fileHashes(uploadsFolderFor(run.file))).toEqual(backedUpFiles);

    // life goes on: another donation, another expense with its receipt
    await donateAndClaim(handle, live.uploads, requester, "after");
    handle.$client.close();
    const changed = ledgerAndReceipts(live.file);
    expect(changed.ledger.length).toBe(backedUp.ledger.length + 1);
    expect(changed.receipts.length).toBe(backedUp.receipts.length + 1);
    const changedFiles = fileHashes(live.uploads);

    const restored = await restore(run.file, live);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`Verified ${run.file}: integrity ok, ledger ok, receipts match.`);
    const aside = /Moved the database that was in place to (.+)\.$/m.exec(restored.stdout)?.[1];
    const uploadsAside = /Moved the receipts that were in place to (.+)\.$/m.exec(restored.stdout)?.[1];
    expect(aside, restored.stdout).toMatch(/club-zero\.sqlite\.replaced-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    expect(restored.stdout).toContain(`Restored ${Object.keys(backedUpFiles).length} receipt file(s) to ${live.uploads}.`);
    expect(restored.stdout).toContain("Recorded the restore in the audit log (database.restored).");
    const audit = new Database(live.file, { readonly: true });
    const row = audit
      .prepare("select actor_label, source, entity_id, before_json, after_json from audit_log where action = 'database.restored'")
      .get() as Record<string, string>;
    audit.close();
    expect(row).toMatchObject({ actor_label: "cli", source: "cli", entity_id: path.basename(run.file) });
    expect(JSON.parse(row.before_json!)).toEqual({ keptAt: aside });
    expect(JSON.parse(row.after_json!)).toMatchObject({ backup: run.file, ledgerEntries: backedUp.ledger.length });

    // the ledger, the expenses and their receipts are the backup's, row for row and byte for byte
    expect(ledgerAndReceipts(live.file)).toEqual(backedUp);
    expect(fileHashes(live.uploads)).toEqual(backedUpFiles);
    handle = live.open();
    expect(verifyLedger(handle)).toEqual([]);
    handle.$client.close();
    // and nothing is lost: the replaced database and receipts are beside them, whole
    expect(ledgerAndReceipts(aside!)).toEqual(changed);
    expect(fileHashes(uploadsAside!)).toEqual(changedFiles);
    expect(fs.existsSync(`${live.file}-wal`)).toBe(false);
  });
});

describe("npm run db:backup", () => {
  it("writes the same verified backup as the job (database, checksum, receipts), records it, and will not overwrite a file", async () => {
    const target = path.join(freshFolder("cli"), "by-hand.sqlite");
    const env = { DATABASE_PATH: process.env.DATABASE_PATH!, UPLOADS_DIR: process.env.UPLOADS_DIR! };
    const made = await runCliAsync("db/cli/backup.ts", [target], env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`Backed up to ${target} and`);
    expect(made.stdout).toContain("verified: integrity ok, ledger ok, receipts match.");
    expect(fs.existsSync(checksumFileFor(target))).toBe(true);
    expect(fs.statSync(uploadsFolderFor(target)).isDirectory()).toBe(true);
    expect(uploadsFolderFor(target)).toBe(target.replace(/\.sqlite$/, ".uploads"));
    expect(lastBackup(db)).toMatchObject({ file: target, ok: true });

    const again = await runCliAsync("db/cli/backup.ts", [target], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Backup failed: ${target} exists already; choose a new file name`);
  });
});

describe("a backup under write load (DB-4)", () => {
  it("a backup taken while another connection keeps posting donations verifies, and holds a prefix of the ledger", async () => {
    const live = await liveInstance();
    const writer = live.open();
    const reader = live.open();
    const admin = { ...webPerson({ id: 0, username: "treasurer", roles: ["admin"] }), userId: null, label: "load" };
    let posted = 0;
    const post = () =>
      recordDonation(writer, admin, { date: "2026-11-20", donor: "Load", amountCents: 100, currency: "USD", reference: `LOAD-${++refNo}`, note: null });
    const load = setInterval(() => {
      for (let i = 0; i < 5; i++, posted++) post();
    }, 1);
    try {
      await new Promise((r) => setTimeout(r, 50));
      const run = await runScheduledBackup(reader, { dir: path.join(live.dir, "backups"), keep: 14, uploadsDir: live.uploads });
      expect(run.ok).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      clearInterval(load);
      const inBackup = ledgerAndReceipts(run.file).ledger;
      const nowLive = ledgerAndReceipts(live.file).ledger;
      expect(posted).toBeGreaterThan(0);
      expect(inBackup.length).toBeLessThan(nowLive.length); // writes went on while it ran and after
      expect(nowLive.slice(0, inBackup.length)).toEqual(inBackup);
    } finally {
      clearInterval(load);
      writer.$client.close();
      reader.$client.close();
    }
  });
});

describe("a backup that does not verify", () => {
  async function liveWithBackup() {
    const requester = await makeUser();
    const live = await liveInstance();
    const handle = live.open();
    await donateAndClaim(handle, live.uploads, requester, "kept");
    const run = await runScheduledBackup(handle, { dir: path.join(live.dir, "backups"), keep: 14, uploadsDir: live.uploads });
    if (!run.ok) throw new Error(run.error);
    handle.$client.close();
    return { live, backup: run.file };
  }

  async function expectRefused(live: { dir: string; file: string; uploads: string }, backup: string, reason: RegExp) {
    const before = { digest: digestOf(live.file), files: fileHashes(live.uploads), names: fs.readdirSync(live.dir).sort() };
    const result = await restore(backup, live);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Restore refused: /);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toMatch(/SqliteError|\n\s+at /); // a sentence, no library text or stack
    expect(digestOf(live.file)).toBe(before.digest);
    expect(fileHashes(live.uploads)).toEqual(before.files);
    expect(fs.readdirSync(live.dir).sort()).toEqual(before.names); // nothing set aside, nothing left half-restored
  }

  it("a backup with bytes overwritten inside it is refused, and the live database and receipts stay as they were", async () => {
    const { live, backup } = await liveWithBackup();
    const fd = fs.openSync(backup, "r+");
    fs.writeSync(fd, Buffer.from("not what was written"), 0, undefined, Math.floor(fs.statSync(backup).size / 2));
    fs.closeSync(fd);
    await expectRefused(live, backup, /failed verification; nothing was changed: checksum: .* is not the file that was written/);
  });

  it("a truncated backup is refused even when its checksum file was rewritten to match: integrity_check catches it", async () => {
    const { live, backup } = await liveWithBackup();
    fs.truncateSync(backup, Math.floor(fs.statSync(backup).size / 2));
    const digest = createHash("sha256").update(fs.readFileSync(backup)).digest("hex");
    fs.writeFileSync(checksumFileFor(backup), `${digest}  ${path.basename(backup)}\n`);
    await expectRefused(live, backup, /failed verification; nothing was changed: integrity_check: /);
  });

  it("a backup whose receipt file was changed, or that lost its checksum, is refused", async () => {
    const { live, backup } = await liveWithBackup();
    const folder = uploadsFolderFor(backup);
    const receipt = path.join(folder, fs.readdirSync(folder)[0]!);
    fs.chmodSync(receipt, 0o600);
    fs.appendFileSync(receipt, "tampered");
    await expectRefused(live, backup, /receipts: receipt [0-9a-f]{32} of expense #\d+ differs from the one recorded/);
    fs.rmSync(checksumFileFor(backup));
    await expectRefused(live, backup, /checksum: .*\.sha256 is missing/);
  });

  it("a restore is refused while another process has the live database open", async () => {
    const { live, backup } = await liveWithBackup();
    const other = live.open();
    try {
      other.$client.prepare("select count(*) from ledger_entries").get();
      const result = await restore(backup, live);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("another process still has");
      expect(fs.readdirSync(live.dir).filter((n) => n.includes(".replaced-") || n.includes(".restoring-"))).toEqual([]);
    } finally {
      other.$client.close();
    }
  });
});

describe("scheduled backups", () => {
  it("keeps exactly BACKUP_KEEP of its own backups, newest first, sweeps a killed run's leftovers, and never touches files it did not write", async () => {
    const dir = freshFolder("keep");
    const foreign = ["club-zero-manual.sqlite", "notes.txt", "club-zero-2026-01-01T00-00-00Z.sqlite.bak"];
    for (const name of foreign) fs.writeFileSync(path.join(dir, name), "someone else's");
    // what a run killed half-way leaves behind
    fs.writeFileSync(path.join(dir, "club-zero-2026-11-29T00-00-00Z.sqlite.partial"), "half a database");
    fs.mkdirSync(path.join(dir, "club-zero-2026-11-29T00-00-00Z.uploads.partial"));
    const start = Date.UTC(2026, 10, 30, 0, 0, 0);
    const times = [0, 1, 2, 3, 4].map((h) => start + h * 3_600_000);
    for (const at of times) {
      const run = await runScheduledBackup(db, { dir, keep: 3, uploadsDir: process.env.UPLOADS_DIR!, now: () => at });
      expect(run.ok).toBe(true);
    }
    const kept = times.slice(2).map(scheduledBackupName);
    expect(kept[2]).toBe("club-zero-2026-11-30T04-00-00Z.sqlite");
    const expected = [...foreign, ...kept.flatMap((name) => [name, `${name}.sha256`, name.replace(/\.sqlite$/, ".uploads")])].sort();
    expect(fs.readdirSync(dir).sort()).toEqual(expected);
    expect(lastBackup(db)).toMatchObject({ at: times[4], file: path.join(dir, kept[2]!), ok: true });
  });

  it("a failed backup is recorded with its reason and shown to admins as failed; the next good one clears it", async () => {
    const blocker = path.join(freshFolder("fail"), "not-a-folder");
    fs.writeFileSync(blocker, "a file where the backup folder should be");
    await expect(runScheduledBackup(db, { dir: blocker, keep: 3, uploadsDir: process.env.UPLOADS_DIR! })).rejects.toThrow(/failed/);
    expect(lastBackup(db)).toMatchObject({ ok: false, error: expect.stringContaining("a path that should be a folder is a file") });

    const admin = await makeUser(["admin"]);
    const page = async () => (await (await call(adminLoader, "/admin", {}, { headers: { Cookie: await cookieFor(admin.id) } })).json()) as { backup: unknown };
    expect((await page()).backup).toMatchObject({ ok: false, error: expect.stringContaining("a path that should be a folder is a file") });

    const good = await runScheduledBackup(db, { dir: freshFolder("good"), keep: 3, uploadsDir: process.env.UPLOADS_DIR! });
    expect((await page()).backup).toMatchObject({ ok: true, file: good.file, sizeBytes: fs.statSync(good.file).size });
  });

  it("scheduled backups are overdue once none has verified for two intervals, and never when they are off", async () => {
    const good = await runScheduledBackup(db, { dir: freshFolder("overdue"), keep: 3, uploadsDir: process.env.UPLOADS_DIR! });
    expect(good.ok).toBe(true);
    const at = lastBackup(db)!.at;
    expect(isBackupOverdue(db, 24, at + 47 * 3_600_000)).toBe(false); // one run missed: not yet
    expect(isBackupOverdue(db, 24, at + 49 * 3_600_000)).toBe(true);
    expect(isBackupOverdue(db, 1, at + 3 * 3_600_000)).toBe(true);
    expect(isBackupOverdue(db, 0, at + 1_000 * 3_600_000)).toBe(false);
    // a failure does not reset the clock: only a verified backup does
    const blocker = path.join(freshFolder("overdue-fail"), "not-a-folder");
    fs.writeFileSync(blocker, "a file where the backup folder should be");
    await expect(runScheduledBackup(db, { dir: blocker, keep: 3, uploadsDir: process.env.UPLOADS_DIR!, now: () => at + 48 * 3_600_000 })).rejects.toThrow();
    expect(isBackupOverdue(db, 24, at + 49 * 3_600_000)).toBe(true);
  });

  it(
    "a server started with BACKUP_DIR backs up at once, shows it on /admin and in /metrics, and db:restore refuses to run under it",
    { retry: 2 },
    async () => {
      const dir = freshFolder("server");
      const backupDir = path.join(dir, "backups");
      const uploads = path.join(dir, "uploads");
      const metricsToken = "backup-metrics-token-0123456789";
      const server = await startServer({ BACKUP_DIR: backupDir, UPLOADS_DIR: uploads, METRICS_TOKEN: metricsToken });
      try {
        const deadline = Date.now() + 20_000;
        let written: string | undefined;
        while (!written && Date.now() < deadline) {
          written = fs.existsSync(backupDir) ? fs.readdirSync(backupDir).find((name) => /^club-zero-.*Z\.sqlite$/.test(name)) : undefined;
          if (!written) await new Promise((r) => setTimeout(r, 100));
        }
        expect(written, server.output()).toBeDefined();

        const cookie = await addUserAndSignIn(server, "backup-admin", "a long enough admin passphrase", ["--role", "admin"]);
        const html = await (await fetch(`${server.url}/admin`, { headers: { Cookie: cookie } })).text();
        expect(html).toMatch(/Last backup: just now, [\d.]+ MB, verified/);
        expect(html).toContain("Scheduled every 24 hours.");

        const metrics = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } })).text();
        expect(metrics).toMatch(/^clubzero_backup_last_ok 1$/m);
        const at = Number(/^clubzero_backup_last_verified_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
        expect(Math.abs(at - fs.statSync(path.join(backupDir, written!)).mtimeMs / 1000)).toBeLessThan(60);
        expect(Number(/^clubzero_backup_last_size_bytes (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(fs.statSync(path.join(backupDir, written!)).size);

        const refused = await restore(path.join(backupDir, written!), { file: server.databasePath, uploads });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/Restore refused: a server is running on .* \(process .*:\d+:[0-9a-f]+ holds the ".+" job until .*\); stop it first/);
        const res = await fetch(`${server.url}/healthz`);
        expect(res.status).toBe(200);
      } finally {
        await server.stop();
      }
    },
  );
});

describe("backup checks, in process", () => {
  /** A live instance with one expense (and its receipt) and a verified backup of it. */
  async function liveWithBackup(label: string) {
    const requester = await makeUser();
    const live = await liveInstance();
    const handle = live.open();
    await donateAndClaim(handle, live.uploads, requester, label);
    const backup = await writeBackup(handle, path.join(live.dir, "backups", "by-hand.sqlite"), live.uploads);
    return { live, handle, backup };
  }

  /** A SQLite file with just these tables, and a checksum file that matches it. */
  function databaseWithTables(tables: string[]) {
    const file = path.join(freshFolder("tables"), "other.sqlite");
    const conn = new Database(file);
    for (const name of tables) conn.exec(`create table ${name} (id integer primary key)`);
    conn.close();
    writeChecksum(file);
    return file;
  }

  function writeChecksum(file: string) {
    const digest = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    fs.writeFileSync(checksumFileFor(file), `${digest}  ${path.basename(file)}\n`);
  }

  function setReceiptName(file: string, name: string) {
    const conn = new Database(file);
    conn.prepare("update receipts set stored_name = ?").run(name);
    conn.close();
    writeChecksum(file);
  }

  it("names and folders: the file stamp drops milliseconds, and a file not ending in .sqlite keeps its whole name", () => {
    expect(formatFileStamp(Date.UTC(2026, 10, 30, 12, 5, 9, 987))).toBe("2026-11-30T12-05-09Z");
    expect(scheduledBackupName(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("club-zero-2026-01-02T03-04-05Z.sqlite");
    expect(uploadsFolderFor("/b/copy.sqlite")).toBe("/b/copy.uploads");
    expect(uploadsFolderFor("/b/copy.db")).toBe("/b/copy.db.uploads");
    expect(checksumFileFor("/b/copy.db")).toBe("/b/copy.db.sha256");
  });

  it("a failure reads as a sentence for an operator: each known code in words, the path it was about, and never library text", () => {
    const coded = (code: string, extra: object = {}) => Object.assign(new Error(`${code}: raw library text`), { code, ...extra });
    expect(describeFailure(coded("EACCES"))).toBe("permission denied");
    expect(describeFailure(coded("EPERM", { path: "/srv/backups" }))).toBe("permission denied (/srv/backups)");
    expect(describeFailure(coded("ENOSPC"))).toBe("the disk is full");
    expect(describeFailure(coded("EDQUOT"))).toBe("the disk quota is used up");
    expect(describeFailure(coded("ENOENT", { path: "/x" }))).toBe("a file or folder is missing (/x)");
    expect(describeFailure(coded("ENOTDIR"))).toBe("a path that should be a folder is a file");
    expect(describeFailure(coded("EEXIST"))).toBe("the file exists already");
    expect(describeFailure(coded("EROFS"))).toBe("the file system is read-only");
    expect(describeFailure(coded("SQLITE_CORRUPT"))).toBe("the database file is damaged");
    expect(describeFailure(coded("SQLITE_NOTADB"))).toBe("the file is not a SQLite database");
    expect(describeFailure(coded("SQLITE_FULL"))).toBe("the disk is full");
    expect(describeFailure(coded("SQLITE_CANTOPEN"))).toBe("the file cannot be opened");
    expect(describeFailure(coded("EWHATEVER"))).toBe("unexpected error (EWHATEVER)");
    expect(describeFailure(new Error("no code at all"))).toBe("unexpected error");
    expect(describeFailure("a thrown string")).toBe("unexpected error");
    expect(describeFailure(null)).toBe("unexpected error");
    expect(describeFailure(new BackupRefused("the backup did not verify"))).toBe("the backup did not verify");

    const refused = new BackupRefused("the backup did not verify", [
      { check: "checksum", detail: "it differs" },
      { check: "receipts", detail: "one is missing" },
    ]);
    expect(refused.message).toBe("the backup did not verify: checksum: it differs; receipts: one is missing");
    expect(refused.name).toBe("BackupRefused");
    expect(new BackupRefused("plain").findings).toEqual([]);
  });

  it("verifyBackup names what is wrong with a file, one finding per fault, and nothing for a sound backup", async () => {
    const { handle, backup } = await liveWithBackup("verify");
    handle.$client.close();
    expect(verifyBackup(backup.file)).toEqual([]);

    const missing = path.join(freshFolder("missing"), "nothing.sqlite");
    expect(verifyBackup(missing)).toEqual([{ check: "file", detail: `${missing} does not exist` }]);

    const noChecksum = databaseWithTables(["__drizzle_migrations", "ledger_entries", "receipts"]);
    fs.writeFileSync(checksumFileFor(noChecksum), "not a digest\n");
    expect(verifyBackup(noChecksum)).toEqual([
      { check: "checksum", detail: `${checksumFileFor(noChecksum)} is missing or unreadable (every backup is written with one)` },
    ]);
    fs.writeFileSync(checksumFileFor(noChecksum), `x${"0".repeat(64)}\n`); // a digest, but not at the start of the line
    expect(verifyBackup(noChecksum)[0]!.check).toBe("checksum");
    fs.writeFileSync(checksumFileFor(noChecksum), `${"0".repeat(64)}  other.sqlite\n`);
    expect(verifyBackup(noChecksum)).toEqual([{ check: "checksum", detail: `${noChecksum} is not the file that was written (its SHA-256 differs)` }]);

    // a SQLite file, but not ours: any one of the tables a restore relies on missing is enough
    for (const tables of [
      ["ledger_entries", "receipts"],
      ["__drizzle_migrations", "receipts"],
      ["__drizzle_migrations", "ledger_entries"],
    ]) {
      expect(verifyBackup(databaseWithTables(tables)), tables.join(",")).toEqual([
        { check: "schema", detail: "this is not a Club Zero database (its tables are missing)" },
      ]);
    }

    const notSqlite = path.join(freshFolder("text"), "notes.sqlite");
    fs.writeFileSync(notSqlite, "just some text, long enough to be read as a header ".repeat(40));
    writeChecksum(notSqlite);
    expect(verifyBackup(notSqlite)).toEqual([{ check: "integrity_check", detail: "the file is not a SQLite database" }]);
  });

  it("verifyBackup names a receipt row whose file is missing, changed, or not a stored name", async () => {
    const { handle, backup } = await liveWithBackup("receipts");
    handle.$client.close();
    const conn = new Database(backup.file, { readonly: true });
    const row = conn.prepare("select expense_id as expenseId, stored_name as name from receipts").get() as { expenseId: number; name: string };
    conn.close();
    const stored = path.join(backup.uploadsFolder, row.name);

    fs.chmodSync(stored, 0o600);
    fs.appendFileSync(stored, "changed");
    expect(verifyBackup(backup.file)).toEqual([
      { check: "receipts", detail: `receipt ${row.name} of expense #${row.expenseId} differs from the one recorded` },
    ]);
    fs.rmSync(stored);
    expect(verifyBackup(backup.file)).toEqual([
      { check: "receipts", detail: `receipt ${row.name} of expense #${row.expenseId} is missing from ${backup.uploadsFolder}` },
    ]);
    setReceiptName(backup.file, "../../etc/passwd");
    expect(verifyBackup(backup.file)).toEqual([
      { check: "receipts", detail: `expense #${row.expenseId} names a receipt file "../../etc/passwd" that is not a stored name` },
    ]);
  });

  it("writeBackup counts the database and its receipts, sweeps a dead run's leftovers, and never writes over an existing backup, checksum or folder", async () => {
    const { live, handle, backup } = await liveWithBackup("write");
    try {
      const receipts = fs.readdirSync(backup.uploadsFolder);
      expect(backup.receiptFiles).toBe(receipts.length);
      expect(receipts.length).toBeGreaterThan(0);
      const receiptBytes = receipts.reduce((sum, name) => sum + fs.statSync(path.join(backup.uploadsFolder, name)).size, 0);
      expect(backup.sizeBytes).toBe(fs.statSync(backup.file).size + receiptBytes);
      expect(receiptBytes).toBeGreaterThan(0);
      expect(fs.readFileSync(checksumFileFor(backup.file), "utf8")).toMatch(new RegExp(`^[0-9a-f]{64}  by-hand\\.sqlite\\n$`));
      expect(fs.statSync(backup.file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(backup.uploadsFolder, receipts[0]!)).mode & 0o777).toBe(0o600);

      const dir = freshFolder("taken");
      for (const taken of ["db.sqlite", "db.uploads", "db.sqlite.sha256"]) {
        const spot = path.join(dir, taken);
        if (taken.endsWith(".uploads")) fs.mkdirSync(spot);
        else fs.writeFileSync(spot, "already here");
        await expect(writeBackup(handle, path.join(dir, "db.sqlite"), live.uploads), taken).rejects.toThrow(
          `${path.join(dir, "db.sqlite")} exists already; choose a new file name`,
        );
        fs.rmSync(spot, { recursive: true });
      }

      const target = path.join(dir, "second.sqlite");
      const leftovers = [`${target}.partial`, `${target}.partial-journal`, `${target}.partial.sha256`];
      for (const leftover of leftovers) fs.writeFileSync(leftover, "from a run that died");
      fs.mkdirSync(path.join(dir, "second.uploads.partial"));
      fs.writeFileSync(path.join(dir, "second.uploads.partial", "stray"), "x");
      const second = await writeBackup(handle, target, live.uploads);
      expect(verifyBackup(second.file)).toEqual([]);
      expect(fs.readdirSync(dir).sort()).toEqual(["second.sqlite", "second.sqlite.sha256", "second.uploads"]);
      expect(fs.readdirSync(second.uploadsFolder).sort()).toEqual(receipts.sort());
    } finally {
      handle.$client.close();
    }
  });

  it("a backup whose receipts are not all in the uploads folder does not verify, is refused with the finding, and leaves nothing behind", async () => {
    const { live, handle } = await liveWithBackup("lost");
    try {
      const lost = fs.readdirSync(live.uploads)[0]!;
      fs.rmSync(path.join(live.uploads, lost));
      const dir = freshFolder("unverified");
      const error = await writeBackup(handle, path.join(dir, "copy.sqlite"), live.uploads).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupRefused);
      expect((error as BackupRefused).message).toMatch(new RegExp(`^the backup did not verify: receipts: receipt ${lost} of expense #\\d+ is missing from `));
      expect((error as BackupRefused).findings).toHaveLength(1);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      handle.$client.close();
    }
  });

  it("pruning keeps the newest of the job's own backups and says which it removed", async () => {
    const dir = freshFolder("prune");
    const names = [1, 2, 3].map((h) => scheduledBackupName(Date.UTC(2026, 10, 30, h)));
    for (const name of names) {
      fs.writeFileSync(path.join(dir, name), "copy");
      fs.writeFileSync(checksumFileFor(path.join(dir, name)), "sum");
      fs.mkdirSync(uploadsFolderFor(path.join(dir, name)));
      fs.writeFileSync(path.join(uploadsFolderFor(path.join(dir, name)), "r"), "receipt");
    }
    fs.writeFileSync(path.join(dir, "club-zero-by-hand.sqlite"), "kept");
    expect(pruneBackups(dir, 1)).toEqual([names[1], names[0]]);
    expect(fs.readdirSync(dir).sort()).toEqual(["club-zero-by-hand.sqlite", names[2], `${names[2]}.sha256`, names[2]!.replace(".sqlite", ".uploads")].sort());
    expect(pruneBackups(dir, 1)).toEqual([]);
  });

  it("overdue is measured to the millisecond: exactly two intervals old is not overdue yet", async () => {
    await runScheduledBackup(db, { dir: freshFolder("edge"), keep: 3, uploadsDir: process.env.UPLOADS_DIR! });
    const at = lastVerifiedBackupAt(db)!;
    expect(isBackupOverdue(db, 1, at + 2 * 3_600_000)).toBe(false);
    expect(isBackupOverdue(db, 1, at + 2 * 3_600_000 + 1)).toBe(true);
  });

  it("a database from before the backups table (backing up before an upgrade) is still backed up, with nothing recorded", async () => {
    const live = await liveInstance();
    const conn = live.open();
    try {
      conn.$client.exec("drop table backups");
      const run = await backUpAndRecord(conn, path.join(live.dir, "before-upgrade.sqlite"), live.uploads, "command");
      expect(run.ok).toBe(true);
      expect(verifyBackup(run.file)).toEqual([]);
      expect(conn.$client.prepare("select name from sqlite_master where name = 'backups'").get()).toBeUndefined();
    } finally {
      conn.$client.close();
    }
  });

  describe("restoreBackup", () => {
    function listing(dir: string) {
      return fs.readdirSync(dir).sort();
    }

    it("puts the backup in place and reports where everything went: the replaced database and receipts, how many receipts and ledger entries", async () => {
      const { live, handle, backup } = await liveWithBackup("restore");
      const entries = (handle.$client.prepare("select count(*) from ledger_entries").pluck().get() as number) ?? 0;
      const now = Date.UTC(2026, 10, 30, 9, 30, 0);
      const report = await restoreBackup(handle, { backupFile: backup.file, databasePath: live.file, uploadsDir: live.uploads, now });
      expect(report).toEqual({
        backupFile: backup.file,
        databasePath: live.file,
        databaseAside: `${live.file}.replaced-2026-11-30T09-30-00Z`,
        uploadsDir: live.uploads,
        uploadsAside: `${live.uploads}.replaced-2026-11-30T09-30-00Z`,
        receiptFiles: backup.receiptFiles,
        ledgerEntries: entries,
      });
      expect(entries).toBeGreaterThan(0);
      expect(fs.existsSync(report.databaseAside)).toBe(true);
      expect(fileHashes(live.uploads)).toEqual(fileHashes(backup.uploadsFolder));
      expect(listing(live.dir).filter((n) => n.includes(".restoring-"))).toEqual([]);
      const reopened = live.open();
      expect(verifyLedger(reopened)).toEqual([]);
      reopened.$client.close();
    });

    it("with no uploads folder in place there is nothing to set aside, and one is made; a stray file in the backup's folder is not copied", async () => {
      const { live, handle, backup } = await liveWithBackup("no-uploads");
      fs.writeFileSync(path.join(backup.uploadsFolder, "notes.txt"), "not a receipt");
      fs.rmSync(live.uploads, { recursive: true });
      const report = await restoreBackup(handle, { backupFile: backup.file, databasePath: live.file, uploadsDir: live.uploads });
      expect(report.uploadsAside).toBeNull();
      expect(report.receiptFiles).toBe(backup.receiptFiles);
      expect(listing(live.uploads)).toEqual(listing(backup.uploadsFolder).filter((n) => n !== "notes.txt"));
    });

    it("refuses while a server holds a job lease, naming the process, the job and until when; an expired lease does not count", async () => {
      const { live, handle, backup } = await liveWithBackup("lease");
      const now = Date.UTC(2026, 10, 30, 10, 0, 0);
      handle.$client
        .prepare("insert into jobs (name, holder, lease_until) values ('outbox', 'web-1:42:abc', ?), ('backup', null, ?)")
        .run(now + 30_000, now + 90_000);
      const before = listing(live.dir);
      await expect(restoreBackup(handle, { backupFile: backup.file, databasePath: live.file, uploadsDir: live.uploads, now })).rejects.toThrow(
        `a server is running on ${live.file} (process web-1:42:abc holds the "outbox" job until 2026-11-30T10:00:30.000Z); stop it first, nothing was changed`,
      );
      expect(listing(live.dir)).toEqual(before);
      expect(handle.$client.open).toBe(true);

      const later = now + 30_000; // the lease ran out: the server is gone
      const report = await restoreBackup(handle, { backupFile: backup.file, databasePath: live.file, uploadsDir: live.uploads, now: later });
      expect(report.databaseAside).toBe(`${live.file}.replaced-2026-11-30T10-00-30Z`);
    });

    it("refuses a backup that does not verify with its findings, and changes nothing", async () => {
      const { live, handle, backup } = await liveWithBackup("bad");
      try {
        fs.rmSync(checksumFileFor(backup.file));
        const before = listing(live.dir);
        const error = await restoreBackup(handle, { backupFile: backup.file, databasePath: live.file, uploadsDir: live.uploads }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BackupRefused);
        expect((error as BackupRefused).message).toMatch(/^.* failed verification; nothing was changed: checksum: .*\.sha256 is missing or unreadable/);
        expect((error as BackupRefused).findings.map((f) => f.check)).toEqual(["checksum"]);
        expect(listing(live.dir)).toEqual(before);
        expect(handle.$client.open).toBe(true);
      } finally {
        handle.$client.close();
      }
    });

    it("refuses while another connection has the database open, and removes the copy it had started", async () => {
      const { live, handle, backup } = await liveWithBackup("open");
      const other = live.open();
      try {
        other.$client.prepare("select count(*) from ledger_entries").get();
        const before = { names: listing(live.dir), digest: digestOf(live.file) };
        await expect(restoreBackup(handle, { backupFile: backup.file, databasePath: live.file, uploadsDir: live.uploads })).rejects.toThrow(
          `another process still has ${live.file} open (its -wal file stays after closing); stop it first, nothing was changed`,
        );
        expect(listing(live.dir)).toEqual(before.names);
        expect(digestOf(live.file)).toBe(before.digest);
      } finally {
        other.$client.close();
      }
    });
  });
});
