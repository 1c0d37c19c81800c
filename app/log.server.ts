// Club Zero's log: one JSON object per line (pino), with the time as "at" in UTC. Lines go
// through console.info, so an operator's shipper reads stdout and tests can read them too.
// LOG_LEVEL picks how much (default info). CLUBZERO_QUIET_LOG=1 (tests, the benchmark) leaves
// out the event lines (requests, job runs, sign-ins), not the messages about the server itself.
//
// Never pass passwords, cookies, tokens, secrets or mail bodies in fields: the paths below
// are also censored in case one slips in.
import pino from "pino";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const configured = process.env.LOG_LEVEL;
const level: LogLevel = (LOG_LEVELS as readonly string[]).includes(configured ?? "") ? (configured as LogLevel) : "info";

export const logger = pino(
  {
    level,
    base: { pid: process.pid },
    timestamp: () => `,"at":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        "password",
        "cookie",
        "authorization",
        "token",
        "secret",
        "body",
        "*.password",
        "*.cookie",
        "*.authorization",
        "*.token",
        "*.secret",
        "headers.cookie",
      ],
      censor: "[redacted]",
    },
  },
  {
    write(line: string) {
      console.info(line.endsWith("\n") ? line.slice(0, -1) : line);
    },
  },
);

/** A structured event line: `event` names what happened, `fields` the facts. */
export function logEvent(event: string, fields: Record<string, string | number | boolean | null | undefined> = {}, level: "info" | "warn" | "error" = "info") {
  if (process.env.CLUBZERO_QUIET_LOG === "1") return;
  logger[level]({ event, ...fields });
}
