import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, serverEntry } from "../support/server";

/** Runs one fixture file under vitest with our reporter, as CI would. */
function runFixture(fixture: string, env: Record<string, string> = {}) {
  const config = path.join(repoRoot, "test/fixtures/reporter/vitest.config.ts");
  return spawnSync(process.execPath, [path.join(repoRoot, "node_modules/vitest/vitest.mjs"), "run", "--config", config], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1", FIXTURE: fixture, ...env },
  });
}

describe("the closing line CI reads", () => {
  it("counts tests whose beforeAll failed as failed, and only deliberate skips as skipped", () => {
    const run = runFixture("broken-setup.fixture.ts");
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/^1 passed, 2 failed, 1 skipped$/m);
  }, 30_000);
});

describe("browser test set-up", () => {
  it("stops the server and removes its temp dir when Chromium cannot start", () => {
    // Without the build the server would fail before it made anything, and the test would prove nothing.
    expect(fs.existsSync(serverEntry), "run `npm run build` first").toBe(true);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-reporter-"));
    const run = runFixture("missing-chromium.fixture.ts", { CHROMIUM_PATH: "/nonexistent/chromium", TMPDIR: tmp });
    expect(run.stdout).toMatch(/^0 passed, 1 failed$/m);
    // The server wrote its database under TMPDIR; nothing of it may be left.
    expect(fs.readdirSync(tmp).filter((name) => name.startsWith("club-zero-e2e-"))).toEqual([]);
    // And no server process of that run is still alive (its database path names the temp dir).
    const alive = fs
      .readdirSync("/proc")
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/environ`, "utf8").includes(tmp);
        } catch {
          return false;
        }
      });
    expect(alive).toEqual([]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);
});
