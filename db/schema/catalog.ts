// Catalog
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { TARGET_STATUSES, GITHUB_ITEM_KINDS, GITHUB_ITEM_STATES, LINK_SOURCES, TARGET_SUGGESTION_STATUSES } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { createdAt, sqlList } from "./columns";

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
    /** The summary (Markdown) rendered once at write time; null only for rows older than the column (db/migrate.ts fills them). */
    summaryHtml: text("summary_html"),
    /** When an SSC member or admin last changed it in the app; null for a target as the seed wrote it. */
    updatedAt: integer("updated_at"),
    /** Retired targets leave the catalog's default view; their page and bounties stay. */
    retiredAt: integer("retired_at"),
  },
  (t) => [
    index("targets_unrendered_idx")
      .on(t.id)
      .where(sql`${t.summaryHtml} is null`),
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
    /** What this persona can do for this target ("how you can help"); null falls back to the persona's general text. */
    helpText: text("help_text"),
  },
  (t) => [primaryKey({ name: "target_personas_pk", columns: [t.targetId, t.personaSlug] }), index("target_personas_persona_idx").on(t.personaSlug, t.rank)],
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
    /**
     * GitHub's id of the repository: a renamed repository keeps it, so rows are matched by it,
     * not by `repo` (null for rows pasted before GitHub told us about them).
     */
    repoId: integer("repo_id"),
  },
  (t) => [
    uniqueIndex("github_issues_repo_number_unique").on(t.repo, t.number),
    // GitHub repository names are case-insensitive; lookups use lower(repo).
    index("github_issues_lower_repo_number_idx").on(sql`lower(${t.repo})`, t.number),
    index("github_issues_github_id_idx").on(t.githubId),
    // the ladder's "fix merged" rung for many targets at once (app/models/ladder.server.ts)
    index("github_issues_merged_pulls_idx")
      .on(t.id)
      .where(sql`${t.kind} = 'pull' and ${t.state} = 'merged'`),
    // a renamed repository is found by its id: the names its rows carry, read from the index alone
    index("github_issues_repo_id_idx").on(t.repoId, t.repo),
    // rows stored before their repository's id was known (usually none), claimed by name
    index("github_issues_unknown_repo_idx")
      .on(sql`lower(${t.repo})`)
      .where(sql`${t.repoId} is null`),
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

/** A target's upstream repositories (owner/name), in order; position 0 is also kept in targets.repo. */
export const targetRepositories = sqliteTable(
  "target_repositories",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id, { onDelete: "cascade" }),
    repo: text("repo").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ name: "target_repositories_pk", columns: [t.targetId, t.repo] }), index("target_repositories_lower_repo_idx").on(sql`lower(${t.repo})`)],
);

/** What works today where native support is missing: spiffe-helper, Ghostunnel, Envoy SDS, a Helm chart… */
export const targetBridges = sqliteTable(
  "target_bridges",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    url: text("url").notNull(),
    note: text("note"),
    position: integer("position").notNull(),
  },
  (t) => [index("target_bridges_target_idx").on(t.targetId, t.position)],
);

/** Every SPIFFE status a target has had: when, from what, on what evidence, and who said so. Append-only (migration triggers). */
export const targetStatusChanges = sqliteTable(
  "target_status_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
    /** null for the status a target started with. */
    fromStatus: text("from_status", { enum: TARGET_STATUSES }),
    toStatus: text("to_status", { enum: TARGET_STATUSES }).notNull(),
    /** An https link showing the change (a release note, a merged PR, docs); null only for the seed's starting status. */
    evidenceUrl: text("evidence_url"),
    note: text("note"),
    actorUserId: integer("actor_user_id").references(() => users.id),
    actorLabel: text("actor_label").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("target_status_changes_target_idx").on(t.targetId, t.createdAt),
    check("target_status_changes_to_check", sql`${t.toStatus} in (${sqlList(TARGET_STATUSES)})`),
    check("target_status_changes_evidence_check", sql`${t.evidenceUrl} is null or ${t.evidenceUrl} like 'https://%'`),
  ],
);

/** A slug a target used to have: its old links answer with a redirect to the current one. */
export const targetSlugRedirects = sqliteTable("target_slug_redirects", {
  slug: text("slug").primaryKey(),
  targetId: integer("target_id")
    .notNull()
    .references(() => targets.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
});

/** A new target someone signed in suggested; it waits in the proposals queue for an SSC member or admin. */
export const targetSuggestions = sqliteTable(
  "target_suggestions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    category: text("category").notNull(),
    /** Upstream repositories, owner/name, one per line. */
    repos: text("repos").notNull().default(""),
    summary: text("summary").notNull(),
    homepage: text("homepage"),
    status: text("status", { enum: TARGET_SUGGESTION_STATUSES }).notNull().default("proposed"),
    suggestedByUserId: integer("suggested_by_user_id")
      .notNull()
      .references(() => users.id),
    decidedByUserId: integer("decided_by_user_id").references(() => users.id),
    decidedAt: integer("decided_at"),
    declineReason: text("decline_reason"),
    /** The target accepting it created. */
    targetId: integer("target_id").references(() => targets.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("target_suggestions_status_idx").on(t.status, t.createdAt),
    check("target_suggestions_status_check", sql`${t.status} in (${sqlList(TARGET_SUGGESTION_STATUSES)})`),
  ],
);
