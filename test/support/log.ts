// Reads the structured security log (app/log.server.ts) the way an operator's log shipper
// would: one JSON object per console.info line. Integration tests run with
// CLUBZERO_QUIET_LOG=1 (per-file-db.ts); this turns the log back on for one test.
import { vi } from "vitest";

export interface LogLine {
  at: string;
  event: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  /** Every line written since capture started, parsed. */
  lines(): LogLine[];
  /** The lines of one event. */
  events(event: string): LogLine[];
  stop(): void;
}

export function captureLog(): CapturedLog {
  const quiet = process.env.CLUBZERO_QUIET_LOG;
  delete process.env.CLUBZERO_QUIET_LOG;
  const written: string[] = [];
  // console is Node's, not ours: this only keeps the lines off the test output.
  const spy = vi.spyOn(console, "info").mockImplementation((line: unknown) => {
    written.push(String(line));
  });
  // Every line also says its level and process id (pino's); the tests compare the facts.
  const lines = () =>
    written.map((l) => {
      const { level: _level, pid: _pid, ...facts } = JSON.parse(l) as LogLine;
      return facts as LogLine;
    });
  return {
    lines,
    events: (event) => lines().filter((l) => l.event === event),
    stop() {
      spy.mockRestore();
      if (quiet === undefined) delete process.env.CLUBZERO_QUIET_LOG;
      else process.env.CLUBZERO_QUIET_LOG = quiet;
    },
  };
}
