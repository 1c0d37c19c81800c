// Fingerprinted build assets (public/build): their names change whenever their bytes do, so
// they are sent as immutable, and compressed once at build (app/http/precompress-assets.ts)
// rather than on every request.
import fs from "node:fs";
import path from "node:path";
import express from "express";
import type { NextFunction, Request, Response } from "express";

const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

export function precompressedAssets(dir: string) {
  const serve = express.static(dir, {
    immutable: true,
    maxAge: "1y",
    setHeaders: (res, file) => {
      const encoding = ENCODINGS.find((e) => file.endsWith(e.suffix));
      if (!encoding) return;
      res.setHeader("Content-Encoding", encoding.name);
      res.setHeader("Content-Type", express.static.mime.lookup(file.slice(0, -encoding.suffix.length)));
    },
  });
  // Listed once: the build does not change under a running server.
  const files = new Set<string>();
  const walk = (sub: string) => {
    for (const entry of fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub), { withFileTypes: true }) : []) {
      const rel = `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else files.add(rel);
    }
  };
  walk("");

  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD") {
      res.vary("Accept-Encoding");
      const accepted = req.get("accept-encoding") ?? "";
      const encoding = ENCODINGS.find((e) => new RegExp(`\\b${e.name}\\b(?!;q=0(\\.0*)?\\b)`).test(accepted) && files.has(req.path + e.suffix));
      if (encoding) req.url = req.path + encoding.suffix;
    }
    serve(req, res, next);
  };
}
