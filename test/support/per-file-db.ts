// Runs before each integration test file's imports: point the app at a private copy of
// the migrated, seeded template, so files never share state.
import fs from "node:fs";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { scratchDir } from "./scratch";

const dir = scratchDir("club-zero-test-");
const file = path.join(dir, "app.sqlite");
fs.copyFileSync(inject("templateDb"), file);
process.env.DATABASE_PATH = file;
process.env.UPLOADS_DIR = path.join(dir, "uploads");
process.env.NODE_ENV = "test";
process.env.CLUBZERO_QUIET_LOG = "1";
// servers and commands a test starts never ask the public package sources (a test that means
// them to points them at local stand-ins and sets its own interval)
process.env.PACKAGES_SYNC_HOURS = "0";

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// A fresh random webhook secret per test file (never a fixed one).
process.env.GITHUB_WEBHOOK_SECRET = (await import("node:crypto")).randomBytes(32).toString("hex");
