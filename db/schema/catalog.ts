// Catalog
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { TARGET_STATUSES, GITHUB_ITEM_KINDS, GITHUB_ITEM_STATES, LINK_SOURCES } from "~/app/lib/vocabulary";
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
