// Background jobs' leases and health, one row per job in `jobs`. The runner
// (app/jobs/runner.server.ts) calls these; /admin reads them.
import { asc, eq, sql } from "drizzle-orm";
import { jobs } from "~/db/schema";
import { writeTx, type Db } from "../db.server";

export type JobRow = typeof jobs.$inferSelect;

/**
 * Takes (or keeps) the job's lease for `holder` until now + leaseMs, in one BEGIN IMMEDIATE
 * transaction: of several processes asking at once, one gets it. A lease held by another
 * holder is taken only once it has expired (its holder died or hung). Creates the job's row
 * on first use. Returns whether `holder` now holds it (`acquired`: it did not before), and
 * whether the job is due: its next run time has come, or `intervalMs` (this process's
 * configuration, which may be shorter than the last holder's) has passed since the last run.
 */
export function takeLease(
  db: Db,
  name: string,
  holder: string,
  leaseMs: number,
  intervalMs: number,
  now = Date.now(),
): { held: boolean; acquired: boolean; due: boolean } {
  return writeTx(db, (tx) => {
    tx.insert(jobs).values({ name }).onConflictDoNothing().run();
    const row = tx.select().from(jobs).where(eq(jobs.name, name)).get()!;
    if (row.holder !== null && row.holder !== holder && row.leaseUntil > now) return { held: false, acquired: false, due: false };
    tx.update(jobs)
      .set({ holder, leaseUntil: now + leaseMs })
      .where(eq(jobs.name, name))
      .run();
    const due = row.nextRunAt <= now || row.lastFinishedAt === null || row.lastFinishedAt + intervalMs <= now;
    return { held: true, acquired: row.holder !== holder, due };
  });
}

/** Makes each job's row (idempotent), so the table's shape is settled before the first tick. */
export function registerJobs(db: Db, names: string[]) {
  writeTx(db, (tx) => {
    for (const name of names) tx.insert(jobs).values({ name }).onConflictDoNothing().run();
  });
}

/**
 * Extends a lease this holder still has. Returns false when it has lost it (it expired and
 * another process took it): the running job should then stop at its next step.
 */
export function renewLease(db: Db, name: string, holder: string, leaseMs: number, now = Date.now()): boolean {
  const result = db
    .update(jobs)
    .set({ leaseUntil: now + leaseMs })
    .where(sql`${jobs.name} = ${name} and ${jobs.holder} = ${holder}`)
    .run();
  return result.changes === 1;
}

/** Gives the lease up at once (a clean shutdown), so another process need not wait for it to expire. */
export function releaseLease(db: Db, name: string, holder: string) {
  db.update(jobs)
    .set({ holder: null, leaseUntil: 0 })
    .where(sql`${jobs.name} = ${name} and ${jobs.holder} = ${holder}`)
    .run();
}

export function recordJobStart(db: Db, name: string, now = Date.now()) {
  db.update(jobs)
    .set({ lastStartedAt: now, runs: sql`${jobs.runs} + 1` })
    .where(eq(jobs.name, name))
    .run();
}

/** Records how a run ended and when the job is next due. */
export function recordJobEnd(db: Db, name: string, outcome: { error: string | null; nextRunAt: number }, now = Date.now()) {
  db.update(jobs)
    .set(
      outcome.error === null
        ? { lastFinishedAt: now, lastSuccessAt: now, nextRunAt: outcome.nextRunAt }
        : { lastFinishedAt: now, lastError: outcome.error.slice(0, 2000), lastErrorAt: now, failures: sql`${jobs.failures} + 1`, nextRunAt: outcome.nextRunAt },
    )
    .where(eq(jobs.name, name))
    .run();
}

export interface JobHealth extends JobRow {
  /** The lease is current: some process is looking after the job. */
  leased: boolean;
  /** The last run failed (a later success clears it). */
  failing: boolean;
}

/** Every job's lease and record, for /admin. */
export function listJobHealth(db: Db, now = Date.now()): JobHealth[] {
  return db
    .select()
    .from(jobs)
    .orderBy(asc(jobs.name))
    .all()
    .map((row) => ({
      ...row,
      leased: row.holder !== null && row.leaseUntil > now,
      failing: row.lastErrorAt !== null && (row.lastSuccessAt === null || row.lastErrorAt > row.lastSuccessAt),
    }));
}
