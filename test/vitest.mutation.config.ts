// The suite StrykerJS runs against each mutant (npm run test:mutation): unit and in-process
// integration tests. Tests that start build/server/index.js are left out: they run the built
// bundle, which Stryker does not mutate, so they could never kill a mutant and only cost time.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const SERVER_PROCESS_TESTS = [
  "test/integration/*-server.test.ts",
  ...["crash-safety", "github-oauth", "server-start"].map((name) => `test/integration/${name}.test.ts`),
];

export default defineConfig({
  root,
  // "~/…" is the repository root (tsconfig.json paths)
  resolve: { alias: [{ find: /^~\//, replacement: `${root}/` }] },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], exclude: ["test/unit/summary-reporter.test.ts", "test/unit/lint.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          exclude: SERVER_PROCESS_TESTS,
          globalSetup: ["test/support/template-db.ts"],
          setupFiles: ["test/support/per-file-db.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
