// Generates the benchmark's large database: the app's own migrations and catalog seed,
// then bulk rows through raw prepared statements in large transactions. Deterministic
// from the seed (row contents, ids, names); timestamps are anchored to the time of
// generation so claims are fresh when the server starts.
//
//   npx tsx test/bench/generate.ts <file> [seed]
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { KIND_PERSONAS } from "~/app/lib/bounty-lifecycle";
import { renderMarkdown } from "~/app/lib/markdown.server";
import { BOUNTY_KINDS, PERSONA_SLUGS, type BountyKind, type BountyStatus, type TargetStatus } from "~/db/schema";
import type Database from "better-sqlite3";

/** Totals in the generated database (seed rows included). */
export const SIZES = {
  targets: 2_000,
  bounties: 20_000,
  issues: 200_000,
  deliveries: 500_000,
  ledger: 5_000,
};

/** The target with the most linked issues (the /targets/:slug case). */
export const BIG_TARGET_SLUG = "bench-target-1";
export const BIG_TARGET_ISSUES = 5_000;

export interface GenerateReport {
  file: string;
  seed: number;
  seconds: number;
  rows: Record<string, number>;
}

/** mulberry32: a tiny deterministic PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

const WORDS_A = [
  "Quartz",
  "Nimbus",
  "Harbor",
  "Cobalt",
  "Granite",
  "Juniper",
  "Lumen",
  "Meridian",
  "Onyx",
  "Pioneer",
  "Rivet",
  "Saffron",
  "Tundra",
  "Vector",
  "Willow",
  "Zephyr",
  "Atlas",
  "Beacon",
  "Cinder",
  "Delta",
];
const WORDS_B = [
  "Relay",
  "Vault",
  "Mesh",
  "Queue",
  "Gateway",
  "Store",
  "Scheduler",
  "Proxy",
  "Registry",
  "Broker",
  "Cache",
  "Runner",
  "Operator",
  "Agent",
  "Index",
  "Ledger",
  "Stream",
  "Router",
  "Pipeline",
  "Console",
];
const CATEGORIES = [
  "proxy",
  "service-mesh",
  "networking",
  "runtime",
  "rpc-framework",
  "secrets",
  "messaging",
  "identity",
  "framework",
  "gateway",
  "ci-cd",
  "supply-chain",
  "orchestration",
  "observability",
  "database",
  "kubernetes",
  "authorization",
  "storage",
  "serverless",
  "edge",
];
const TOPICS = [
  "mTLS between workloads",
  "X.509 SVID rotation",
  "JWT-SVID validation",
  "the Workload API socket",
  "federation bundles",
  "SPIFFE ID authorization",
  "trust domain configuration",
  "node attestation",
  "SDS integration",
  "short-lived certificates",
];
const VERBS = ["Support", "Document", "Add tests for", "Package", "Expose", "Validate", "Refactor", "Benchmark", "Translate docs on", "Review"];
const OTHER_LABELS = ["enhancement", "bug", "help wanted", "good first issue", "security", "documentation", "area/tls", "needs-triage"];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function weighted<T>(rand: () => number, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [value, w] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

function uuidFrom(rand: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(rand, ["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
}

/** The repository of a generated target (unique per target, so `club-zero` links to exactly one). */
export function benchRepo(n: number): string {
  return `bench-org-${n % 40}/bench-target-${n}`;
}

/** Runs `fill(i)` for i in [0, n) in transactions of `chunk` rows. */
function chunked(sqlite: Database.Database, n: number, chunk: number, fill: (i: number) => void) {
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    sqlite.transaction(() => {
      for (let i = start; i < end; i++) fill(i);
    })();
  }
}

export async function generate(file: string, seed = 1): Promise<GenerateReport> {
  const started = performance.now();
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });

  // Open, migrate and seed exactly as the app does (app/db.server reads DATABASE_PATH once).
  process.env.DATABASE_PATH = file;
  const dbModule = await import("~/app/db.server");
  const db = dbModule.db.$client.name === file ? dbModule.db : dbModule.openDatabase(file);
  const { runMigrations } = await import("~/db/migrate");
  const { seedCatalog } = await import("~/db/seed");
  runMigrations(db);
  seedCatalog(db);

  const sqlite = db.$client;
  sqlite.pragma("cache_size = -262144"); // 256 MiB for the random-key unique indexes
  const count = (table: string) => (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  const rand = mulberry32(seed);
  const now = Date.now();

  // ---------------------------------------------------------------- targets
  const insertTarget = sqlite.prepare(
    "insert into targets (slug, name, category, status, summary, repo, homepage, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning id",
  );
  const insertTargetPersona = sqlite.prepare("insert into target_personas (target_id, persona_slug, rank) values (?, ?, ?)");
  // a target's upstream repositories: `club-zero` labels link through them (app/models/github.server.ts)
  const insertTargetRepo = sqlite.prepare("insert into target_repositories (target_id, repo, position) values (?, ?, 0)");
  const extraTargets = SIZES.targets - count("targets");
  const targetIds: number[] = []; // index n-1 holds bench-target-n
  chunked(sqlite, extraTargets, 5_000, (i) => {
    const n = i + 1;
    const status = weighted<TargetStatus>(rand, [
      ["requested", 30],
      ["none", 35],
      ["partial", 20],
      ["native", 15],
    ]);
    const topic = pick(rand, TOPICS);
    const name = `${pick(rand, WORDS_A)} ${pick(rand, WORDS_B)} ${n}`;
    const summary =
      `${name} is a ${pick(rand, CATEGORIES)} component used in production by many teams. ` +
      `SPIFFE work here is about ${topic}; status today: ${status}. Contributors are welcome to help with code, docs and packaging.`;
    const repo = benchRepo(n);
    const row = insertTarget.get(
      `bench-target-${n}`,
      name,
      pick(rand, CATEGORIES),
      status,
      summary,
      repo,
      `https://${repo.split("/")[1]}.example.org/`,
      now - Math.floor(rand() * 700) * DAY,
    ) as { id: number };
    targetIds.push(row.id);
    insertTargetRepo.run(row.id, repo);
    const personas = new Set<string>();
    if (rand() < 0.5) personas.add("developer");
    const wanted = 1 + Math.floor(rand() * 3);
    while (personas.size < wanted) personas.add(pick(rand, PERSONA_SLUGS));
    // developer is not always first: its rank varies like any other persona
    const ordered = [...personas].sort(() => rand() - 0.5);
    ordered.forEach((slug, rank) => insertTargetPersona.run(row.id, slug, rank));
  });

  // ---------------------------------------------------------------- github issues + links
  const insertIssue = sqlite.prepare(
    `insert into github_issues (repo, number, kind, title, state, url, created_at, github_id, state_reason, labels_json, assignees_json, author_login, github_updated_at, merged_at, synced_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const insertLink = sqlite.prepare("insert into target_issues (target_id, issue_id, source, created_at) values (?, ?, ?, ?)");
  const extraIssues = SIZES.issues - count("github_issues");
  const nextNumber = new Int32Array(extraTargets + 1).fill(1);
  /** Issues labelled `club-zero` (kind issue), which bounties below are tied to. */
  const bountyIssues: { target: number; repo: string; number: number; title: string }[] = [];
  chunked(sqlite, extraIssues, 50_000, (i) => {
    // bench-target-1 gets the first BIG_TARGET_ISSUES; the rest are skewed towards low numbers
    const n = i < BIG_TARGET_ISSUES ? 1 : 2 + Math.floor(Math.pow(rand(), 1.6) * (extraTargets - 1));
    const repo = benchRepo(n);
    const number = nextNumber[n]!++;
    const kind = rand() < 0.85 ? "issue" : "pull";
    const state =
      kind === "issue"
        ? rand() < 0.55
          ? "open"
          : "closed"
        : weighted(rand, [
            ["open", 30],
            ["merged", 50],
            ["closed", 20],
          ] as const);
    const title = `${pick(rand, VERBS)} ${pick(rand, TOPICS)} (${pick(rand, WORDS_B).toLowerCase()} #${number})`;
    const labels = new Set<string>();
    if (rand() < 0.5) labels.add(pick(rand, OTHER_LABELS));
    const clubZero = kind === "issue" && state === "open" && rand() < 0.06;
    if (clubZero) labels.add("club-zero");
    const created = now - (1 + Math.floor(rand() * 1_000)) * DAY;
    const updated = Math.min(created + Math.floor(rand() * 30) * DAY, now - 3_600_000);
    const row = insertIssue.get(
      repo,
      number,
      kind,
      title,
      state,
      `https://github.com/${repo}/${kind === "pull" ? "pull" : "issues"}/${number}`,
      created,
      100_000_000 + i,
      state === "closed" && kind === "issue" ? (rand() < 0.8 ? "completed" : "not_planned") : null,
      JSON.stringify([...labels]),
      JSON.stringify(rand() < 0.2 ? [`dev${Math.floor(rand() * 5_000)}`] : []),
      `user${Math.floor(rand() * 20_000)}`,
      updated,
      state === "merged" ? updated : null,
      now - Math.floor(rand() * 7) * DAY,
    ) as { id: number };
    insertLink.run(targetIds[n - 1]!, row.id, clubZero ? "label" : "seed", created);
    // about 3% also serve a second target
    if (n !== 1 && rand() < 0.03) {
      const other = 2 + Math.floor(rand() * (extraTargets - 1));
      if (other !== n) insertLink.run(targetIds[other - 1]!, row.id, "manual", created);
    }
    if (clubZero) bountyIssues.push({ target: n, repo, number, title });
  });

  // ---------------------------------------------------------------- bounties, personas, events, claims
  const insertBounty = sqlite.prepare(
    `insert into bounties (target_id, title, description, description_html, kind, difficulty, status, github_repo, github_number, completed_by_github_login, completed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const insertBountyPersona = sqlite.prepare("insert into bounty_personas (bounty_id, persona_slug) values (?, ?)");
  // Markdown is stored with its rendering, as the app writes it (the database refuses less).
  const eventStatement = sqlite.prepare(
    "insert into bounty_events (bounty_id, type, actor_label, source, note, note_html, created_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertEvent = {
    run: (bountyId: number, type: string, label: string, source: string, note: string | null, at: number | null) =>
      eventStatement.run(bountyId, type, label, source, note, note === null ? null : renderMarkdown(note), at),
  };
  const insertClaim = sqlite.prepare(
    "insert into claims (bounty_id, github_login, claimed_at, last_checkin_at, expires_at, ended_at, end_reason) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const extraBounties = SIZES.bounties - count("bounties");
  let claimants = 0;
  chunked(sqlite, extraBounties, 20_000, (i) => {
    const linked = i < bountyIssues.length ? bountyIssues[i]! : null;
    const n = linked ? linked.target : 1 + Math.floor(Math.pow(rand(), 1.4) * extraTargets);
    const kind: BountyKind = linked ? "code" : pick(rand, BOUNTY_KINDS);
    const status = weighted<BountyStatus>(rand, [
      ["open", 45],
      ["claimed", 8],
      ["in_progress", 10],
      ["in_review", 5],
      ["completed", 25],
      ["cancelled", 5],
      ["proposed", 2],
    ]);
    const created = now - (30 + Math.floor(rand() * 600)) * DAY;
    const title = linked ? linked.title : `${pick(rand, VERBS)} ${pick(rand, TOPICS)} for ${pick(rand, WORDS_A)} ${pick(rand, WORDS_B)}`;
    const description = linked
      ? `Tracked on GitHub: [${linked.repo}#${linked.number}](https://github.com/${linked.repo}/issues/${linked.number}). Claim it here or with \`/claim\` in a comment there.`
      : `Help with **${pick(rand, TOPICS)}**.\n\n- Read the upstream docs\n- Propose a change\n- Link your work here as progress\n\nAsk in the SPIFFE Slack if you are stuck.`;
    const login = status === "open" || status === "cancelled" || status === "proposed" ? null : `bench-dev-${claimants++ >> 1}`;
    const completedAt = status === "completed" ? created + Math.floor(rand() * 25) * DAY : null;
    const row = insertBounty.get(
      targetIds[n - 1]!,
      title,
      description,
      renderMarkdown(description),
      kind,
      pick(rand, ["easy", "medium", "hard", null] as const),
      status,
      linked?.repo ?? null,
      linked?.number ?? null,
      status === "completed" ? login : null,
      completedAt,
      created,
      completedAt ?? created,
    ) as { id: number };
    for (const slug of KIND_PERSONAS[kind]) insertBountyPersona.run(row.id, slug);
    insertEvent.run(row.id, status === "proposed" ? "proposed" : "created", "Club Zero bench", "system", null, created);
    if (login) {
      const claimedAt = status === "completed" ? created + DAY : now - Math.floor(rand() * 7) * DAY - 3_600_000;
      const checkin = status === "claimed" ? claimedAt : Math.min(now - 60_000, claimedAt + Math.floor(rand() * 3) * DAY);
      insertEvent.run(row.id, "claimed", `@${login} (GitHub)`, "github", null, claimedAt);
      if (status === "in_progress" || status === "in_review")
        insertEvent.run(row.id, "progress", `@${login} (GitHub)`, "github", "Halfway there: tests pass locally.", checkin);
      if (status === "in_review") insertEvent.run(row.id, "submitted", `@${login} (GitHub)`, "github", null, checkin);
      if (status === "completed") {
        insertClaim.run(row.id, login, claimedAt, claimedAt, claimedAt + 14 * DAY, completedAt, "completed");
        insertEvent.run(row.id, "completed", "@bench-reviewer", "web", "Merged upstream, thanks!", completedAt);
      } else {
        insertClaim.run(row.id, login, claimedAt, checkin, checkin + 14 * DAY, null, null);
      }
    } else if (status === "cancelled") {
      insertEvent.run(row.id, "cancelled", "@bench-reviewer", "web", "Upstream went another way.", created + DAY);
    }
  });

  // ---------------------------------------------------------------- webhook deliveries
  const insertDelivery = sqlite.prepare(
    `insert into webhook_deliveries (delivery_id, event, action, status, error, hook_id, payload, attempts, received_at, processed_at)
     values (?, ?, ?, 'processed', null, 123456, ?, 1, ?, ?)`,
  );
  const extraDeliveries = SIZES.deliveries - count("webhook_deliveries");
  const span = 180 * DAY;
  chunked(sqlite, extraDeliveries, 50_000, (i) => {
    const n = 1 + Math.floor(rand() * extraTargets);
    const repo = benchRepo(n);
    const number = 1 + Math.floor(rand() * 50);
    const received = now - span + Math.floor((i / extraDeliveries) * span);
    const at = new Date(received).toISOString();
    const login = `user${Math.floor(rand() * 20_000)}`;
    const [event, action] = weighted<readonly [string, string]>(rand, [
      [["issues", "labeled"], 20],
      [["issues", "edited"], 15],
      [["issues", "closed"], 10],
      [["issue_comment", "created"], 40],
      [["pull_request", "opened"], 10],
      [["pull_request", "closed"], 5],
    ]);
    const issue = `{"id":${100_000_000 + Math.floor(rand() * SIZES.issues)},"number":${number},"title":"${pick(rand, VERBS)} ${pick(rand, TOPICS)}","state":"open","labels":[{"name":"club-zero"}],"updated_at":"${at}"}`;
    const payload =
      event === "issue_comment"
        ? `{"action":"${action}","issue":${issue},"comment":{"id":${500_000_000 + i},"body":"/progress still on it","user":{"login":"${login}","type":"User"}},"repository":{"full_name":"${repo}"},"sender":{"login":"${login}"}}`
        : event === "pull_request"
          ? `{"action":"${action}","number":${number + 1000},"pull_request":{"id":${700_000_000 + i},"number":${number + 1000},"title":"Fixes #${number}","state":"${action === "closed" ? "closed" : "open"}","merged":${action === "closed"},"updated_at":"${at}"},"repository":{"full_name":"${repo}"},"sender":{"login":"${login}"}}`
          : `{"action":"${action}","issue":${issue},"repository":{"full_name":"${repo}"},"sender":{"login":"${login}"}}`;
    insertDelivery.run(uuidFrom(rand), event, action, payload, received, received + 3 + Math.floor(rand() * 40));
  });

  // ---------------------------------------------------------------- ledger (donations only)
  const insertDonation = sqlite.prepare(
    "insert into ledger_entries (kind, amount_cents, currency, occurred_on, donor, reference, memo, created_at) values ('donation', ?, 'USD', ?, ?, ?, null, ?)",
  );
  const extraLedger = SIZES.ledger - count("ledger_entries");
  const firstDay = Date.UTC(2023, 0, 1);
  const days = Math.floor((now - firstDay) / DAY);
  chunked(sqlite, extraLedger, 5_000, (i) => {
    const occurred = new Date(firstDay + Math.floor((i / extraLedger) * days) * DAY).toISOString().slice(0, 10);
    const amount = Math.round(500 + Math.pow(rand(), 3) * 499_500); // $5 .. $5,000, mostly small
    const donor = rand() < 0.3 ? null : `${pick(rand, WORDS_A)} ${pick(rand, WORDS_B)} ${rand() < 0.2 ? "Inc." : "(individual)"}`;
    insertDonation.run(amount, occurred, donor, `BENCH-LFX-${String(i + 1).padStart(6, "0")}`, now);
  });

  // The raw inserts above bypass the models: fill the per-target issue counts they keep.
  sqlite.exec(`update targets set
    open_issues = (select count(*) from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = targets.id and gi.state = 'open'),
    closed_issues = (select count(*) from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = targets.id and gi.state <> 'open')`);

  const rows: Record<string, number> = {};
  for (const table of [
    "targets",
    "target_personas",
    "github_issues",
    "target_issues",
    "bounties",
    "bounty_personas",
    "bounty_events",
    "claims",
    "webhook_deliveries",
    "ledger_entries",
  ]) {
    rows[table] = count(table);
  }
  rows["issues_of_" + BIG_TARGET_SLUG] = (
    sqlite.prepare("select count(*) as n from target_issues ti join targets t on t.id = ti.target_id where t.slug = ?").get(BIG_TARGET_SLUG) as { n: number }
  ).n;
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  return { file, seed, seconds: (performance.now() - started) / 1000, rows };
}

// CLI: npx tsx test/bench/generate.ts <file> [seed]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, seed] = process.argv.slice(2);
  if (!file) {
    console.error("usage: tsx test/bench/generate.ts <file> [seed]");
    process.exit(2);
  }
  const report = await generate(file, seed ? Number(seed) : 1);
  console.log(JSON.stringify(report));
}
