// The production server: one process that owns the SQLite file. Compiled by Remix
// together with the app (remix.config.js `server`) into build/server/index.js.
import cluster from "node:cluster";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as build from "@remix-run/dev/server-build";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import { AggregatorRegistry } from "prom-client";
import { dataVersionReader } from "../db/data-version";
import { runMigrations } from "../db/migrate";
import { seedDemoFund, seedIfEmpty } from "../db/seed";
import { checkSameOrigin } from "./auth/csrf.server";
import { db } from "./db.server";
import { env } from "./env.server";
import { serveGithubWebhook } from "./github/endpoint.server";
import { relayWebhookWriting, stopWebhookWriting } from "./github/writer.server";
import { anonymousPages } from "./http/anonymous-pages.server";
import { countIfBusy, hasMetricsToken, pageCache, registerDataGauges, registry } from "./http/metrics.server";
import { observeRequests } from "./http/observe.server";
import { PageCache } from "./http/page-cache.server";
import { precompressedAssets } from "./http/precompressed-assets.server";
import { routeMatcher } from "./http/route-patterns";
import { serverJobs } from "./jobs/jobs.server";
import { startJobs } from "./jobs/runner.server";
import { MAX_FORM_BYTES, MAX_UPLOAD_FORM_BYTES } from "./lib/form-body.server";
import { sweepOrphanReceipts } from "./lib/receipts.server";
import { securityHeaders } from "./lib/security-headers";
import { logEvent, logger } from "./log.server";
import { listStoredReceiptNames } from "./models/expenses.server";
import { verifyLedger } from "./models/ledger.server";
import { verifyUnsubscribeToken } from "./models/notifications.server";
import type http from "node:http";

// With WEB_CONCURRENCY > 1 the first process (the primary) prepares the database once, then
// forks that many workers that share the port (node's cluster); each worker runs the code
// below the primary's block. With 1 (the default) one process does both.
const worker = cluster.isWorker;
if (!worker) prepareDatabase();

function prepareDatabase() {
  runMigrations(db);
  const seeded = seedIfEmpty(db);
  if (seeded) {
    logger.info(`Seeded an empty database: ${seeded.targets} targets, ${seeded.issues} GitHub items.`);
    if (env.SEED_DEMO === "1" && seedDemoFund(db, env.FUND_CURRENCY))
      logger.info("Seeded demo fund history (SEED_DEMO=1): every page shows a demo banner while it is there.");
  }

  // The ledger's invariants, checked at every start (npm run ledger:verify does the same).
  for (const finding of verifyLedger(db)) logger.error({ event: "ledger.finding", check: finding.check }, `ledger:verify: ${finding.check}: ${finding.detail}`);

  // Receipt files with no row (a crash between writing the file and committing) go after an hour.
  void sweepOrphanReceipts(env.UPLOADS_DIR, listStoredReceiptNames(db), 3_600_000).then((gone) => {
    if (gone.length > 0) logger.info(`Removed ${gone.length} orphaned receipt file(s).`);
  });
}

if (!worker && env.WEB_CONCURRENCY > 1) runPrimary(env.WEB_CONCURRENCY);
else serve();

/** Forks the workers and replaces any that dies; on SIGTERM/SIGINT lets them finish and exits. */
function runPrimary(count: number) {
  let stopping = false;
  // Messages between processes (webhook hand-overs carry whole bodies) go as structured
  // clones, not JSON text with every quote escaped.
  cluster.setupPrimary({ serialization: "advanced" });
  // One worker applies every webhook delivery; the others hand theirs to it (writer.server.ts).
  const webhookWriting = relayWebhookWriting();
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  cluster.on("exit", (w, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) finish();
      return;
    }
    logger.error({ event: "worker.exit", worker: w.process.pid, code, signal }, `worker ${w.process.pid} exited (${signal ?? code}); starting another.`);
    setTimeout(fork, 500);
  });

  // /metrics for the whole cluster: a worker asked for it on the main port asks here, and the
  // primary adds up every worker's (prom-client's AggregatorRegistry asks each over IPC).
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (w, message: unknown) => {
    if (!isMetricsRequest(message)) return;
    aggregator.clusterMetrics().then(
      (text) => w.send({ type: METRICS_REPLY, id: message.id, text }),
      (error: unknown) => w.send({ type: METRICS_REPLY, id: message.id, error: String(error) }),
    );
  });
  const metricsServer = env.METRICS_PORT ? serveMetricsPort(env.METRICS_PORT, () => aggregator.clusterMetrics()) : null;

  // Workers finish what they are doing (see serve's shutdown); the primary waits for all of
  // them, then checkpoints the WAL into the database file and exits 0.
  function finish() {
    metricsServer?.close();
    checkpointAndClose();
    logger.info({ event: "shutdown.done" }, "All workers stopped; database checkpointed and closed.");
    process.exit(0);
  }
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    webhookWriting.stop();
    logger.info({ event: "shutdown.start", signal }, `${signal} received, stopping ${count} workers.`);
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
    setTimeout(
      () => {
        logger.error({ event: "shutdown.timeout" }, "Workers did not stop in time; exiting.");
        process.exit(1);
      },
      (env.SHUTDOWN_SECONDS + 5) * 1000,
    ).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  logger.info(`Club Zero primary ${process.pid}: ${count} workers on port ${env.PORT}.`);
}

const METRICS_REQUEST = "clubzero:metrics?";
const METRICS_REPLY = "clubzero:metrics!";
const isMetricsRequest = (m: unknown): m is { type: string; id: number } =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === METRICS_REQUEST;

/** This process's metrics, or (in a cluster worker) the whole cluster's from the primary. */
function clusterMetricsText(): Promise<string> {
  if (!cluster.isWorker) return registry.metrics();
  return new Promise((resolve, reject) => {
    const id = Math.random();
    const timer = setTimeout(() => {
      process.off("message", onReply);
      reject(new Error("the primary did not answer with metrics in 5 s"));
    }, 5_000);
    const onReply = (m: { type?: string; id?: number; text?: string; error?: string }) => {
      if (m?.type !== METRICS_REPLY || m.id !== id) return;
      clearTimeout(timer);
      process.off("message", onReply);
      if (m.text !== undefined) resolve(m.text);
      else reject(new Error(m.error ?? "no metrics"));
    };
    process.on("message", onReply);
    process.send!({ type: METRICS_REQUEST, id });
  });
}

/** METRICS_PORT: /metrics without a token, on loopback only. */
function serveMetricsPort(port: number, text: () => Promise<string>) {
  const metricsApp = express();
  metricsApp.disable("x-powered-by");
  metricsApp.get("/metrics", (_req, res, next) => {
    text().then((body) => res.type(registry.contentType).send(body), next);
  });
  return metricsApp.listen(port, "127.0.0.1", () => logger.info(`Metrics on http://127.0.0.1:${port}/metrics`));
}

/** Moves the WAL into the database file, so a copy of the file alone is whole, and closes it. */
function checkpointAndClose() {
  try {
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
  } catch (error) {
    logger.error({ event: "shutdown.checkpoint_failed", error: String(error) }, "The WAL checkpoint failed; SQLite will replay the WAL at the next start.");
  }
  db.$client.close();
}

function serve() {
  // Background jobs (claim expiry and reminders, the outbox, the daily digest): each runs in one
  // process at a time, whichever holds its lease in the database. Claims are also released when read.
  const { jobs, close: closeMail } = serverJobs(db, env);
  const runner = startJobs(db, jobs, {
    leaseMs: env.JOB_LEASE_MS,
    onError: (job, error) => {
      countIfBusy(error);
      logger.error({ event: "job.error", job, error: error instanceof Error ? error.message : String(error) }, `job ${job} failed`);
    },
    onLease: (job) => logger.info({ event: "job.lease", job }, `job ${job}: this process took the lease`),
    onRun: (job, run) =>
      logger.info({ event: "job.run", job, durationMs: Math.round(run.ms * 10) / 10, ok: run.error === null, error: run.error ?? undefined }),
  });
  logger.info(
    `Background jobs: ${jobs.map((j) => j.name).join(", ")} (holder ${runner.holder}); mail ${env.SMTP_URL ? "goes out through SMTP" : "is held in the outbox (no SMTP_URL)"}; GitHub sync ${jobs.some((j) => j.name === "github-sync") ? `every ${env.GITHUB_SYNC_MINUTES} minutes` : "off (no GITHUB_TOKEN or GitHub App, or GITHUB_SYNC_MINUTES=0)"}.`,
  );
  registerDataGauges(db);
  const metricsServer = !cluster.isWorker && env.METRICS_PORT ? serveMetricsPort(env.METRICS_PORT, () => registry.metrics()) : null;

  const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../public");
  const production = env.NODE_ENV === "production";

  // GitHub sign-in posts to GitHub's authorize page; /admin/github-app posts the app manifest to GitHub.
  const formTargets = [new URL(env.GITHUB_OAUTH_URL).origin];

  /** Set by shutdown(): answers from now on close their connections. */
  let stopping = false;
  const app = express();
  app.disable("x-powered-by");
  // First: the request id, the log line and the metrics see every answer, whoever gives it.
  app.use(observeRequests(routeMatcher(build.routes, ["/build/*", "/metrics", "/webhooks/github"])));
  // Once shutting down, no answer invites the client to send another request on its connection.
  app.use((_req, res, next) => {
    if (stopping) res.setHeader("Connection", "close");
    next();
  });
  // X-Forwarded-For only from the proxies TRUST_PROXY names; by default none, so req.ip is
  // the socket's address and no client can pick its own (the sign-in throttle counts by it).
  app.set("trust proxy", env.TRUST_PROXY);
  if (typeof env.TRUST_PROXY === "number" && env.TRUST_PROXY > 0 && !["127.0.0.1", "::1", "localhost"].includes(env.HOST ?? "")) {
    logger.warn(
      `TRUST_PROXY=${env.TRUST_PROXY} believes X-Forwarded-For from any client that reaches this port; name the proxy's address instead, or listen on loopback (HOST=127.0.0.1).`,
    );
  }

  app.use((_req, res, next) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set(securityHeaders(nonce, production, formTargets));
    next();
  });

  // GitHub's deliveries: answered here, before the cross-site check, the body limits, the page
  // cache, compression and Remix, none of which a delivery needs. The endpoint makes its own
  // checks (method, headers, content type, its 25 MiB cap while streaming, the signature) and
  // reads the body itself: nothing before it touches the body (WH-16).
  app.all("/webhooks/github", (req, res, next) => {
    serveGithubWebhook(req, res).catch(next);
  });

  // Prometheus: with METRICS_TOKEN as a bearer token; without one, not on this port at all.
  app.get("/metrics", (req, res, next) => {
    if (!env.METRICS_TOKEN) {
      res.status(404).type("text/plain; charset=utf-8").send("Metrics are not served on this port: set METRICS_TOKEN (bearer) or METRICS_PORT (loopback).");
      return;
    }
    if (!hasMetricsToken(req.get("authorization"), env.METRICS_TOKEN)) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Bearer realm="metrics"')
        .type("text/plain; charset=utf-8")
        .send("Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.");
      return;
    }
    clusterMetricsText().then((body) => res.set("Cache-Control", "no-store").type(registry.contentType).send(body), next);
  });

  // Cross-site request forgery: every state-changing request must come from our own pages.
  app.use((req, res, next) => {
    res.vary("Sec-Fetch-Site");
    res.vary("Origin");
    const headers = { get: (name: string) => req.get(name) ?? null };
    // One-click unsubscribe (RFC 8058) comes from a mail client, not our pages: let it through
    // only to its own path, and only with a valid signed token.
    const refusal = checkSameOrigin(req.method, req.path, headers, env.APP_ORIGIN, () =>
      Boolean(verifyUnsubscribeToken(db, typeof req.query.token === "string" ? req.query.token : null)),
    );
    if (!refusal) return next();
    logEvent("csrf.refused", { method: req.method, path: req.path, origin: req.get("origin"), site: req.get("sec-fetch-site"), ip: req.ip });
    res.status(403).type("text/plain; charset=utf-8").send(refusal);
  });

  // Bodies: forms are small; expense forms carry up to 5 receipts of 10 MiB. This is the early
  // answer to an honest Content-Length; the form readers (app/lib/form-body.server.ts) count the
  // same limits again while streaming, whatever the headers said. (The webhook, answered above,
  // has its own 25 MiB cap.)
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const length = req.get("content-length");
    if (length === undefined && req.get("transfer-encoding")) {
      return res.status(411).type("text/plain; charset=utf-8").send("Send a Content-Length with the request.");
    }
    const limit = req.path.startsWith("/expenses") ? MAX_UPLOAD_FORM_BYTES : MAX_FORM_BYTES;
    if (Number(length ?? 0) > limit) {
      return res
        .status(413)
        .type("text/plain; charset=utf-8")
        .send(`That request is too large (the limit here is ${limit / 1024 / 1024} MiB).`);
    }
    next();
  });

  // Fingerprinted build assets never change; public/'s other files and folders (the favicon)
  // may. Their top-level names are listed at start, so page requests do not look on the disk
  // first; a file or folder added to public/ later is served after a restart.
  // Each has its .br and .gz beside it, written at build (npm run build), sent by Accept-Encoding.
  app.use("/build", precompressedAssets(path.join(publicDir, "build")));
  const publicNames = new Set(fs.existsSync(publicDir) ? fs.readdirSync(publicDir).filter((name) => name !== "build") : []);
  const servePublic = express.static(publicDir, { maxAge: "1h" });
  app.use((req, res, next) => (publicNames.has(req.path.split("/")[1] ?? "") ? servePublic(req, res, next) : next()));

  // Anonymous GETs: from the page cache while the data is unchanged (app/http/page-cache.server.ts).
  if (env.PAGE_CACHE_MB > 0) {
    const cache = new PageCache(env.PAGE_CACHE_MB * 1024 * 1024);
    app.use(
      anonymousPages({
        build,
        mode: build.mode,
        cache,
        dataVersion: dataVersionReader(db.$client),
        origin: env.APP_ORIGIN,
        cdnMaxAgeSeconds: env.CDN_MAX_AGE_SECONDS,
        count: (result) => pageCache.inc({ result }),
      }),
    );
  }

  // Every other page is compressed as it goes (answers to forms are redirects or short, and a
  // refused upload's answer must leave before its connection is closed: not buffered). Pages for
  // a signed-in person are marked private in app/entry.server.tsx.
  const compress = compression();
  app.use((req, res, next) => (req.method === "GET" ? compress(req, res, next) : next()));

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: build.mode,
      getLoadContext: (req, res) => ({ cspNonce: String(res.locals.cspNonce), clientIp: req.ip ?? "unknown" }),
    }),
  );

  const server = env.HOST ? app.listen(env.PORT, env.HOST, ready) : app.listen(env.PORT, ready);
  // Which connections are answering a request, and which have answered at least one (for shutdown).
  const connections = new Map<net.Socket, { busy: number; served: number }>();
  let lastConnectionAt = 0;
  server.on("connection", (socket: net.Socket) => {
    lastConnectionAt = Date.now();
    connections.set(socket, { busy: 0, served: 0 });
    socket.once("close", () => connections.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const state = connections.get(req.socket);
    if (!state) return;
    state.busy++;
    res.once("close", () => {
      state.busy--;
      state.served++;
    });
  });

  function ready() {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    logger.info(`Club Zero is listening on http://localhost:${port} (database ${env.DATABASE_PATH})`);
  }

  // Stop taking connections, let every request in flight finish (a webhook's group commit
  // included: its answer is only sent after the commit), let jobs stop at a safe point, then
  // checkpoint and exit 0. Past SHUTDOWN_SECONDS whatever is left is cut off (exit 1).
  function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    // Deliveries handed over from now on are applied by the worker that took them.
    const webhooksApplied = stopWebhookWriting();
    logger.info({ event: "shutdown.start", signal }, `${signal} received, finishing requests in flight.`);
    const deadline = setTimeout(() => {
      logger.error({ event: "shutdown.timeout", seconds: env.SHUTDOWN_SECONDS }, "Requests or jobs did not finish in time; exiting.");
      process.exit(1);
    }, env.SHUTDOWN_SECONDS * 1000);
    deadline.unref();
    metricsServer?.close();
    // Stop listening once the listen queue is empty: connections the kernel completed before
    // the signal wait there while the event loop is busy, and closing the listening socket
    // would reset them. So the door closes after 200 ms without a new connection (at most
    // half of SHUTDOWN_SECONDS). Not with server.close(): it also drops every connection with
    // no request in progress, including ones just accepted whose request is still being read.
    // A connection goes once it has been answered (Connection: close, above) or, if it is a
    // kept-alive one idle between requests, at the next sweep.
    const closeBy = Date.now() + (env.SHUTDOWN_SECONDS * 1000) / 2;
    let deciding = false;
    const waitForQuiet = setInterval(() => {
      // Decide after the event loop's next poll, which accepts what is waiting: a timer can
      // fire right after a long render, before the connections queued meanwhile are taken.
      if (deciding) return;
      deciding = true;
      setImmediate(() => {
        deciding = false;
        if (Date.now() - lastConnectionAt < 200 && Date.now() < closeBy) return;
        clearInterval(waitForQuiet);
        closeListener();
      });
    }, 50);
    const closeListener = () =>
      net.Server.prototype.close.call(server, () => {
        clearInterval(sweep);
        void Promise.all([webhooksApplied, runner.stop()]).finally(() => {
          closeMail();
          // A worker leaves the checkpoint to the primary, which waits for every worker.
          if (cluster.isWorker) db.$client.close();
          else checkpointAndClose();
          logger.info({ event: "shutdown.done" }, "Stopped cleanly.");
          process.exit(0);
        });
      });
    const sweep = setInterval(() => {
      for (const [socket, state] of connections) if (state.served > 0 && state.busy === 0) socket.destroy();
    }, 50);
    sweep.unref();
  }
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
