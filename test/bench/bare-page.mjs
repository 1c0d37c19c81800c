// Ceiling for the pages: a bare node:http server answering each benchmarked URL with the
// exact HTML bytes the app sent for it (captured by run.ts). No routing, no rendering,
// no database: what serving those bytes could cost at best on this machine.
//   PORT=... BENCH_PAGES=<manifest.json: { "<url>": "<file>" }> node test/bench/bare-page.mjs
import fs from "node:fs";
import http from "node:http";

const manifest = JSON.parse(fs.readFileSync(process.env.BENCH_PAGES, "utf8"));
const pages = new Map(Object.entries(manifest).map(([url, file]) => [url, fs.readFileSync(file)]));

const server = http.createServer((req, res) => {
  // Signed-in pages are captured under "cookie:<url>": the same URL answers what a signed-in person saw.
  const body = pages.get(`${req.headers.cookie ? "cookie:" : ""}${req.url}`);
  if (!body) {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found");
    return;
  }
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`bare page server is listening on ${process.env.PORT}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
