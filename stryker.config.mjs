// Mutation testing (npm run test:mutation): StrykerJS mutates the code of app/models, app/github,
// app/auth and app/lib and runs the in-process tests (test/vitest.mutation.config.ts) against each
// mutant. MUTATE=auth|github|lib|models runs one folder (each keeps its own incremental file, so
// a re-run only tests the mutants whose code or tests changed); unset, all four. A folder too big
// for one sitting runs in parts: MUTATE_PART names the part and MUTATE_FILES lists its files
// (comma-separated, relative to the folder); each part keeps its own incremental file and report.
// npm run test:mutation:scores sums the committed results per folder.
const FOLDERS = { models: "app/models", github: "app/github", auth: "app/auth", lib: "app/lib" };
const only = process.env.MUTATE;
if (only && !(only in FOLDERS)) throw new Error(`MUTATE must be one of ${Object.keys(FOLDERS).join(", ")}`);
const part = process.env.MUTATE_PART;
if (part && !(only && /^[a-z0-9-]+$/.test(part) && process.env.MUTATE_FILES)) {
  throw new Error("MUTATE_PART (letters, digits, -) needs MUTATE (the folder) and MUTATE_FILES (its files, comma-separated)");
}
const name = part ? `${only}-${part}` : (only ?? "all");
const folders = only ? [FOLDERS[only]] : Object.values(FOLDERS);
const mutate = part
  ? process.env.MUTATE_FILES.split(",").map((file) => `${FOLDERS[only]}/${file.trim()}`)
  : [...folders.map((f) => `${f}/**/*.ts`), "!app/**/*.tsx"];

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
