// Mutation testing (npm run test:mutation): StrykerJS mutates the code of app/models, app/github,
// app/auth and app/lib and runs the in-process tests (test/vitest.mutation.config.ts) against each
// mutant. MUTATE=auth|github|lib|models runs one folder (each keeps its own incremental file, so
// a re-run only tests the mutants whose code or tests changed); unset, all four.
const FOLDERS = { models: "app/models", github: "app/github", auth: "app/auth", lib: "app/lib" };
const only = process.env.MUTATE;
if (only && !(only in FOLDERS)) throw new Error(`MUTATE must be one of ${Object.keys(FOLDERS).join(", ")}`);
const name = only ?? "all";
const folders = only ? [FOLDERS[only]] : Object.values(FOLDERS);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "test/vitest.mutation.config.ts" },
  mutate: [...folders.map((f) => `${f}/**/*.ts`), "!app/**/*.tsx"],
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
