// A small runner for background jobs inside the server process. Several server processes
// may share one database: each job runs in at most one of them at a time, the one holding
// its lease (a row in `jobs`, taken in a BEGIN IMMEDIATE transaction, renewed while the
// holder lives). A holder that dies stops renewing; after JOB_LEASE_MS another process
// takes over. The holder keeps its lease between runs (renewing it), so a job does not hop
// between processes on every tick.
import crypto from "node:crypto";
import os from "node:os";
import { recordJobEnd, recordJobStart, registerJobs, releaseLease, renewLease, takeLease } from "../models/jobs.server";
import type { Db } from "../db.server";

export interface JobContext {
  /** Aborted when this process loses the lease or the server stops: finish the current step and return. */
  signal: AbortSignal;
}

export interface JobDefinition {
  /** Unique, stable: the row in `jobs`. */
  name: string;
  /** Time from the end of one run to the start of the next. */
  intervalMs: number;
  /** One run; a throw is recorded as the job's last error and counted as a failure. */
  run: (ctx: JobContext) => Promise<void> | void;
}

export interface JobRunner {
  holder: string;
  stop: () => Promise<void>;
}

export interface RunnerOptions {
  leaseMs: number;
  /** Defaults to `host:pid:random`, unique per process start. */
  holder?: string;
  onError?: (job: string, error: unknown) => void;
  /** This process has just taken a job's lease (at start, or from a holder that stopped renewing it). */
  onLease?: (job: string) => void;
  /** A run has ended: how long it took and its error, if any. */
  onRun?: (job: string, run: { ms: number; error: string | null }) => void;
}

/** This process's holder id: the pid is in it, so an admin (and a test) can tell who holds a job. */
export function newHolderId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
}

/** Starts every job's loop; `stop()` ends them, waits for running jobs and gives the leases up. */
export function startJobs(db: Db, definitions: JobDefinition[], options: RunnerOptions): JobRunner {
  const holder = options.holder ?? newHolderId();
  const { leaseMs } = options;
  const onError = options.onError ?? ((job, error) => console.error(`job ${job} failed`, error));
  const onLease = options.onLease ?? (() => undefined);
  const onRun = options.onRun ?? (() => undefined);
  const stopping = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  registerJobs(
    db,
    definitions.map((j) => j.name),
  );

  for (const job of definitions) {
    // Come back often enough to renew the lease well before it runs out, even when idle.
    const tickMs = Math.max(50, Math.min(job.intervalMs, Math.floor(leaseMs / 3)));
    let busy = false;

    const tick = async () => {
      if (busy || stopping.signal.aborted) return;
      busy = true;
      try {
        const { held, acquired, due } = takeLease(db, job.name, holder, leaseMs, job.intervalMs);
        if (acquired) onLease(job.name);
        if (held && due) await runOnce(job);
      } catch (error) {
        onError(job.name, error);
      } finally {
        busy = false;
      }
    };

    const schedule = () => {
      if (stopping.signal.aborted) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const done = tick().finally(() => {
          running.delete(done);
          schedule();
        });
        running.add(done);
      }, tickMs);
      timer.unref();
      timers.add(timer);
    };
    // the first look right away (staggered a little so processes starting together do not collide)
    const first = setTimeout(
      () => {
        timers.delete(first);
        const done = tick().finally(() => {
          running.delete(done);
          schedule();
        });
        running.add(done);
      },
      Math.floor(Math.random() * 50),
    );
    first.unref();
    timers.add(first);
  }

  async function runOnce(job: JobDefinition) {
    const lost = new AbortController();
    const onStop = () => lost.abort();
    stopping.signal.addEventListener("abort", onStop);
    const renewal = setInterval(
      () => {
        try {
          if (!renewLease(db, job.name, holder, leaseMs)) lost.abort();
        } catch (error) {
          onError(job.name, error);
        }
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    recordJobStart(db, job.name);
    const started = performance.now();
    let error: string | null = null;
    try {
      await job.run({ signal: lost.signal });
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
      onError(job.name, thrown);
    } finally {
      clearInterval(renewal);
      stopping.signal.removeEventListener("abort", onStop);
    }
    recordJobEnd(db, job.name, { error, nextRunAt: Date.now() + job.intervalMs });
    onRun(job.name, { ms: performance.now() - started, error });
  }

  return {
    holder,
    async stop() {
      stopping.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
      for (const job of definitions) {
        try {
          releaseLease(db, job.name, holder);
        } catch (error) {
          onError(job.name, error);
        }
      }
    },
  };
}
