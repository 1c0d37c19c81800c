// Mutation testing (npm run test:mutation): StrykerJS mutates the code of app/models, app/github,
// app/auth and app/lib and runs the in-process tests (test/vitest.mutation.config.ts) against each
// mutant. MUTATE=auth|github|lib|models runs one folder (each keeps its own incremental file, so
// a re-run only tests the mutants whose code or tests changed); unset, all four. A folder too big
// for one sitting runs in parts: MUTATE_PART names one of PARTS below (or any name, with
// MUTATE_FILES listing its files, comma-separated, relative to the folder); each part keeps its
// own incremental file and report. npm run test:mutation:scores sums the committed results.
const FOLDERS = { models: "app/models", github: "app/github", auth: "app/auth", lib: "app/lib" };

/** app/models in three parts of 1,300–2,000 mutants, each about an hour on 2 cores (files: `name` is `name.server.ts`). */
const PARTS = {
  models: {
    core: ["bounties", "bounty-commands", "bounty-queries", "expenses", "ledger", "permissions", "users", "audit"],
    content: ["tutorials", "packages", "github", "target-edits", "targets", "notifications"],
    operations: [
      "backups",
      "email-tokens",
      "outbox",
      "github-sync",
      "ladder",
      "package-sources",
      "github-suggestions",
      "login-throttle",
      "shared-reads",
      "queue",
      "jobs",
      "github-installations",
      "profiles",
      "github-replies",
      "app-keys",
      "personas",
      "mail-recipients",
      "sessions",
      "bounties",
      "errors.ts",
    ],
  },
};

const only = process.env.MUTATE;
if (only && !(only in FOLDERS)) throw new Error(`MUTATE must be one of ${Object.keys(FOLDERS).join(", ")}`);
const part = process.env.MUTATE_PART;
const named = part ? PARTS[only]?.[part]?.map((file) => (file.endsWith(".ts") ? file : `${file}.server.ts`)) : undefined;
const files = process.env.MUTATE_FILES?.split(",").map((file) => file.trim()) ?? named;
if (part && !(only && /^[a-z0-9-]+$/.test(part) && files)) {
  throw new Error(
    `MUTATE_PART needs MUTATE (the folder) and either a part of it (${Object.entries(PARTS)
      .map(([folder, parts]) => `${folder}: ${Object.keys(parts).join(", ")}`)
      .join("; ")}) or MUTATE_FILES (its files, comma-separated)`,
  );
}
const name = part ? `${only}-${part}` : (only ?? "all");
const folders = only ? [FOLDERS[only]] : Object.values(FOLDERS);
const mutate = part ? files.map((file) => `${FOLDERS[only]}/${file}`) : [...folders.map((f) => `${f}/**/*.ts`), "!app/**/*.tsx"];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "test/vitest.mutation.config.ts" },
  mutate,
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${name}.json`,
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
