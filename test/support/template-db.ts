// Global setup for integration tests: migrate and seed one template database per run.
// Each test file then works on its own copy (per-file-db.ts).
import fs from "node:fs";
import path from "node:path";
import { scratchDir } from "./scratch";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = scratchDir("club-zero-template-");
  const file = path.join(dir, "template.sqlite");
  process.env.DATABASE_PATH = file;
  const { db } = await import("~/app/db.server");
  const { runMigrations } = await import("~/db/migrate");
  const { seedCatalog } = await import("~/db/seed");
  runMigrations(db);
  seedCatalog(db);
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  project.provide("templateDb", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
