import fs from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { LOG_LEVELS } from "./log.server";

/** Express's `trust proxy`: false (no proxy), a hop count, or addresses/CIDR ranges/named ranges. */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_RULE =
  "must be a number of proxies in front of the app (e.g. 1), or addresses and CIDR ranges separated by commas (e.g. 127.0.0.1,10.0.0.0/8), or loopback";
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/**
 * "1" → 1 hop ("0" → none); "127.0.0.1, 10.0.0.0/8" → a list; anything else → null.
 * "true" (trust every address) is refused on purpose: any client could pick its own address.
 */
function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim();
  if (/^\d{1,3}$/.test(text)) return Number(text) || false;
  const entries = text.split(",").map((e) => e.trim());
  return entries.every(isProxyAddress) ? entries : null;
}

const SMTP_URL_RULE = "must be a URL such as smtp://user:password@mail.example.org:587 (STARTTLS) or smtps://user:password@mail.example.org:465";
const MAIL_FROM_PATTERN = /^(?:[^<>\r\n]{1,100} <[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/** smtp:// or smtps:// with a host; null for anything else. */
export function parseSmtpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "" ? url : null;
  } catch {
    return null;
  }
}

/** A TCP port, 1 to 65535. */
function port() {
  const rule = "must be a whole number from 1 to 65535";
  return z.coerce.number({ error: rule }).int(rule).min(1, rule).max(65535, rule);
}

/** A whole number of `unit` from min to max, with a message that says so. */
function wholeNumber(unit: string, min: number, max: number) {
  const rule = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
}

/**
 * Configuration, read once from the environment. A bad value stops start-up with a
 * message naming the variable, rather than failing later in some request.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port().default(3000),
  HOST: z.string().min(1).optional(),
  DATABASE_PATH: z.string().min(1, "must be a file path").default("./data/club-zero.sqlite"),
  /** How long a claim lasts without a check-in. */
  CLAIM_DAYS: z.coerce
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(365, "must be at most 365")
    .default(14),
  /** How many bounties one person may hold at once. */
  MAX_ACTIVE_CLAIMS: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(3),
  /** HMAC secret of the GitHub webhook; without it /webhooks/github answers 503. */
  GITHUB_WEBHOOK_SECRET: z.string().min(32, "must be at least 32 characters (use 32+ random bytes, e.g. openssl rand -hex 32)").optional(),
  /** The previous secret, still accepted while a rotation is under way. */
  GITHUB_WEBHOOK_SECRET_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
  /** Optional GitHub token: lets Club Zero fetch an issue's state when it is linked, and `npm run github:sync`. */
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** The GitHub App (the recommended setup): its id, and its private key as PEM text or a file holding it. */
  GITHUB_APP_ID: z.coerce
    .number({ error: "must be the App ID shown on the app's settings page (a number)" })
    .int("must be a whole number")
    .positive()
    .optional(),
  GITHUB_APP_PRIVATE_KEY: z
    .string()
    // a key pasted into one line of an env file has "\n" where its line breaks were
    .transform((value) => value.replace(/\\n/g, "\n"))
    .refine((value) => /-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(value), "must be the PEM private key downloaded from the app's settings page")
    .optional(),
  GITHUB_APP_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** Minutes between scheduled syncs of linked GitHub issues (fractions allowed); 0 turns the sync off. */
  GITHUB_SYNC_MINUTES: z.coerce
    .number({ error: "must be a number of minutes (0 turns the sync off)" })
    .min(0, "must be 0 (off) or more")
    .max(1440, "must be at most 1440 (a day)")
    .default(15),
  /** Minutes between searches for upstream issues mentioning SPIFFE/SPIRE (the "Suggested issues" queue); 0 turns it off. */
  GITHUB_DISCOVERY_MINUTES: z.coerce
    .number({ error: "must be a number of minutes (0 turns discovery off)" })
    .min(0, "must be 0 (off) or more")
    .max(10_080, "must be at most 10080 (a week)")
    .default(1440),
  /**
   * Answer GitHub comment commands with a comment on the issue (needs a token or the GitHub
   * App to post). `off` queues no replies.
   */
  GITHUB_REPLIES: z.enum(["on", "off"], { error: "must be on or off" }).default("on"),
  FUND_NAME: z.string().min(1).max(100).default("Travel & Conference Fund"),
  FUND_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD")
    .default("USD"),
  /** Approvals from distinct SSC members that approve an expense. */
  SSC_QUORUM: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10, "must be at most 10")
    .default(2),
  /** Where receipts are stored: outside public/ and build/, never served statically. */
  UPLOADS_DIR: z.string().min(1).default("./data/uploads"),
  /**
   * 1 seeds a made-up fund history for demonstrations. Never the default, and refused with
   * NODE_ENV=production (below), so demo money can never land in a real ledger.
   */
  SEED_DEMO: z.enum(["0", "1"], { error: "must be 0 or 1" }).default("0"),
  /**
   * Which proxies' X-Forwarded-For to believe (express `trust proxy`). Unset: none, so the
   * client's address (sign-in throttling, logs) is the socket's.
   */
  TRUST_PROXY: z
    .string()
    .refine((value) => parseTrustProxy(value) !== null, TRUST_PROXY_RULE)
    .transform((value): TrustProxy => parseTrustProxy(value) ?? false)
    .default(false),
  /** The origin browsers use to reach the app; cross-site POSTs are refused against it. */
  APP_ORIGIN: z.url({ error: "must be an origin such as https://clubzero.example.org" }).optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where GitHub's OAuth pages live; tests point it at a local server. */
  GITHUB_OAUTH_URL: z.url({ error: "must be a URL" }).default("https://github.com"),
  /** GitHub's REST API; tests point it at a local server. */
  GITHUB_API_URL: z.url({ error: "must be a URL" }).default("https://api.github.com"),
  /**
   * Where mail leaves: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465
   * (TLS from the start). Unset: mail is held in the outbox for admins to read.
   */
  SMTP_URL: z
    .string()
    .refine((value) => parseSmtpUrl(value) !== null, SMTP_URL_RULE)
    .optional(),
  /** The From of every mail, `Club Zero <noreply@example.org>` or a bare address. */
  MAIL_FROM: z.string().regex(MAIL_FROM_PATTERN, "must be an address such as noreply@example.org or Club Zero <noreply@example.org>").optional(),
  /** How often the outbox job looks for mail to send. */
  OUTBOX_POLL_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(100, "must be at least 100")
    .max(3_600_000, "must be at most 3600000 (an hour)")
    .default(5_000),
  /** How long a job's lease (and a message being sent) lasts without renewal: a dead holder's work is taken over after it. */
  JOB_LEASE_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(1_000, "must be at least 1000")
    .max(3_600_000, "must be at most 3600000 (an hour)")
    .default(60_000),
  /** Server processes on the one port (node's cluster); background jobs still run in one at a time. */
  WEB_CONCURRENCY: wholeNumber("processes", 1, 64).default(1),
  /** Memory for anonymous pages rendered once and served until the data changes; 0 turns the page cache off. */
  PAGE_CACHE_MB: wholeNumber("megabytes", 0, 4096).default(32),
  /** How long a CDN in front may serve an anonymous page without asking again (s-maxage); 0: it must always ask. */
  CDN_MAX_AGE_SECONDS: wholeNumber("seconds", 0, 3600).default(5),
  /** Where the `backup` job writes verified copies of the database and receipts; unset: no scheduled backups. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Hours between scheduled backups; unset: 24 with BACKUP_DIR, else 0 (off). */
  BACKUP_HOURS: wholeNumber("hours", 0, 8760).optional(),
  /** How many of its own backups the job keeps in BACKUP_DIR; older ones are removed. */
  BACKUP_KEEP: wholeNumber("backups", 1, 1000).default(14),
  /** How much the JSON log says: fatal, error, warn, info (one line per request and job run), debug, trace or silent. */
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  /** Bearer token that opens /metrics on the main port; unset, /metrics is not served there. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (e.g. openssl rand -hex 16)").optional(),
  /** A second port, on 127.0.0.1 only, that serves /metrics without a token (for a local Prometheus or agent). */
  METRICS_PORT: port().optional(),
  /** On SIGTERM/SIGINT: how long requests in flight and running jobs get to finish before the process exits anyway. */
  SHUTDOWN_SECONDS: wholeNumber("seconds", 1, 300).default(10),
  /** Hours between package syncs from the sources (Repology, Helm, OCI registry, GitHub releases); 0 turns the job off. */
  PACKAGES_SYNC_HOURS: z.coerce
    .number({ error: "must be a number of hours (0 turns the sync off)" })
    .min(0, "must be 0 (off) or more")
    .max(720, "must be at most 720 (30 days)")
    .default(24),
  /** Repology's site; its API is under /api/v1. Tests point these three at local servers. */
  REPOLOGY_URL: z.url({ error: "must be a URL" }).default("https://repology.org"),
  /** The Helm chart repository whose index.yaml lists the SPIFFE charts. */
  HELM_REPO_URL: z.url({ error: "must be a URL" }).default("https://spiffe.github.io/helm-charts-hardened"),
  /** The OCI registry the SPIFFE images are on (its /v2/ API). */
  OCI_REGISTRY_URL: z.url({ error: "must be a URL" }).default("https://ghcr.io"),
});

/** Variables whose values are never repeated in a message (they may carry passwords). */
const SECRET_VARIABLES = new Set([
  "METRICS_TOKEN",
  "SMTP_URL",
  "GITHUB_WEBHOOK_SECRET",
  "GITHUB_WEBHOOK_SECRET_PREVIOUS",
  "GITHUB_CLIENT_SECRET",
  "GITHUB_TOKEN",
  "GITHUB_APP_PRIVATE_KEY",
]);

export type Env = Omit<z.infer<typeof EnvSchema>, "BACKUP_HOURS"> & { APP_ORIGIN: string; MAIL_FROM: string; BACKUP_HOURS: number };

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** A PEM key read from a file, or null when it cannot be read or is not one. */
function readKeyFile(file: string): string | null {
  try {
    const text = fs.readFileSync(file, "utf8");
    return /-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/** Parses an environment; throws EnvError listing every bad variable by name. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set" (e.g. `PORT= npm start`), so defaults apply.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (result.success) {
    const data = result.data;
    const problems: string[] = [];
    if (Boolean(data.GITHUB_CLIENT_ID) !== Boolean(data.GITHUB_CLIENT_SECRET)) {
      problems.push("GITHUB_CLIENT_SECRET: GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together");
    }
    if (data.GITHUB_APP_PRIVATE_KEY && data.GITHUB_APP_PRIVATE_KEY_FILE) {
      problems.push("GITHUB_APP_PRIVATE_KEY_FILE: set GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, not both");
    }
    let appKey = data.GITHUB_APP_PRIVATE_KEY;
    if (data.GITHUB_APP_PRIVATE_KEY_FILE && !appKey) {
      appKey = readKeyFile(data.GITHUB_APP_PRIVATE_KEY_FILE) ?? undefined;
      if (!appKey)
        problems.push(`GITHUB_APP_PRIVATE_KEY_FILE=${JSON.stringify(data.GITHUB_APP_PRIVATE_KEY_FILE)}: must be a readable file holding a PEM private key`);
    }
    if (Boolean(data.GITHUB_APP_ID) !== Boolean(data.GITHUB_APP_PRIVATE_KEY || data.GITHUB_APP_PRIVATE_KEY_FILE)) {
      problems.push("GITHUB_APP_ID: GITHUB_APP_ID and a private key (GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE) must be set together");
    }
    data.GITHUB_APP_PRIVATE_KEY = appKey;
    if (data.SEED_DEMO === "1" && data.NODE_ENV === "production") {
      problems.push(
        "SEED_DEMO=1: demo fund history is never seeded with NODE_ENV=production (the ledger is append-only: demo money could never be taken out again); unset SEED_DEMO",
      );
    }
    if (data.BACKUP_HOURS !== undefined && data.BACKUP_HOURS > 0 && !data.BACKUP_DIR) {
      problems.push(`BACKUP_HOURS=${data.BACKUP_HOURS}: scheduled backups need BACKUP_DIR, the folder to write them to`);
    }
    if (problems.length > 0) throw new EnvError(problems);
    const origin = new URL(data.APP_ORIGIN ?? `http://localhost:${data.PORT}`).origin;
    return {
      ...data,
      APP_ORIGIN: origin,
      MAIL_FROM: data.MAIL_FROM ?? `Club Zero <noreply@${new URL(origin).hostname}>`,
      BACKUP_HOURS: data.BACKUP_HOURS ?? (data.BACKUP_DIR ? 24 : 0),
    };
  }
  throw new EnvError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const shown = SECRET_VARIABLES.has(name) ? "(hidden)" : JSON.stringify(source[name] ?? "");
      return `${name}=${shown}: ${issue.message}`;
    }),
  );
}

function loadEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

export const env = loadEnv();
