// The scheduled GitHub sync's place in each repository, and the GitHub App's installations.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { SUGGESTION_STATUSES } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { targets } from "./catalog";
import { sqlList } from "./columns";

/**
 * One row per repository with a linked issue or PR (app/github/sync.server.ts). The sync
 * lists the repository's issues changed `since` the cursor, conditionally (etag /
 * last-modified), and keeps its place (`pending_url`) when GitHub's rate limit stops it.
 */
export const githubSyncRepos = sqliteTable(
  "github_sync_repos",
  {
    /** owner/name, lowercase (GitHub's names are case-insensitive). */
    repo: text("repo").primaryKey(),
    /** ISO time passed as `since`; null until the repository's items were first fetched one by one. */
    sinceCursor: text("since_cursor"),
    /** ETag and Last-Modified of the answer to the `since` listing, sent back so an unchanged answer is a 304. */
    etag: text("etag"),
    lastModified: text("last_modified"),
    /** A listing interrupted between pages (rate limit): the next page's URL, and the newest `updated_at` seen so far. */
    pendingUrl: text("pending_url"),
    pendingMaxUpdated: text("pending_max_updated"),
    /** When a sync of this repository last completed (its data is current as of then). */
    lastSyncedAt: integer("last_synced_at"),
    lastAttemptAt: integer("last_attempt_at"),
    lastError: text("last_error"),
    lastErrorAt: integer("last_error_at"),
    /** GitHub asked us to wait (rate limit, Retry-After) until then. */
    nextAllowedAt: integer("next_allowed_at"),
    /** Answers from GitHub in the last run: full (200) and unchanged (304). */
    lastRunFull: integer("last_run_full").notNull().default(0),
    lastRunNotModified: integer("last_run_not_modified").notNull().default(0),
  },
  (t) => [index("github_sync_repos_synced_idx").on(t.lastSyncedAt)],
);

/** Installations of Club Zero's GitHub App, from `installation` webhooks. */
export const githubInstallations = sqliteTable("github_installations", {
  installationId: integer("installation_id").primaryKey(),
  account: text("account").notNull(),
  accountType: text("account_type"),
  /** `all` or `selected`. */
  repositorySelection: text("repository_selection"),
  suspendedAt: integer("suspended_at"),
  /** Set when the app was uninstalled (the row stays for the record). */
  deletedAt: integer("deleted_at"),
  updatedAt: integer("updated_at").notNull(),
});

/** Repositories an installation can reach, from `installation` and `installation_repositories` webhooks. */
export const githubInstallationRepos = sqliteTable(
  "github_installation_repos",
  {
    installationId: integer("installation_id")
      .notNull()
      .references(() => githubInstallations.installationId, { onDelete: "cascade" }),
    repoId: integer("repo_id").notNull(),
    fullName: text("full_name").notNull(),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [primaryKey({ name: "github_installation_repos_pk", columns: [t.installationId, t.repoId] })],
);

/** Discovery's place per upstream repository (GitHub's search API, its own 30-a-minute limit). */
export const githubDiscoveryRepos = sqliteTable("github_discovery_repos", {
  /** owner/name, lowercase. */
  repo: text("repo").primaryKey(),
  lastSearchedAt: integer("last_searched_at"),
  lastError: text("last_error"),
  lastErrorAt: integer("last_error_at"),
  nextAllowedAt: integer("next_allowed_at"),
});

/**
 * An open upstream issue or PR that mentions SPIFFE, SPIRE or workload identity, suggested for a
 * target whose upstream repository it is in. One row per (target, issue) forever: a dismissed one
 * is never suggested again.
 */
export const githubSuggestions = sqliteTable(
  "github_suggestions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id, { onDelete: "cascade" }),
    repo: text("repo").notNull(),
    number: integer("number").notNull(),
    kind: text("kind", { enum: ["issue", "pull"] }).notNull(),
    githubId: integer("github_id").notNull(),
    title: text("title").notNull(),
    url: text("url").notNull(),
    authorLogin: text("author_login"),
    labelsJson: text("labels_json"),
    githubUpdatedAt: integer("github_updated_at").notNull(),
    foundAt: integer("found_at").notNull(),
    status: text("status", { enum: SUGGESTION_STATUSES }).notNull().default("suggested"),
    decidedByUserId: integer("decided_by_user_id").references(() => users.id),
    decidedAt: integer("decided_at"),
  },
  (t) => [
    uniqueIndex("github_suggestions_target_issue_unique").on(t.targetId, sql`lower(${t.repo})`, t.number),
    index("github_suggestions_status_idx").on(t.status, t.foundAt),
    check("github_suggestions_status_check", sql`${t.status} in (${sqlList(SUGGESTION_STATUSES)})`),
    check("github_suggestions_kind_check", sql`${t.kind} in ('issue', 'pull')`),
  ],
);
