// `npm run bench`: builds the app, generates (or reuses) a large database, starts the
// production server and drives it with autocannon from this machine, next to two
// ceilings (a bare node:http page server and a bare HMAC-check-and-insert webhook
// receiver). Prints a table, the goals as met / not met, and writes test/bench/results.json.
//
// Two more cases measure the framework's own floor in the same server: a resource route
// (/healthz: one `select 1`, JSON) and the smallest page (/login). They have no goals; they
// show what any request costs before a page does its own work.
//
// Environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (10), BENCH_WARMUP (s, 2),
// BENCH_SEED (1), BENCH_WEBHOOK_ISSUES (300), BENCH_SKIP_BUILD=1, BENCH_KEEP=1 (keep the temp dir),
// BENCH_CASES=targets,target,bounties,fund,webhook,floor (a subset), BENCH_PROFILE=1 (run the
// server with --cpu-prof into test/bench/profiles/; `node test/bench/profile-top.mjs <file>`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon, { type AutocannonRequest, type AutocannonResult } from "autocannon";
import Database from "better-sqlite3";
import { commentEvent, issuesEvent } from "../support/github-webhooks";
import { freePort, rssOf } from "../support/server";
import { BIG_TARGET_SLUG, SIZES } from "./generate";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, "../..");
const serverEntry = path.join(repoRoot, "build/server/index.js");
const resultsFile = path.join(benchDir, "results.json");

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${JSON.stringify(v)}: must be a positive number`);
  return n;
};
const DURATION = num("BENCH_DURATION", 10);
const CONNECTIONS = Math.round(num("BENCH_CONNECTIONS", 10));
const WARMUP = num("BENCH_WARMUP", 2);
const SEED = Math.round(num("BENCH_SEED", 1));
const WEBHOOK_ISSUES = Math.round(num("BENCH_WEBHOOK_ISSUES", 300));
const CASE_KEYS = ["targets", "target", "bounties", "fund", "signed-in", "webhook", "floor"] as const;
const ONLY = (process.env.BENCH_CASES ?? "")
  .split(",")
  .map((k) => k.trim())
  .filter(Boolean);
for (const key of ONLY)
  if (!(CASE_KEYS as readonly string[]).includes(key)) throw new Error(`BENCH_CASES: unknown case ${JSON.stringify(key)} (known: ${CASE_KEYS.join(", ")})`);
const PROFILE = process.env.BENCH_PROFILE === "1";
const profileDir = path.join(benchDir, "profiles");

/** The node flags of `npm run serve` (package.json), so the bench runs the server as production does. */
function serveFlags(): string[] {
  const serve: string = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).scripts.serve;
  const m = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+\.\/build\/server\/index\.js\b/.exec(serve);
  if (!m) throw new Error(`package.json's serve script does not run node ./build/server/index.js: ${serve}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}
const CACHE_MAX_AGE_MS = 3 * 86_400_000; // generated claims stay fresh for about a week

const GOALS = {
  pageRps: 3_000,
  pageRatio: 0.3,
  pageP99Ms: 20,
  pageHtmlBytes: 100 * 1024,
  /** Signed-in pages: three times what the same pages did before the page cache (issue #19's table). */
  signedInRps: { bounties: 3 * 191, target: 3 * 126 } as Record<string, number>,
  webhookRps: 1_000,
  webhookP99Ms: 100,
  webhookRatio: 0.35,
  rssBytes: 250 * 1024 * 1024,
};
/** Server processes (WEB_CONCURRENCY): one per core unless BENCH_WORKERS says otherwise. */
const WORKERS = Math.round(num("BENCH_WORKERS", os.cpus().length));
/** Webhook deliveries per second sent while the page cases run, so the cache is measured under writes. */
const BACKGROUND_WRITES_PER_S = num("BENCH_BACKGROUND_WRITES", 5);

const wallStart = performance.now();
const children = new Set<ChildProcess>();
const log = (msg: string) => console.log(`[bench ${((performance.now() - wallStart) / 1000).toFixed(1).padStart(6)}s] ${msg}`);

function killChildren() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
process.on("exit", killChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------- processes

interface Proc {
  child: ChildProcess;
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

async function startProcess(label: string, args: string[], env: Record<string, string>, readyText: string): Promise<Proc> {
  let output = "";
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in 120 s:\n${output}`)), 120_000);
    const check = () => {
      if (output.includes(readyText)) {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}:\n${output}`));
    };
    child.stdout?.on("data", check);
    child.once("exit", onExit);
  });
  return {
    child,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
}

/** Samples the largest VmRSS of a process and its workers every 100 ms; `mark()` starts a new window for a case's peak. */
function rssSampler(pid: number) {
  let overall = 0;
  let window = 0;
  let tree = processTree(pid); // looked up again at each mark: a replaced worker has a new pid
  const sample = () => {
    try {
      const rss = Math.max(...tree.map((p) => rssOf(p)));
      overall = Math.max(overall, rss);
      window = Math.max(window, rss);
    } catch {
      // the process is gone
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    mark: () => {
      sample();
      tree = processTree(pid);
      window = 0;
      sample();
    },
    windowPeak: () => (sample(), window),
    overallPeak: () => overall,
    stop: () => clearInterval(timer),
  };
}

/** The process and its children (the cluster's workers). */
function processTree(pid: number): number[] {
  const children = fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...children];
}

const CLK_TCK = 100; // Linux USER_HZ
/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    total += (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  }
  return total;
}

// ---------------------------------------------------------------------------- measuring

interface Metrics {
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  bytesPerResponse: number;
  peakRssBytes: number;
  cpuPercent: number;
  /** Server CPU time per completed request: steadier than req/s on a machine whose other tenants vary. */
  cpuMsPerRequest: number;
  durationS: number;
}

async function measure(url: string, request: AutocannonRequest, pid: number, sampler: ReturnType<typeof rssSampler>): Promise<Metrics> {
  const common = { url, connections: CONNECTIONS, pipelining: 1, timeout: 20 };
  await autocannon({ ...common, duration: WARMUP, requests: [request] });
  sampler.mark();
  const cpuBefore = cpuSeconds(pid);
  const r: AutocannonResult = await autocannon({ ...common, duration: DURATION, requests: [request] });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const completed = r.requests.total;
  return {
    rps: r["2xx"] / r.duration,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    bytesPerResponse: completed > 0 ? Math.round(r.throughput.total / completed) : 0,
    peakRssBytes: sampler.windowPeak(),
    cpuPercent: (cpu / r.duration) * 100,
    cpuMsPerRequest: completed > 0 ? (cpu * 1000) / completed : 0,
    durationS: r.duration,
  };
}

// ---------------------------------------------------------------------------- webhooks

interface HookIssue {
  repo: string;
  number: number;
  githubId: number;
  title: string;
}

/** Open, unlabelled issues of generated targets (not the big one) with no bounty yet. */
function pickWebhookIssues(dbFile: string, n: number): HookIssue[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `select gi.repo, gi.number, gi.github_id as githubId, gi.title
         from github_issues gi
         join target_issues ti on ti.issue_id = gi.id
         join targets t on t.id = ti.target_id and lower(t.repo) = lower(gi.repo)
         where t.slug like 'bench-target-%' and t.slug <> ? and gi.kind = 'issue' and gi.state = 'open'
           and gi.labels_json not like '%club-zero%'
           and not exists (select 1 from bounties b where lower(b.github_repo) = lower(gi.repo) and b.github_number = gi.number)
         order by gi.id
         limit ?`,
      )
      .all(BIG_TARGET_SLUG, n) as HookIssue[];
    if (rows.length < n) throw new Error(`only ${rows.length} issues fit the webhook case (wanted ${n})`);
    return rows;
  } finally {
    db.close();
  }
}

/**
 * Signed GitHub deliveries, one new delivery id per request. For each issue in turn:
 * `issues.labeled` with `club-zero` (creates the bounty), then `/claim` by one login,
 * then `/progress <note>` comments by that login. Bodies come from GitHub's own examples
 * (test/support/github-webhooks.ts), stringified once per issue; per request only the
 * delivery id, comment id, times and note change, and the signature covers the exact body.
 */
function webhookTraffic(issues: HookIssue[], secret: string) {
  const HOLE = { updated: "__BENCH_UPDATED__", cid: "__BENCH_CID__", body: "__BENCH_BODY__" };
  const templates = issues.map((issue, i) => {
    const spec = { repo: issue.repo, number: issue.number, id: issue.githubId, title: issue.title, labels: ["club-zero"], updatedAt: HOLE.updated };
    const labeled = JSON.stringify(issuesEvent("labeled", spec, "bench-maintainer"));
    const comment = commentEvent(spec, { id: 0, body: HOLE.body, login: `bench-hook-dev-${i}`, createdAt: HOLE.updated });
    (comment.comment as Record<string, unknown>).id = HOLE.cid;
    return { labeled, comment: JSON.stringify(comment) };
  });
  const sent = new Set<string>();
  const acked = new Set<string>();
  const outcomes: Record<string, number> = {};
  let seq = 0;
  const base = Date.now();

  const request: AutocannonRequest = {
    method: "POST",
    path: "/webhooks/github",
    setupRequest: (req, context) => {
      const n = seq++;
      const i = n % issues.length;
      const round = Math.floor(n / issues.length);
      const t = templates[i]!;
      const at = new Date(base + n * 10).toISOString();
      let event: string;
      let body: string;
      if (round === 0) {
        event = "issues";
        body = t.labeled.replaceAll(HOLE.updated, at);
      } else {
        event = "issue_comment";
        const text = round === 1 ? "/claim" : `Rebased on main.\\n/progress Bench check-in ${round - 1}: tests pass on the SPIRE 1.x matrix`;
        body = t.comment
          .replaceAll(HOLE.updated, at)
          .replace(`"${HOLE.cid}"`, String(900_000_000_000 + n))
          .replace(HOLE.body, text);
      }
      const id = crypto.randomUUID();
      sent.add(id);
      context.deliveryId = id;
      return {
        ...req,
        body,
        headers: {
          "Content-Type": "application/json",
          "X-GitHub-Event": event,
          "X-GitHub-Delivery": id,
          "X-GitHub-Hook-ID": "123456",
          "X-Hub-Signature-256": `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`,
          "User-Agent": "GitHub-Hookshot/bench",
        },
      };
    },
    onResponse: (status, body, context) => {
      if (status === 200 && typeof context.deliveryId === "string") acked.add(context.deliveryId);
      const key = status === 200 ? (/"duplicate":true/.test(body) ? "200 duplicate" : (/"outcome":"(\w+)"/.exec(body)?.[1] ?? "200")) : String(status);
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    },
  };
  return { request, sent, acked, outcomes };
}

/** Counts rows in webhook_deliveries for the ids sent, through a read-only handle. */
function countRecorded(dbFile: string, sent: Set<string>, acked: Set<string>) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const ids = JSON.stringify([...sent]);
    const rows = db.prepare("select delivery_id as id, status from webhook_deliveries where delivery_id in (select value from json_each(?))").all(ids) as {
      id: string;
      status: string;
    }[];
    const distinct = new Set(rows.map((r) => r.id));
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const ackedMissing = [...acked].filter((id) => !distinct.has(id)).length;
    return {
      sent: sent.size,
      acked200: acked.size,
      recorded: rows.length,
      distinctRecorded: distinct.size,
      duplicates: rows.length - distinct.size,
      ackedMissing,
      byStatus,
    };
  } finally {
    db.close();
  }
}

/**
 * While a page case runs: signed `issues.labeled` deliveries at a steady rate, each making a
 * new bounty (so each one changes what the board shows and moves the data version).
 */
function backgroundWrites(appUrl: string, issues: HookIssue[], secret: string) {
  let sent = 0;
  let ok = 0;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const issue = issues[sent++ % issues.length]!;
    const spec = { repo: issue.repo, number: issue.number, id: issue.githubId, title: issue.title, labels: ["club-zero"], updatedAt: new Date().toISOString() };
    const body = JSON.stringify(issuesEvent(sent <= issues.length ? "labeled" : "edited", spec, "bench-maintainer"));
    const p = fetch(`${appUrl}/webhooks/github`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": crypto.randomUUID(),
        "X-Hub-Signature-256": `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`,
      },
    })
      .then((res) => {
        if (res.status === 200) ok++;
        return res.arrayBuffer();
      })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 1000 / BACKGROUND_WRITES_PER_S);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return ok;
    },
  };
}

// ---------------------------------------------------------------------------- database

function cacheKey(): string {
  const hash = crypto.createHash("sha256");
  const files = [
    path.join(benchDir, "generate.ts"),
    path.join(repoRoot, "db/seed.ts"),
    path.join(repoRoot, "db/migrations/meta/_journal.json"),
    ...fs.readdirSync(path.join(repoRoot, "db/seed")).map((f) => path.join(repoRoot, "db/seed", f)),
  ];
  for (const f of files) hash.update(fs.readFileSync(f));
  return hash.digest("hex").slice(0, 8);
}

function ensureDatabase(): { cache: string; generated: boolean; seconds: number; report: unknown } {
  const cache = path.join(os.tmpdir(), `club-zero-bench-${SEED}-${cacheKey()}.sqlite`);
  const fresh = fs.existsSync(cache) && Date.now() - fs.statSync(cache).mtimeMs < CACHE_MAX_AGE_MS;
  if (fresh) {
    log(`reusing generated database ${cache}`);
    return { cache, generated: false, seconds: 0, report: null };
  }
  const tmp = `${cache}.tmp-${process.pid}`;
  log(
    `generating ${SIZES.targets} targets, ${SIZES.bounties} bounties, ${SIZES.issues} issues, ${SIZES.deliveries} deliveries, ${SIZES.ledger} ledger entries (seed ${SEED})`,
  );
  const started = performance.now();
  const r = spawnSync(path.join(repoRoot, "node_modules/.bin/tsx"), [path.join(benchDir, "generate.ts"), tmp, String(SEED)], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, CLUBZERO_QUIET_LOG: "1" },
  });
  if (r.status !== 0) throw new Error(`generation failed (exit ${r.status}):\n${r.stdout}`);
  for (const suffix of ["-wal", "-shm"]) fs.rmSync(tmp + suffix, { force: true });
  fs.renameSync(tmp, cache);
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  log(`generated in ${seconds.toFixed(1)} s: ${JSON.stringify(report.rows)}`);
  return { cache, generated: true, seconds, report };
}

// ---------------------------------------------------------------------------- output

const mb = (b: number) => b / 1024 / 1024;
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Goal {
  case: string;
  goal: string;
  value: string;
  met: boolean;
}

// ---------------------------------------------------------------------------- main

async function main() {
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    totalMemoryMB: Math.round(mb(os.totalmem())),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAvgAtStart: os.loadavg(),
  };
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${fmt(machine.totalMemoryMB)} MB, Node ${machine.node}`);
  log(
    `settings: duration ${DURATION} s, warm-up ${WARMUP} s, ${CONNECTIONS} connections, seed ${SEED}, ${WORKERS} server processes, ${BACKGROUND_WRITES_PER_S} writes/s during page cases`,
  );

  // 1. build
  let buildSeconds = 0;
  if (process.env.BENCH_SKIP_BUILD === "1") {
    log("skipping the build (BENCH_SKIP_BUILD=1)");
  } else {
    log("building: npm run build");
    const started = performance.now();
    const r = spawnSync("npm", ["run", "build"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    buildSeconds = (performance.now() - started) / 1000;
    log(`built in ${buildSeconds.toFixed(1)} s`);
  }
  if (!fs.existsSync(serverEntry)) throw new Error("build/server/index.js is missing");

  // 2. database: generated once per seed (cached), copied fresh per run
  const db = ensureDatabase();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-bench-run-"));
  const dbFile = path.join(work, "club-zero.sqlite");
  fs.copyFileSync(db.cache, dbFile);
  // The webhook case's issues, then the ones the background writes label during the page cases.
  const BACKGROUND_ISSUES = 300;
  const allHookIssues = pickWebhookIssues(dbFile, WEBHOOK_ISSUES + BACKGROUND_ISSUES);
  const hookIssues = allHookIssues.slice(0, WEBHOOK_ISSUES);
  const backgroundIssues = allHookIssues.slice(WEBHOOK_ISSUES);
  const reader = { username: "bench-reader", password: "bench reader passphrase" };
  const made = spawnSync(path.join(repoRoot, "node_modules/.bin/tsx"), [path.join(repoRoot, "db/cli/user-add.ts"), reader.username], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, DATABASE_PATH: dbFile, CLUBZERO_PASSWORD: reader.password, CLUBZERO_QUIET_LOG: "1" },
  });
  if (made.status !== 0) throw new Error(`user:add ${reader.username} failed: ${made.stderr}`);

  type Kind = "page" | "signed-in" | "webhook" | "floor";
  const allCases: { key: string; name: string; kind: Kind; path: string; goalKey?: string }[] = [
    { key: "targets", name: "targets (developer, relevance)", kind: "page", path: "/targets?persona=developer&sort=relevance" },
    { key: "target", name: `target ${BIG_TARGET_SLUG}`, kind: "page", path: `/targets/${BIG_TARGET_SLUG}` },
    { key: "bounties", name: "bounties (open)", kind: "page", path: "/bounties?status=open" },
    { key: "fund", name: "fund", kind: "page", path: "/fund" },
    { key: "signed-in", name: "bounties (open), signed in", kind: "signed-in", path: "/bounties?status=open", goalKey: "bounties" },
    { key: "signed-in", name: `target ${BIG_TARGET_SLUG}, signed in`, kind: "signed-in", path: `/targets/${BIG_TARGET_SLUG}`, goalKey: "target" },
    { key: "webhook", name: "webhook (labeled, /claim, /progress)", kind: "webhook", path: "/webhooks/github" },
    { key: "floor", name: "floor: resource route /healthz", kind: "floor", path: "/healthz" },
    { key: "floor", name: "floor: smallest page /login", kind: "floor", path: "/login" },
  ];
  const cases = allCases.filter((c) => ONLY.length === 0 || ONLY.includes(c.key));

  // 3. the app server
  const secret = crypto.randomBytes(32).toString("hex");
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  log(`starting the production server (node ${serveFlags().join(" ")})`);
  if (PROFILE) fs.mkdirSync(profileDir, { recursive: true });
  const app = await startProcess(
    "the server",
    [...serveFlags(), ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), serverEntry],
    {
      NODE_ENV: "production",
      PORT: String(appPort),
      HOST: "127.0.0.1",
      APP_ORIGIN: appUrl,
      DATABASE_PATH: dbFile,
      UPLOADS_DIR: path.join(work, "uploads"),
      GITHUB_WEBHOOK_SECRET: secret,
      SEED_DEMO: "0",
      CLUBZERO_QUIET_LOG: "1",
      // measured without the package sync asking the public sources
      PACKAGES_SYNC_HOURS: "0",
      WEB_CONCURRENCY: String(WORKERS),
    },
    "is listening on",
  );
  if (WORKERS > 1) await new Promise((r) => setTimeout(r, 2_000)); // the other workers start listening
  const appRss = rssSampler(app.pid);
  const login = await fetch(`${appUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: appUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(reader),
  });
  if (login.status !== 302) throw new Error(`signing in as ${reader.username} answered ${login.status}`);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const headersFor = (kind: Kind): Record<string, string> => (kind === "signed-in" ? { Cookie: cookie } : {});
  const manifestKey = (kind: Kind, p: string) => (kind === "signed-in" ? `cookie:${p}` : p);
  log(`server pid ${app.pid}, RSS after start ${fmt(mb(rssOf(app.pid)), 1)} MB`);

  // 4. capture each page once (status, bytes) for the goals and for the bare page server
  const manifest: Record<string, string> = {};
  const bodyBytes: Record<string, number> = {};
  for (const [i, c] of cases.entries()) {
    if (c.kind === "webhook") continue;
    const started = performance.now();
    const res = await fetch(appUrl + c.path, { headers: headersFor(c.kind) });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${c.path} answered ${res.status}: ${bytes.toString("utf8").slice(0, 500)}`);
    const file = path.join(work, `page-${i}.html`);
    fs.writeFileSync(file, bytes);
    manifest[manifestKey(c.kind, c.path)] = file;
    bodyBytes[manifestKey(c.kind, c.path)] = bytes.length;
    log(`${c.path}: 200, ${fmt(bytes.length)} bytes, first request ${fmt(performance.now() - started, 1)} ms`);
  }
  const manifestFile = path.join(work, "pages.json");
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));

  // 5. the ceilings, each its own process
  const barePagePort = await freePort();
  const barePage = await startProcess(
    "bare page server",
    [path.join(benchDir, "bare-page.mjs")],
    { PORT: String(barePagePort), BENCH_PAGES: manifestFile },
    "is listening on",
  );
  const bareHookPort = await freePort();
  const bareHook = await startProcess(
    "bare webhook receiver",
    [path.join(benchDir, "bare-webhook.mjs")],
    { PORT: String(bareHookPort), GITHUB_WEBHOOK_SECRET: secret, DATABASE_PATH: path.join(work, "bare-webhook.sqlite") },
    "is listening on",
  );
  const barePageRss = rssSampler(barePage.pid);
  const bareHookRss = rssSampler(bareHook.pid);

  // 6. the cases, each followed by its ceiling
  const results: {
    case: string;
    path: string;
    kind: Kind;
    goalKey?: string;
    htmlBytes: number | null;
    /** Webhook deliveries that changed the data while a page case ran (each one empties the page cache). */
    backgroundWrites?: number;
    app: Metrics;
    ceiling: Metrics & { what: string };
    ratio: number;
    ingest?: ReturnType<typeof countRecorded> & { outcomes: Record<string, number> };
  }[] = [];
  for (const c of cases) {
    log(`case: ${c.name} (${c.path})`);
    if (c.kind !== "webhook") {
      const request: AutocannonRequest = { method: "GET", path: c.path, headers: headersFor(c.kind) };
      const writes = c.kind === "floor" ? null : backgroundWrites(appUrl, backgroundIssues, secret);
      const appM = await measure(appUrl, request, app.pid, appRss);
      const backgroundWritten = writes ? await writes.stop() : undefined;
      const ceil = await measure(`http://127.0.0.1:${barePagePort}`, request, barePage.pid, barePageRss);
      results.push({
        case: c.name,
        path: c.path,
        kind: c.kind,
        goalKey: c.goalKey,
        backgroundWrites: backgroundWritten,
        htmlBytes: bodyBytes[manifestKey(c.kind, c.path)]!,
        app: appM,
        ceiling: { ...ceil, what: "bare node:http, same response bytes" },
        ratio: appM.rps / ceil.rps,
      });
    } else {
      const traffic = webhookTraffic(hookIssues, secret);
      const appM = await measure(appUrl, traffic.request, app.pid, appRss);
      await new Promise((r) => setTimeout(r, 1_000)); // let requests in flight at the stop finish
      const ingest = { ...countRecorded(dbFile, traffic.sent, traffic.acked), outcomes: traffic.outcomes };
      const bareTraffic = webhookTraffic(hookIssues, secret);
      const ceil = await measure(`http://127.0.0.1:${bareHookPort}`, bareTraffic.request, bareHook.pid, bareHookRss);
      results.push({
        case: c.name,
        path: c.path,
        kind: c.kind,
        htmlBytes: null,
        app: appM,
        ceiling: { ...ceil, what: "bare node:http, HMAC check + SQLite insert (WAL, synchronous=FULL)" },
        ratio: appM.rps / ceil.rps,
        ingest,
      });
    }
    const last = results.at(-1)!;
    log(`  app ${fmt(last.app.rps)} req/s p99 ${fmt(last.app.p99Ms, 1)} ms | ceiling ${fmt(last.ceiling.rps)} req/s | ratio ${fmt(last.ratio * 100, 1)}%`);
  }

  const appPeakRss = appRss.overallPeak();
  const serverOutput = app.output();
  appRss.stop();
  barePageRss.stop();
  bareHookRss.stop();
  await app.stop();
  if (PROFILE) {
    const newest = fs
      .readdirSync(profileDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => path.join(profileDir, f))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    log(
      newest
        ? `CPU profile: ${path.relative(repoRoot, newest)} (node test/bench/profile-top.mjs ${path.relative(repoRoot, newest)})`
        : "no CPU profile was written",
    );
  }
  await barePage.stop();
  await bareHook.stop();

  // 7. goals
  const goals: Goal[] = [];
  for (const r of results) {
    if (r.kind === "floor") continue;
    const errorsNote = r.app.non2xx + r.app.errors > 0 ? ` (${r.app.non2xx} non-2xx, ${r.app.errors} errors)` : "";
    if (r.kind === "page") {
      const writesNote = ` with ${r.backgroundWrites ?? 0} writes during the run`;
      goals.push({
        case: r.case,
        goal: `≥ ${fmt(GOALS.pageRps)} req/s`,
        value: `${fmt(r.app.rps)} req/s${errorsNote}${writesNote}`,
        met: r.app.rps >= GOALS.pageRps && r.app.non2xx + r.app.errors === 0,
      });
      goals.push({ case: r.case, goal: "≥ 30% of the bare ceiling", value: `${fmt(r.ratio * 100, 1)}%`, met: r.ratio >= GOALS.pageRatio });
      goals.push({ case: r.case, goal: `p99 < ${GOALS.pageP99Ms} ms`, value: `${fmt(r.app.p99Ms, 1)} ms`, met: r.app.p99Ms < GOALS.pageP99Ms });
      goals.push({ case: r.case, goal: "HTML < 100 KB", value: `${fmt(r.htmlBytes! / 1024, 1)} KB`, met: r.htmlBytes! < GOALS.pageHtmlBytes });
    } else if (r.kind === "signed-in") {
      const goal = GOALS.signedInRps[r.goalKey!]!;
      goals.push({
        case: r.case,
        goal: `≥ ${fmt(goal)} req/s (3× before the cache)`,
        value: `${fmt(r.app.rps)} req/s${errorsNote}`,
        met: r.app.rps >= goal && r.app.non2xx + r.app.errors === 0,
      });
    } else {
      goals.push({
        case: r.case,
        goal: `≥ ${fmt(GOALS.webhookRps)} req/s`,
        value: `${fmt(r.app.rps)} req/s${errorsNote}`,
        met: r.app.rps >= GOALS.webhookRps && r.app.non2xx + r.app.errors === 0,
      });
      goals.push({ case: r.case, goal: `p99 < ${GOALS.webhookP99Ms} ms`, value: `${fmt(r.app.p99Ms, 1)} ms`, met: r.app.p99Ms < GOALS.webhookP99Ms });
      goals.push({ case: r.case, goal: "≥ 35% of the bare receiver", value: `${fmt(r.ratio * 100, 1)}%`, met: r.ratio >= GOALS.webhookRatio });
      const g = r.ingest!;
      goals.push({
        case: r.case,
        goal: "no delivery lost or duplicated",
        value: `sent ${fmt(g.sent)}, acked 200 ${fmt(g.acked200)}, recorded ${fmt(g.recorded)}, duplicates ${g.duplicates}, acked but missing ${g.ackedMissing}`,
        met: g.duplicates === 0 && g.ackedMissing === 0 && g.recorded === g.sent,
      });
    }
  }
  goals.push({ case: "server", goal: "peak RSS < 250 MB", value: `${fmt(mb(appPeakRss), 1)} MB`, met: appPeakRss < GOALS.rssBytes });

  // 8. print
  const header = [
    "case",
    "req/s",
    "p50 ms",
    "p99 ms",
    "bytes/resp",
    "peak RSS MB",
    "CPU %",
    "CPU ms/req",
    "ceiling req/s",
    "ceil p99",
    "ceil CPU ms/req",
    "ceil RSS MB",
    "ratio",
    "non-2xx/err",
  ];
  const rows = results.map((r) => [
    r.case,
    fmt(r.app.rps),
    fmt(r.app.p50Ms, 1),
    fmt(r.app.p99Ms, 1),
    fmt(r.app.bytesPerResponse),
    fmt(mb(r.app.peakRssBytes), 1),
    fmt(r.app.cpuPercent),
    fmt(r.app.cpuMsPerRequest, 2),
    fmt(r.ceiling.rps),
    fmt(r.ceiling.p99Ms, 1),
    fmt(r.ceiling.cpuMsPerRequest, 3),
    fmt(mb(r.ceiling.peakRssBytes), 1),
    `${fmt(r.ratio * 100, 1)}%`,
    `${r.app.non2xx}/${r.app.errors}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  console.log();
  const ingest = results.find((r) => r.ingest)?.ingest;
  if (ingest) {
    console.log(
      `webhook ingest: sent ${fmt(ingest.sent)}, acked 200 ${fmt(ingest.acked200)}, recorded ${fmt(ingest.recorded)} (${JSON.stringify(ingest.byStatus)}), duplicates ${ingest.duplicates}, acked but missing ${ingest.ackedMissing}; responses ${JSON.stringify(ingest.outcomes)}`,
    );
  }
  console.log(`server peak RSS over the whole run: ${fmt(mb(appPeakRss), 1)} MB`);
  console.log();
  console.log("Goals (2-core machine):");
  for (const g of goals) console.log(`  ${g.met ? "met    " : "NOT MET"}  ${g.case}: ${g.goal} — ${g.value}`);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  console.log();
  console.log(`total wall time ${fmt(wallSeconds, 1)} s (build ${fmt(buildSeconds, 1)} s, generation ${db.generated ? `${fmt(db.seconds, 1)} s` : "cached"})`);

  // 9. results.json
  const out = {
    at: new Date().toISOString(),
    machine,
    settings: {
      durationS: DURATION,
      warmupS: WARMUP,
      connections: CONNECTIONS,
      pipelining: 1,
      seed: SEED,
      webhookIssues: WEBHOOK_ISSUES,
      workers: WORKERS,
      backgroundWritesPerS: BACKGROUND_WRITES_PER_S,
      sizes: SIZES,
    },
    database: { cache: db.cache, generated: db.generated, generationSeconds: db.generated ? db.seconds : null, generationReport: db.report },
    buildSeconds,
    wallSeconds,
    serverPeakRssBytes: appPeakRss,
    cases: results,
    goals,
    serverOutputTail: serverOutput.slice(-4_000),
  };
  fs.writeFileSync(resultsFile, JSON.stringify(out, null, 2) + "\n");
  console.log(`results: ${path.relative(process.cwd(), resultsFile) || resultsFile}`);

  if (process.env.BENCH_KEEP === "1") log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  killChildren();
  process.exit(1);
});
