import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** SPIFFE support status of an integration target, from most to least mature. */
export const TARGET_STATUSES = ["native", "partial", "requested", "none"] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const PERSONA_SLUGS = [
  "end-user",
  "sysadmin",
  "security",
  "distro",
  "packager",
  "documenter",
  "influencer",
  "translator",
  "developer",
  "other",
] as const;
export type PersonaSlug = (typeof PERSONA_SLUGS)[number];

export const GITHUB_ITEM_KINDS = ["issue", "pull"] as const;
export const GITHUB_ITEM_STATES = ["open", "closed", "merged"] as const;
export const LINK_SOURCES = ["seed", "manual", "label"] as const;

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** Quoted list for CHECK constraints built from the TypeScript enums above. */
function sqlList(values: readonly string[]) {
  return sql.raw(values.map((v) => `'${v}'`).join(", "));
}

export const personas = sqliteTable("personas", {
  slug: text("slug").primaryKey(),
  name: text("name").notNull(),
  helpText: text("help_text").notNull(),
  position: integer("position").notNull(),
});

export const targets = sqliteTable(
  "targets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    category: text("category").notNull(),
    status: text("status", { enum: TARGET_STATUSES }).notNull(),
    summary: text("summary").notNull(),
    repo: text("repo"),
    homepage: text("homepage"),
    createdAt: createdAt(),
    /**
     * Linked GitHub items by state, kept by db/issue-counts.ts in the same transaction as
     * every link and state change (the catalog sorts thousands of targets by them).
     */
    openIssues: integer("open_issues").notNull().default(0),
    closedIssues: integer("closed_issues").notNull().default(0),
  },
  (t) => [
    uniqueIndex("targets_slug_unique").on(t.slug),
    index("targets_lower_repo_idx").on(sql`lower(${t.repo})`),
    index("targets_category_idx").on(t.category),
    index("targets_status_idx").on(t.status),
    check("targets_status_check", sql`${t.status} in (${sqlList(TARGET_STATUSES)})`),
  ],
);

/** Which personas a target suits; rank 0 is the persona it suits best. */
export const targetPersonas = sqliteTable(
  "target_personas",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id, { onDelete: "cascade" }),
    personaSlug: text("persona_slug")
      .notNull()
      .references(() => personas.slug),
    rank: integer("rank").notNull(),
  },
  (t) => [
    primaryKey({ name: "target_personas_pk", columns: [t.targetId, t.personaSlug] }),
    index("target_personas_persona_idx").on(t.personaSlug, t.rank),
  ],
);

/** A GitHub issue or pull request, mirrored. One row per (repo, number). */
export const githubIssues = sqliteTable(
  "github_issues",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    repo: text("repo").notNull(),
    number: integer("number").notNull(),
    kind: text("kind", { enum: GITHUB_ITEM_KINDS }).notNull(),
    title: text("title").notNull(),
    state: text("state", { enum: GITHUB_ITEM_STATES }).notNull(),
    url: text("url").notNull(),
    createdAt: createdAt(),
    /** GitHub's numeric id; null for rows seeded or pasted before GitHub told us about them. */
    githubId: integer("github_id"),
    /** `completed`, `not_planned`, `reopened` or null. */
    stateReason: text("state_reason"),
    labelsJson: text("labels_json"),
    assigneesJson: text("assignees_json"),
    authorLogin: text("author_login"),
    /** The payload's `updated_at` (ms): older events never overwrite newer state. */
    githubUpdatedAt: integer("github_updated_at"),
    /** For pull requests: when it was merged. */
    mergedAt: integer("merged_at"),
    /** When a webhook or a sync last told us about it. */
    syncedAt: integer("synced_at"),
  },
  (t) => [
    uniqueIndex("github_issues_repo_number_unique").on(t.repo, t.number),
    // GitHub repository names are case-insensitive; lookups use lower(repo).
    index("github_issues_lower_repo_number_idx").on(sql`lower(${t.repo})`, t.number),
    index("github_issues_github_id_idx").on(t.githubId),
    check("github_issues_kind_check", sql`${t.kind} in (${sqlList(GITHUB_ITEM_KINDS)})`),
    check("github_issues_state_check", sql`${t.state} in (${sqlList(GITHUB_ITEM_STATES)})`),
  ],
);

/** Links a GitHub issue or PR to a target; one issue may serve several targets. */
export const targetIssues = sqliteTable(
  "target_issues",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id, { onDelete: "cascade" }),
    issueId: integer("issue_id")
      .notNull()
      .references(() => githubIssues.id, { onDelete: "cascade" }),
    source: text("source", { enum: LINK_SOURCES }).notNull(),
    createdAt: createdAt(),
    /** The issue's state = 'open', kept by triggers (migration 0014), so a target page lists open work first from an index. */
    open: integer("open", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ name: "target_issues_pk", columns: [t.targetId, t.issueId] }),
    index("target_issues_issue_idx").on(t.issueId),
    // a target page: open first, then the most recently linked (created_at is the link's time)
    index("target_issues_listing_idx").on(t.targetId, t.open, t.createdAt, t.issueId),
    check("target_issues_source_check", sql`${t.source} in (${sqlList(LINK_SOURCES)})`),
  ],
);

// ---------------------------------------------------------------------------
// Accounts, sessions and the audit log

/** Roles a user can be granted. Everyone is a contributor; that role is implicit. */
export const GRANTABLE_ROLES = ["packager", "ssc", "admin"] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
export type Role = "contributor" | GrantableRole;

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Lowercase; see app/schemas/account.ts for the rules. */
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    /** Lowercase. */
    email: text("email").notNull(),
    /** argon2id PHC string; null for accounts that only sign in with GitHub. */
    passwordHash: text("password_hash"),
    githubId: integer("github_id"),
    githubLogin: text("github_login"),
    /** True only when the login came from GitHub sign-in, never when typed in. */
    githubVerified: integer("github_verified", { mode: "boolean" }).notNull().default(false),
    disabledAt: integer("disabled_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_username_unique").on(t.username),
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_github_id_unique").on(t.githubId),
    index("users_github_login_idx").on(sql`lower(${t.githubLogin})`),
  ],
);

export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: GRANTABLE_ROLES }).notNull(),
    grantedAt: integer("granted_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "user_roles_pk", columns: [t.userId, t.role] }),
    check("user_roles_role_check", sql`${t.role} in (${sqlList(GRANTABLE_ROLES)})`),
  ],
);

/**
 * lucia v3 sessions. `expires_at` (seconds) is lucia's sliding expiry; Club Zero adds
 * an idle timeout and an absolute lifetime, both fixed at sign-in from the user's roles.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    idleTimeoutMs: integer("idle_timeout_ms").notNull(),
    absoluteExpiresAt: integer("absolute_expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Failed sign-ins, for throttling. `key` is `account:<username>` or `ip:<address>`. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    failedAt: integer("failed_at").notNull(),
  },
  (t) => [index("login_failures_key_time_idx").on(t.key, t.failedAt)],
);

export const AUDIT_SOURCES = ["web", "cli", "github", "system"] as const;

/** Every decision, with who, what and when. Append-only (triggers in migration 0002). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorUserId: integer("actor_user_id").references(() => users.id),
    /** Who acted, as a person reads it: "@alice", "cli", "github:octocat". */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    beforeJson: text("before_json"),
    afterJson: text("after_json"),
    source: text("source", { enum: AUDIT_SOURCES }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_created_idx").on(t.createdAt),
    check("audit_log_source_check", sql`${t.source} in (${sqlList(AUDIT_SOURCES)})`),
  ],
);

// ---------------------------------------------------------------------------
// Bounties

export const BOUNTY_KINDS = [
  "code",
  "docs",
  "tutorial",
  "packaging",
  "translation",
  "advocacy",
  "security-review",
  "deployment-feedback",
] as const;
export type BountyKind = (typeof BOUNTY_KINDS)[number];

/** See app/lib/bounty-lifecycle.ts for the transitions between them. */
export const BOUNTY_STATUSES = [
  "proposed",
  "declined",
  "open",
  "claimed",
  "in_progress",
  "in_review",
  "completed",
  "cancelled",
] as const;
export type BountyStatus = (typeof BOUNTY_STATUSES)[number];

export const DIFFICULTIES = ["easy", "medium", "hard"] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const bounties = sqliteTable(
  "bounties",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
    title: text("title").notNull(),
    /** Markdown, rendered without raw HTML. */
    description: text("description").notNull(),
    /**
     * `description` rendered once when written (app/models/bounties.server.ts), so a page view
     * never runs markdown-it. Null only until db/migrate.ts fills rows older than the column;
     * a trigger (migration 0018) refuses new rows without it.
     */
    descriptionHtml: text("description_html"),
    kind: text("kind", { enum: BOUNTY_KINDS }).notNull(),
    difficulty: text("difficulty", { enum: DIFFICULTIES }),
    status: text("status", { enum: BOUNTY_STATUSES }).notNull(),
    githubRepo: text("github_repo"),
    githubNumber: integer("github_number"),
    createdByUserId: integer("created_by_user_id").references(() => users.id),
    /** Who gets the credit when it is completed (a user, or a GitHub login without an account). */
    completedByUserId: integer("completed_by_user_id").references(() => users.id),
    completedByGithubLogin: text("completed_by_github_login"),
    completedAt: integer("completed_at"),
    /** Idempotency for the seed: one row per seed key. */
    seedKey: text("seed_key"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("bounties_status_idx").on(t.status, t.createdAt),
    index("bounties_target_idx").on(t.targetId, t.status),
    index("bounties_github_idx").on(sql`lower(${t.githubRepo})`, t.githubNumber),
    uniqueIndex("bounties_seed_key_unique").on(t.seedKey),
    // rows still waiting for their rendering (empty once db/migrate.ts has run)
    index("bounties_unrendered_idx").on(t.id).where(sql`${t.descriptionHtml} is null`),
    check("bounties_kind_check", sql`${t.kind} in (${sqlList(BOUNTY_KINDS)})`),
    check("bounties_status_check", sql`${t.status} in (${sqlList(BOUNTY_STATUSES)})`),
    check("bounties_difficulty_check", sql`${t.difficulty} is null or ${t.difficulty} in (${sqlList(DIFFICULTIES)})`),
  ],
);

export const bountyPersonas = sqliteTable(
  "bounty_personas",
  {
    bountyId: integer("bounty_id")
      .notNull()
      .references(() => bounties.id, { onDelete: "cascade" }),
    personaSlug: text("persona_slug")
      .notNull()
      .references(() => personas.slug),
  },
  (t) => [
    primaryKey({ name: "bounty_personas_pk", columns: [t.bountyId, t.personaSlug] }),
    index("bounty_personas_persona_idx").on(t.personaSlug, t.bountyId),
  ],
);

export const CLAIM_END_REASONS = ["released", "revoked", "expired", "completed", "cancelled"] as const;

/**
 * Claims on bounties. At most one active claim (ended_at is null) per bounty, enforced by
 * a partial unique index, so two simultaneous claims cannot both win.
 */
export const claims = sqliteTable(
  "claims",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    bountyId: integer("bounty_id")
      .notNull()
      .references(() => bounties.id),
    userId: integer("user_id").references(() => users.id),
    /** Set when the claim came from GitHub by a login with no verified Club Zero account. */
    githubLogin: text("github_login"),
    claimedAt: integer("claimed_at").notNull(),
    lastCheckinAt: integer("last_checkin_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    endedAt: integer("ended_at"),
    endReason: text("end_reason", { enum: CLAIM_END_REASONS }),
  },
  (t) => [
    uniqueIndex("claims_one_active_per_bounty").on(t.bountyId).where(sql`${t.endedAt} is null`),
    index("claims_active_user_idx").on(t.userId).where(sql`${t.endedAt} is null`),
    // GitHub logins are case-insensitive: the active-claims limit counts by lower(login)
    index("claims_active_lower_login_idx").on(sql`lower(${t.githubLogin})`).where(sql`${t.endedAt} is null`),
    index("claims_active_expiry_idx").on(t.expiresAt).where(sql`${t.endedAt} is null`),
    index("claims_bounty_idx").on(t.bountyId),
    check("claims_claimant_check", sql`${t.userId} is not null or ${t.githubLogin} is not null`),
    check("claims_end_check", sql`(${t.endedAt} is null) = (${t.endReason} is null)`),
  ],
);

export const BOUNTY_EVENT_TYPES = [
  "proposed",
  "created",
  "accepted",
  "declined",
  "claimed",
  "progress",
  "released",
  "expired",
  "submitted",
  "completed",
  "reopened",
  "cancelled",
  "refused",
  "linked",
] as const;
export type BountyEventType = (typeof BOUNTY_EVENT_TYPES)[number];

/** The public timeline of a bounty. Append-only (triggers in the bounties migration). */
export const bountyEvents = sqliteTable(
  "bounty_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    bountyId: integer("bounty_id")
      .notNull()
      .references(() => bounties.id),
    type: text("type", { enum: BOUNTY_EVENT_TYPES }).notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    actorLabel: text("actor_label").notNull(),
    source: text("source", { enum: AUDIT_SOURCES }).notNull(),
    /** Markdown. */
    note: text("note"),
    /**
     * `note` rendered once when written (app/models/bounties.server.ts `insertBountyEvent`),
     * so a page view never runs markdown-it. Null only until db/migrate.ts fills rows older
     * than the column; triggers (migration 0018) refuse a new note without it and allow this
     * column alone to go from null to HTML once: the timeline stays append-only.
     */
    noteHtml: text("note_html"),
    /** JSON array of URLs attached to a progress note or submission. */
    linksJson: text("links_json"),
    /** Natural key of the outside event that caused this (e.g. a GitHub comment id). */
    externalKey: text("external_key"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // a bounty page reads one page of its timeline, newest first, from this index
    index("bounty_events_bounty_idx").on(t.bountyId, t.id),
    // the note rate limit counts one person's recent notes: a user, or a GitHub login without an account
    index("bounty_events_user_notes_idx").on(t.actorUserId, t.createdAt).where(sql`${t.note} is not null`),
    index("bounty_events_login_notes_idx").on(t.actorLabel, t.createdAt).where(sql`${t.actorUserId} is null and ${t.note} is not null`),
    // rows still waiting for their rendering (empty once db/migrate.ts has run)
    index("bounty_events_unrendered_idx").on(t.id).where(sql`${t.note} is not null and ${t.noteHtml} is null`),
    uniqueIndex("bounty_events_external_key_unique").on(t.externalKey),
    check("bounty_events_type_check", sql`${t.type} in (${sqlList(BOUNTY_EVENT_TYPES)})`),
  ],
);

// ---------------------------------------------------------------------------
// GitHub webhooks

export const DELIVERY_STATUSES = ["processed", "ignored", "invalid", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Every delivery GitHub sent, with its raw body, exactly once per X-GitHub-Delivery. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    event: text("event").notNull(),
    action: text("action"),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    error: text("error"),
    hookId: integer("hook_id"),
    payload: text("payload").notNull(),
    attempts: integer("attempts").notNull().default(1),
    receivedAt: integer("received_at").notNull(),
    processedAt: integer("processed_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_delivery_id_unique").on(t.deliveryId),
    index("webhook_deliveries_received_idx").on(t.receivedAt),
    index("webhook_deliveries_status_idx").on(t.status, t.receivedAt),
    check("webhook_deliveries_status_check", sql`${t.status} in (${sqlList(DELIVERY_STATUSES)})`),
  ],
);

/** Hooks that pinged us (repository or organisation webhooks). */
export const githubHooks = sqliteTable("github_hooks", {
  hookId: integer("hook_id").primaryKey(),
  hookType: text("hook_type"),
  target: text("target"),
  events: text("events"),
  lastPingAt: integer("last_ping_at").notNull(),
});

/** A pull request that references (Fixes #12, …) an issue. Both sides are github_issues rows. */
export const pullLinks = sqliteTable(
  "pull_links",
  {
    pullId: integer("pull_id")
      .notNull()
      .references(() => githubIssues.id, { onDelete: "cascade" }),
    issueId: integer("issue_id")
      .notNull()
      .references(() => githubIssues.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "pull_links_pk", columns: [t.pullId, t.issueId] }), index("pull_links_issue_idx").on(t.issueId)],
);

/** The latest published release of a repository, from `release` webhooks. */
export const repoReleases = sqliteTable("repo_releases", {
  /** owner/name, lowercase. */
  repo: text("repo").primaryKey(),
  tag: text("tag").notNull(),
  name: text("name"),
  url: text("url").notNull(),
  publishedAt: integer("published_at").notNull(),
  receivedAt: integer("received_at").notNull(),
});

// ---------------------------------------------------------------------------
// Packages

export const DISTRIBUTIONS = [
  { slug: "debian", name: "Debian" },
  { slug: "ubuntu", name: "Ubuntu" },
  { slug: "fedora", name: "Fedora" },
  { slug: "epel", name: "EPEL / Enterprise Linux" },
  { slug: "alpine", name: "Alpine" },
  { slug: "arch", name: "Arch / AUR" },
  { slug: "nixpkgs", name: "Nixpkgs" },
  { slug: "homebrew", name: "Homebrew" },
  { slug: "wolfi", name: "Wolfi" },
  { slug: "helm", name: "Helm" },
  { slug: "container", name: "Container images" },
  { slug: "other", name: "Other" },
] as const;
export const DISTRIBUTION_SLUGS = DISTRIBUTIONS.map((d) => d.slug) as unknown as readonly [
  (typeof DISTRIBUTIONS)[number]["slug"],
  ...(typeof DISTRIBUTIONS)[number]["slug"][],
]; // a non-empty tuple for zod enums
export type DistributionSlug = (typeof DISTRIBUTIONS)[number]["slug"];

/** SPIFFE ecosystem software that distributions package. */
export const software = sqliteTable(
  "software",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    repo: text("repo"),
    /** The target packaging bounties for it are filed on. */
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
    /** Latest upstream release (seeded, edited by admins, or from `release` webhooks). */
    latestVersion: text("latest_version"),
    latestVersionAt: integer("latest_version_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("software_slug_unique").on(t.slug), index("software_repo_idx").on(t.repo)],
);

export const packages = sqliteTable(
  "packages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    softwareId: integer("software_id")
      .notNull()
      .references(() => software.id),
    distro: text("distro", { enum: DISTRIBUTION_SLUGS }).notNull(),
    /** e.g. bookworm, el9, 3.20; empty when the package is not tied to a release. */
    release: text("release").notNull().default(""),
    packageName: text("package_name").notNull(),
    version: text("version").notNull(),
    url: text("url"),
    notes: text("notes"),
    maintainerUserId: integer("maintainer_user_id").references(() => users.id),
    /** For packages registered before their maintainer had an account (seed data). */
    maintainerName: text("maintainer_name"),
    retiredAt: integer("retired_at"),
    seedKey: text("seed_key"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // One active entry per software, distribution, release and package name.
    uniqueIndex("packages_identity_unique").on(t.softwareId, t.distro, t.release, t.packageName).where(sql`${t.retiredAt} is null`),
    index("packages_maintainer_idx").on(t.maintainerUserId),
    uniqueIndex("packages_seed_key_unique").on(t.seedKey),
    check("packages_distro_check", sql`${t.distro} in (${sqlList(DISTRIBUTION_SLUGS)})`),
  ],
);

// ---------------------------------------------------------------------------
// The community fund

export const LEDGER_KINDS = ["donation", "reimbursement", "reversal"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * The fund's append-only ledger (triggers refuse UPDATE and DELETE). Donations are +,
 * reimbursements paid are −, a correction is a reversal entry pointing at what it undoes.
 * The balance is the sum of the entries; nothing else stores it.
 */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: LEDGER_KINDS }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    /** YYYY-MM-DD: when the money moved (outside Club Zero). */
    occurredOn: text("occurred_on").notNull(),
    /** Donations: the donor, or null for anonymous. */
    donor: text("donor"),
    /** Donations: the crowdfunding transaction id. Payments: the payment reference. */
    reference: text("reference"),
    expenseId: integer("expense_id").references((): AnySQLiteColumn => expenses.id),
    reversesEntryId: integer("reverses_entry_id").references((): AnySQLiteColumn => ledgerEntries.id),
    memo: text("memo"),
    createdByUserId: integer("created_by_user_id").references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("ledger_entries_amount_integer", sql`typeof(${t.amountCents}) = 'integer'`),
    check("ledger_entries_kind_check", sql`${t.kind} in (${sqlList(LEDGER_KINDS)})`),
    check(
      "ledger_entries_sign_check",
      sql`(${t.kind} = 'donation' and ${t.amountCents} > 0) or (${t.kind} = 'reimbursement' and ${t.amountCents} < 0) or (${t.kind} = 'reversal' and ${t.amountCents} <> 0 and ${t.reversesEntryId} is not null)`,
    ),
    // A crowdfunding transaction is imported once; an expense is paid once; an entry is reversed once.
    uniqueIndex("ledger_entries_donation_reference_unique").on(t.reference).where(sql`${t.kind} = 'donation' and ${t.reference} is not null`),
    uniqueIndex("ledger_entries_expense_payment_unique").on(t.expenseId).where(sql`${t.kind} = 'reimbursement'`),
    uniqueIndex("ledger_entries_reversal_unique").on(t.reversesEntryId),
    index("ledger_entries_occurred_idx").on(t.occurredOn),
    // covers the fund page's per-day totals (an index-only pass, no table reads)
    index("ledger_entries_day_totals_idx").on(t.occurredOn, t.kind, t.amountCents),
  ],
);

export const EXPENSE_KINDS = ["pre_approval", "reimbursement"] as const;
export const EXPENSE_CATEGORIES = ["travel", "lodging", "registration", "event-catering", "swag", "infrastructure", "security-audit", "other"] as const;
export const EXPENSE_STATUSES = ["draft", "submitted", "approved", "rejected", "changes_requested", "paid", "cancelled"] as const;
export type ExpenseStatus = (typeof EXPENSE_STATUSES)[number];
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

export const expenses = sqliteTable(
  "expenses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    requesterUserId: integer("requester_user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: EXPENSE_KINDS }).notNull(),
    title: text("title").notNull(),
    event: text("event").notNull(),
    category: text("category", { enum: EXPENSE_CATEGORIES }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    spentOn: text("spent_on").notNull(),
    description: text("description").notNull(),
    bountyId: integer("bounty_id").references(() => bounties.id),
    targetId: integer("target_id").references(() => targets.id),
    preApprovalId: integer("pre_approval_id").references((): AnySQLiteColumn => expenses.id),
    /** The requester agreed to be named on the public ledger. */
    publicRequester: integer("public_requester", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: EXPENSE_STATUSES }).notNull(),
    /** Each resubmission after "changes requested" is a new round of votes. */
    round: integer("round").notNull().default(1),
    paymentReference: text("payment_reference"),
    paidOn: text("paid_on"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    check("expenses_amount_check", sql`typeof(${t.amountCents}) = 'integer' and ${t.amountCents} > 0`),
    check("expenses_status_check", sql`${t.status} in (${sqlList(EXPENSE_STATUSES)})`),
    check("expenses_category_check", sql`${t.category} in (${sqlList(EXPENSE_CATEGORIES)})`),
    check("expenses_kind_check", sql`${t.kind} in (${sqlList(EXPENSE_KINDS)})`),
    index("expenses_status_idx").on(t.status),
    index("expenses_requester_idx").on(t.requesterUserId),
    index("expenses_bounty_idx").on(t.bountyId),
    index("expenses_target_idx").on(t.targetId),
  ],
);

export const VOTES = ["approve", "reject", "changes"] as const;

export const expenseVotes = sqliteTable(
  "expense_votes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    expenseId: integer("expense_id")
      .notNull()
      .references(() => expenses.id),
    round: integer("round").notNull(),
    voterUserId: integer("voter_user_id")
      .notNull()
      .references(() => users.id),
    vote: text("vote", { enum: VOTES }).notNull(),
    reason: text("reason"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // One vote per member per round: a second click cannot count twice.
    uniqueIndex("expense_votes_one_per_round").on(t.expenseId, t.round, t.voterUserId),
    check("expense_votes_vote_check", sql`${t.vote} in (${sqlList(VOTES)})`),
  ],
);

export const receipts = sqliteTable(
  "receipts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    expenseId: integer("expense_id")
      .notNull()
      .references(() => expenses.id),
    /** 32 random hex characters: the file's name in UPLOADS_DIR. */
    storedName: text("stored_name").notNull(),
    /** Sanitised, for display only. */
    originalName: text("original_name").notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    uploadedByUserId: integer("uploaded_by_user_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("receipts_stored_name_unique").on(t.storedName), index("receipts_expense_idx").on(t.expenseId)],
);
