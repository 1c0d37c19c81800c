// GitHub webhooks
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DELIVERY_STATUSES, PULL_RELATIONS } from "~/app/lib/vocabulary";
import { githubIssues } from "./catalog";
import { sqlList } from "./columns";

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

/**
 * A pull request that references an issue. Both sides are github_issues rows. `fixes`: a
 * closing keyword (Fixes #12) in the body of a PR into the repository's default branch, as
 * GitHub links it; `related`: any other mention (a bare link, a PR into another branch).
 */
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
    relation: text("relation", { enum: PULL_RELATIONS }).notNull().default("fixes"),
  },
  (t) => [
    primaryKey({ name: "pull_links_pk", columns: [t.pullId, t.issueId] }),
    index("pull_links_issue_idx").on(t.issueId),
    check("pull_links_relation_check", sql`${t.relation} in (${sqlList(PULL_RELATIONS)})`),
  ],
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
