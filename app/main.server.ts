// The production server: one process that owns the SQLite file. Compiled by Remix
// together with the app (remix.config.js `server`) into build/server/index.js.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as build from "@remix-run/dev/server-build";
import { createRequestHandler } from "@remix-run/express";
import express from "express";
import { runMigrations } from "../db/migrate";
import { seedDemoFund, seedIfEmpty } from "../db/seed";
import { checkSameOrigin } from "./auth/csrf.server";
import { db } from "./db.server";
import { env } from "./env.server";
import { serverJobs } from "./jobs/jobs.server";
import { startJobs } from "./jobs/runner.server";
import { MAX_FORM_BYTES, MAX_UPLOAD_FORM_BYTES } from "./lib/form-body.server";
import { sweepOrphanReceipts } from "./lib/receipts.server";
import { securityHeaders } from "./lib/security-headers";
import { logEvent } from "./log.server";
import { listStoredReceiptNames } from "./models/expenses.server";
import { verifyLedger } from "./models/ledger.server";
import { verifyUnsubscribeToken } from "./models/notifications.server";

runMigrations(db);
const seeded = seedIfEmpty(db);
if (seeded) {
  console.log(`Seeded an empty database: ${seeded.targets} targets, ${seeded.issues} GitHub items.`);
  if (env.SEED_DEMO === "1" && seedDemoFund(db, env.FUND_CURRENCY))
    console.log("Seeded demo fund history (SEED_DEMO=1): every page shows a demo banner while it is there.");
}

// The ledger's invariants, checked at every start (npm run ledger:verify does the same).
for (const finding of verifyLedger(db)) console.error(`ledger:verify: ${finding.check}: ${finding.detail}`);

// Receipt files with no row (a crash between writing the file and committing) go after an hour.
void sweepOrphanReceipts(env.UPLOADS_DIR, listStoredReceiptNames(db), 3_600_000).then((gone) => {
  if (gone.length > 0) console.log(`Removed ${gone.length} orphaned receipt file(s).`);
});

// Background jobs (claim expiry and reminders, the outbox, the daily digest): each runs in one
// process at a time, whichever holds its lease in the database. Claims are also released when read.
const { jobs, close: closeMail } = serverJobs(db, env);
const runner = startJobs(db, jobs, {
  leaseMs: env.JOB_LEASE_MS,
  onError: (job, error) => console.error(`job ${job} failed:`, error),
  onLease: (job) => console.log(`job ${job}: this process took the lease`),
});
console.log(
  `Background jobs: ${jobs.map((j) => j.name).join(", ")} (holder ${runner.holder}); mail ${env.SMTP_URL ? "goes out through SMTP" : "is held in the outbox (no SMTP_URL)"}; GitHub sync ${jobs.some((j) => j.name === "github-sync") ? `every ${env.GITHUB_SYNC_MINUTES} minutes` : "off (no GITHUB_TOKEN or GitHub App, or GITHUB_SYNC_MINUTES=0)"}.`,
);

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../public");
const production = env.NODE_ENV === "production";

// GitHub sign-in posts to GitHub's authorize page; /admin/github-app posts the app manifest to GitHub.
const formTargets = [new URL(env.GITHUB_OAUTH_URL).origin];

const app = express();
app.disable("x-powered-by");
// X-Forwarded-For only from the proxies TRUST_PROXY names; by default none, so req.ip is
// the socket's address and no client can pick its own (the sign-in throttle counts by it).
app.set("trust proxy", env.TRUST_PROXY);
if (typeof env.TRUST_PROXY === "number" && env.TRUST_PROXY > 0 && !["127.0.0.1", "::1", "localhost"].includes(env.HOST ?? "")) {
  console.warn(
    `TRUST_PROXY=${env.TRUST_PROXY} believes X-Forwarded-For from any client that reaches this port; name the proxy's address instead, or listen on loopback (HOST=127.0.0.1).`,
  );
}

app.use((_req, res, next) => {
  const nonce = crypto.randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  res.set(securityHeaders(nonce, production, formTargets));
  next();
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
// same limits again while streaming, whatever the headers said. The webhook enforces its own
// 25 MiB cap while streaming.
app.use((req, res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method) || req.path === "/webhooks/github") return next();
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
app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
const publicNames = new Set(fs.existsSync(publicDir) ? fs.readdirSync(publicDir).filter((name) => name !== "build") : []);
const servePublic = express.static(publicDir, { maxAge: "1h" });
app.use((req, res, next) => (publicNames.has(req.path.split("/")[1] ?? "") ? servePublic(req, res, next) : next()));

app.all(
  "*",
  createRequestHandler({
    build,
    mode: build.mode,
    getLoadContext: (req, res) => ({ cspNonce: String(res.locals.cspNonce), clientIp: req.ip ?? "unknown" }),
  }),
);

const server = env.HOST ? app.listen(env.PORT, env.HOST, ready) : app.listen(env.PORT, ready);

function ready() {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  console.log(`Club Zero is listening on http://localhost:${port} (database ${env.DATABASE_PATH})`);
}

function shutdown(signal: string) {
  console.log(`${signal} received, closing.`);
  server.close(() => {
    // running jobs finish their step and give their leases up, so another process need not wait
    void runner.stop().finally(() => {
      closeMail();
      db.$client.close();
      process.exit(0);
    });
  });
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
