import { sql } from "drizzle-orm";
import {
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
  },
  (t) => [
    uniqueIndex("targets_slug_unique").on(t.slug),
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
  },
  (t) => [
    uniqueIndex("github_issues_repo_number_unique").on(t.repo, t.number),
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
  },
  (t) => [
    primaryKey({ name: "target_issues_pk", columns: [t.targetId, t.issueId] }),
    index("target_issues_issue_idx").on(t.issueId),
    check("target_issues_source_check", sql`${t.source} in (${sqlList(LINK_SOURCES)})`),
  ],
);
