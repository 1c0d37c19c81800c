// The production server: one process that owns the SQLite file. Compiled by Remix
// together with the app (remix.config.js `server`) into build/server/index.js.
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import * as build from "@remix-run/dev/server-build";
import express from "express";
import { runMigrations } from "../db/migrate";
import { seedIfEmpty } from "../db/seed";
import { db } from "./db.server";
import { env } from "./env.server";
import { securityHeaders } from "./lib/security-headers";

runMigrations(db);
const seeded = seedIfEmpty(db);
if (seeded) console.log(`Seeded an empty database: ${seeded.targets} targets, ${seeded.issues} GitHub items.`);

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../public");
const production = env.NODE_ENV === "production";

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", "loopback");

app.use((_req, res, next) => {
  const nonce = crypto.randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  res.set(securityHeaders(nonce, production));
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
    getLoadContext: (_req, res) => ({ cspNonce: String(res.locals.cspNonce) }),
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
