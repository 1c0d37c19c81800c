// Prometheus metrics (prom-client). Counters and histograms are kept by each process as it
// works; the gauges that describe the data (the fund, the jobs, the outbox) are read from the
// database when scraped, so every process reports the same values ("first" when the cluster's
// primary adds its workers' metrics up).
import cluster from "node:cluster";
import { timingSafeEqual } from "node:crypto";
import client from "prom-client";
import { lastBackup, lastVerifiedBackupAt } from "../models/backups.server";
import { listJobHealth } from "../models/jobs.server";
import { getFundSummary } from "../models/ledger.server";
import { countOutboxByState } from "../models/outbox.server";
import type { Db } from "../db.server";

export { countIfBusy, sqliteBusy, writeLockWait } from "./sqlite-metrics.server";

export const registry = client.register;
client.collectDefaultMetrics({ register: registry, prefix: "clubzero_" });
// A cluster worker answers the primary's requests for its metrics only once an
// AggregatorRegistry exists in it (that is when prom-client starts listening).
if (cluster.isWorker) new client.AggregatorRegistry();

export const httpRequests = new client.Counter({
  name: "clubzero_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status class.",
  labelNames: ["method", "route", "status_class"] as const,
});

export const httpDuration = new client.Histogram({
  name: "clubzero_http_request_duration_seconds",
  help: "Time from a request's arrival to the end of its answer, by method and route pattern.",
  labelNames: ["method", "route"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

export const webhookDeliveries = new client.Counter({
  name: "clubzero_webhook_deliveries_total",
  help: "GitHub webhook deliveries by event and outcome (processed, ignored, duplicate, failed, or why it was rejected).",
  labelNames: ["event", "outcome"] as const,
});

export const webhooksHandedOver = new client.Counter({
  name: "clubzero_webhook_handed_over_total",
  help: "Webhook deliveries this worker checked and the cluster's writer process applied (app/github/writer.server.ts).",
});

export const pageCache = new client.Counter({
  name: "clubzero_page_cache_requests_total",
  help: "Anonymous GETs by what the page cache did: hit (served stored bytes), miss (rendered and stored), pass (rendered, not storable).",
  labelNames: ["result"] as const,
});

let dataDb: Db | null = null;

/** The gauges read from the database at each scrape. */
export function registerDataGauges(db: Db) {
  if (dataDb) return;
  dataDb = db;
  new client.Gauge({
    name: "clubzero_fund_cents",
    help: "The fund in minor units: balance (money held), committed (approved, not yet paid) and available (balance minus committed).",
    labelNames: ["kind", "currency"] as const,
    aggregator: "first",
    collect() {
      const fund = getFundSummary(db);
      for (const kind of ["balance", "committed", "available"] as const) this.set({ kind, currency: fund.currency }, fund[kind]);
    },
  });
  const jobGauge = (name: string, help: string, value: (j: ReturnType<typeof listJobHealth>[number]) => number | null) =>
    new client.Gauge({
      name,
      help,
      labelNames: ["job"] as const,
      aggregator: "first",
      collect() {
        this.reset();
        for (const job of listJobHealth(db)) {
          const v = value(job);
          if (v !== null) this.set({ job: job.name }, v);
        }
      },
    });
  jobGauge("clubzero_job_last_success_timestamp_seconds", "When each background job last finished without an error (Unix seconds).", (j) =>
    j.lastSuccessAt === null ? null : j.lastSuccessAt / 1000,
  );
  jobGauge("clubzero_job_runs", "Runs of each background job since the database was created.", (j) => j.runs);
  jobGauge("clubzero_job_failures", "Failed runs of each background job since the database was created.", (j) => j.failures);
  jobGauge("clubzero_job_failing", "1 while a job's last run failed.", (j) => (j.failing ? 1 : 0));
  jobGauge("clubzero_job_leased", "1 while some process holds the job's lease (is looking after it).", (j) => (j.leased ? 1 : 0));
  // Backups (app/models/backups.server.ts): absent until the first one was tried.
  new client.Gauge({
    name: "clubzero_backup_last_verified_timestamp_seconds",
    help: "When the newest backup that verified was finished (Unix seconds).",
    aggregator: "first",
    collect() {
      this.reset();
      const at = lastVerifiedBackupAt(db);
      if (at !== null) this.set(at / 1000);
    },
  });
  new client.Gauge({
    name: "clubzero_backup_last_ok",
    help: "1 if the last backup attempt was written and verified, 0 if it failed.",
    aggregator: "first",
    collect() {
      this.reset();
      const last = lastBackup(db);
      if (last) this.set(last.ok ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "clubzero_backup_last_size_bytes",
    help: "Bytes of the last verified backup: the database copy plus its receipt files.",
    aggregator: "first",
    collect() {
      this.reset();
      const last = lastBackup(db);
      if (last?.ok && last.sizeBytes !== null) this.set(last.sizeBytes);
    },
  });
  new client.Gauge({
    name: "clubzero_outbox_messages",
    help: "Messages in the outbox by state (queued and held wait; failed gave up).",
    labelNames: ["state"] as const,
    aggregator: "first",
    collect() {
      this.reset();
      for (const [state, count] of Object.entries(countOutboxByState(db))) this.set({ state }, count ?? 0);
    },
  });
}

/** Does the Authorization header carry the metrics token? */
export function hasMetricsToken(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
