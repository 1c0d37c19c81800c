// Ceiling for the webhook: a bare node:http receiver that reads the body, checks
// X-Hub-Signature-256 (HMAC-SHA256, constant-time compare) and inserts the raw body into
// SQLite with the app's pragmas (WAL, synchronous=FULL): one fsynced commit per delivery,
// like the app. No parsing, no domain logic: what a webhook could cost at best.
//   PORT=... GITHUB_WEBHOOK_SECRET=... DATABASE_PATH=... node test/bench/bare-webhook.mjs
import crypto from "node:crypto";
import http from "node:http";
import Database from "better-sqlite3";

const secret = process.env.GITHUB_WEBHOOK_SECRET;
const db = new Database(process.env.DATABASE_PATH);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 5000");
db.exec(`create table if not exists webhook_deliveries (
  id integer primary key autoincrement,
  delivery_id text not null,
  event text not null,
  payload text not null,
  received_at integer not null
);
create unique index if not exists webhook_deliveries_delivery_id_unique on webhook_deliveries (delivery_id);
create index if not exists webhook_deliveries_received_idx on webhook_deliveries (received_at);`);
const insert = db.prepare("insert into webhook_deliveries (delivery_id, event, payload, received_at) values (?, ?, ?, ?) on conflict do nothing");

function reply(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const header = req.headers["x-hub-signature-256"];
    const expected = Buffer.from(`sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`);
    const given = Buffer.from(typeof header === "string" ? header : "");
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return reply(res, 401, '{"ok":false}');
    const delivery = req.headers["x-github-delivery"];
    const event = req.headers["x-github-event"];
    if (typeof delivery !== "string" || typeof event !== "string") return reply(res, 400, '{"ok":false}');
    insert.run(delivery, event, body.toString("utf8"), Date.now());
    reply(res, 200, '{"ok":true}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`bare webhook receiver is listening on ${process.env.PORT}`));
process.on("SIGTERM", () =>
  server.close(() => {
    db.close();
    process.exit(0);
  }),
);
