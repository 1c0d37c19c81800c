// WH-15 / DB-3: kill -9 the server while signed deliveries stream in; after a restart
// every delivery that was acknowledged is recorded once and applied (its issue is there),
// and the database is sound.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { deliveryHeaders, issuesEvent } from "../support/github-webhooks";
import { freePort, productionEnv, repoRoot, serverEntry } from "../support/server";

const SECRET = crypto.randomBytes(32).toString("hex");

function boot(databasePath: string, port: number) {
  const child = spawn(process.execPath, [serverEntry], {
    cwd: repoRoot,
    env: productionEnv(port, {
      DATABASE_PATH: databasePath,
      UPLOADS_DIR: path.join(path.dirname(databasePath), "uploads"),
      GITHUB_WEBHOOK_SECRET: SECRET,
      SEED_DEMO: "0",
      CLUBZERO_QUIET_LOG: "1",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise<typeof child>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("is listening on")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

describe("crash safety", () => {
  it("after kill -9 under webhook load, every acknowledged delivery is recorded exactly once and applied", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-crash-"));
    const databasePath = path.join(dir, "app.sqlite");
    // delivery id → the issue number it opened, for every delivery answered 200
    const acked = new Map<string, number>();
    for (let loop = 0; loop < 3; loop++) {
      const port = await freePort();
      const server = await boot(databasePath, port);
      let stop = false;
      const workers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const id = crypto.randomUUID();
          const number = loop * 100_000 + w * 10_000 + i + 1;
          const body = JSON.stringify(issuesEvent("opened", { repo: "crash/test", number, labels: [], updatedAt: "2026-01-01T00:00:00Z" }));
          try {
            const res = await fetch(`http://127.0.0.1:${port}/webhooks/github`, { method: "POST", headers: deliveryHeaders("issues", body, SECRET, id), body });
            if (res.status === 200) acked.set(id, number);
          } catch {
            // the server died mid-request: GitHub would redeliver this one
          }
        }
      });
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1500));
      server.kill("SIGKILL");
      stop = true;
      await Promise.all(workers);
    }
    const port = await freePort();
    const server = await boot(databasePath, port);
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));

    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const recorded = new Map(
      (
        db.prepare("select delivery_id, status, count(*) as n from webhook_deliveries group by delivery_id").all() as {
          delivery_id: string;
          status: string;
          n: number;
        }[]
      ).map((r) => [r.delivery_id, r]),
    );
    const issues = new Map(
      (db.prepare("select number, count(*) as n from github_issues where repo = 'crash/test' group by number").all() as { number: number; n: number }[]).map(
        (r) => [r.number, r.n],
      ),
    );
    db.close();
    expect(acked.size).toBeGreaterThan(50);
    // Recorded once and processed, not merely stored…
    const notRecorded = [...acked.keys()].filter((id) => recorded.get(id)?.n !== 1 || recorded.get(id)?.status !== "processed");
    expect(notRecorded).toEqual([]);
    // …and its effect is there: the issue it opened is mirrored exactly once.
    const notApplied = [...acked.values()].filter((number) => issues.get(number) !== 1);
    expect(notApplied).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
