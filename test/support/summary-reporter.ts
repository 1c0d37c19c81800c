import type { Reporter, SerializedError, TestCase, TestModule } from "vitest/node";

/**
 * Ends the run with the plain line CI reads: "N passed, N failed[, N skipped]".
 *
 * A test that never ran because its setup failed (a `beforeAll` that threw in its suite or
 * any suite above it, or in the file) counts as failed: vitest reports such a test as
 * skipped, which would let a broken setup pass for a skip. Only tests skipped on purpose
 * (`it.skip`, `it.todo`, a filter) count as skipped.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>) {
    const counts = countResults(testModules);
    // An error outside any test (a crashed setup, an unhandled rejection) fails the run too.
    counts.failed += unhandledErrors.length;
    const { passed, failed, skipped } = counts;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}

export function countResults(testModules: ReadonlyArray<TestModule>) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const mod of testModules) {
    for (const test of mod.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") passed++;
      else if (state === "failed" || setupFailed(test)) failed++;
      else skipped++;
    }
    // A file that failed to load has no tests but is still a failure.
    if (mod.state() === "failed" && !mod.children.size) failed++;
  }
  return { passed, failed, skipped };
}

/** True when a suite around this test (or its file) has errors of its own: a failed hook. */
function setupFailed(test: TestCase): boolean {
  if (test.options.mode === "skip" || test.options.mode === "todo") return false;
  for (let parent = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return true;
    if (parent.type === "module") return false;
  }
}
