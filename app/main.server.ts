// The production server: one process that owns the SQLite file. Compiled by Remix
// together with the app (remix.config.js `server`) into build/server/index.js.
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import * as build from "@remix-run/dev/server-build";
import express from "express";
import { runMigrations } from "../db/migrate";
import { expireClaims } from "./models/bounties.server";
import { seedIfEmpty } from "../db/seed";
import { db } from "./db.server";
import { env } from "./env.server";
import { checkSameOrigin } from "./auth/csrf.server";
import { securityHeaders } from "./lib/security-headers";
import { logEvent } from "./log.server";

runMigrations(db);
const seeded = seedIfEmpty(db);
if (seeded) console.log(`Seeded an empty database: ${seeded.targets} targets, ${seeded.issues} GitHub items.`);

// Claims that ran out are released at start-up and every minute (and on every read).
const swept = expireClaims(db);
if (swept > 0) console.log(`Released ${swept} expired claim(s).`);
setInterval(() => {
  try {
    expireClaims(db);
  } catch (error) {
    console.error("claim expiry sweep failed", error);
  }
}, 60_000).unref();

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../public");
const production = env.NODE_ENV === "production";

const formTargets = env.GITHUB_CLIENT_ID ? [new URL(env.GITHUB_OAUTH_URL).origin] : [];

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", "loopback");

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
  const refusal = checkSameOrigin(req.method, req.path, headers, env.APP_ORIGIN);
  if (!refusal) return next();
  logEvent("csrf.refused", { method: req.method, path: req.path, origin: req.get("origin"), site: req.get("sec-fetch-site"), ip: req.ip });
  res.status(403).type("text/plain; charset=utf-8").send(refusal);
});

// Bodies: forms are small. The webhook enforces its own 25 MiB cap while streaming.
const MAX_FORM_BYTES = 1024 * 1024;
app.use((req, res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method) || req.path === "/webhooks/github") return next();
  const length = req.get("content-length");
  if (length === undefined && req.get("transfer-encoding")) {
    return res.status(411).type("text/plain; charset=utf-8").send("Send a Content-Length with the request.");
  }
  if (Number(length ?? 0) > MAX_FORM_BYTES) {
    return res.status(413).type("text/plain; charset=utf-8").send("That request is too large (forms are limited to 1 MiB).");
  }
  next();
});

// Fingerprinted build assets never change; everything else in public/ may.
app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(publicDir, { maxAge: "1h" }));

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
    db.$client.close();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
