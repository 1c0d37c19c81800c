// Tutorials and their translations. A translation is a tutorial row in another language that
// points at its source (`source_tutorial_id`), so both share one lifecycle, one revision
// history and one set of review rules.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { TUTORIAL_STATUSES } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { bounties } from "./bounties";
import { personas, targets } from "./catalog";
import { sqlList } from "./columns";

export const tutorials = sqliteTable(
  "tutorials",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The URL name of a tutorial in its source language; translations use their source's. */
    slug: text("slug"),
    /** For a translation: the tutorial it translates. */
    sourceTutorialId: integer("source_tutorial_id").references((): AnySQLiteColumn => tutorials.id),
    /** A canonical BCP 47 tag (Intl.getCanonicalLocales). */
    lang: text("lang").notNull(),
    status: text("status", { enum: TUTORIAL_STATUSES }).notNull(),
    /** The newest revision: what readers see once it is published. */
    currentRevisionId: integer("current_revision_id"),
    /** The tutorial bounty its publication completes (source tutorials only). */
    bountyId: integer("bounty_id").references(() => bounties.id),
    createdByUserId: integer("created_by_user_id").references(() => users.id),
    /** Who wrote a seeded tutorial, for tutorials no account wrote. */
    creditLine: text("credit_line"),
    firstPublishedAt: integer("first_published_at"),
    publishedAt: integer("published_at"),
    publishedByUserId: integer("published_by_user_id").references(() => users.id),
    unpublishedReason: text("unpublished_reason"),
    seedKey: text("seed_key"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("tutorials_slug_unique")
      .on(t.slug)
      .where(sql`${t.sourceTutorialId} is null`),
    uniqueIndex("tutorials_translation_unique")
      .on(t.sourceTutorialId, t.lang)
      .where(sql`${t.sourceTutorialId} is not null`),
    uniqueIndex("tutorials_seed_key_unique").on(t.seedKey),
    index("tutorials_published_idx").on(t.status, t.firstPublishedAt),
    check("tutorials_status_check", sql`${t.status} in (${sqlList(TUTORIAL_STATUSES)})`),
    // a source tutorial has a slug; a translation has a source and no slug of its own
    check("tutorials_slug_or_source_check", sql`(${t.sourceTutorialId} is null) = (${t.slug} is not null)`),
    check("tutorials_unpublished_reason_check", sql`${t.status} <> 'unpublished' or ${t.unpublishedReason} is not null`),
  ],
);

/**
 * Every save of a tutorial or translation: append-only (triggers in the migration). A
 * translation's revision records the source revision it was made from.
 */
export const tutorialRevisions = sqliteTable(
  "tutorial_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tutorialId: integer("tutorial_id")
      .notNull()
      .references(() => tutorials.id),
    /** 1, 2, 3… per tutorial. */
    number: integer("number").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    body: text("body").notNull(),
    /** `body` rendered once when saved (app/lib/markdown.server.ts renderTutorialMarkdown). */
    bodyHtml: text("body_html").notNull(),
    /** The table of contents: [{ level, id, text }]. */
    tocJson: text("toc_json").notNull(),
    /** What changed, in the author's words. */
    note: text("note"),
    sourceRevisionId: integer("source_revision_id").references((): AnySQLiteColumn => tutorialRevisions.id),
    authorUserId: integer("author_user_id").references(() => users.id),
    authorLabel: text("author_label").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("tutorial_revisions_number_unique").on(t.tutorialId, t.number), index("tutorial_revisions_author_idx").on(t.authorUserId)],
);

export const tutorialTargets = sqliteTable(
  "tutorial_targets",
  {
    tutorialId: integer("tutorial_id")
      .notNull()
      .references(() => tutorials.id),
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
  },
  (t) => [primaryKey({ name: "tutorial_targets_pk", columns: [t.tutorialId, t.targetId] }), index("tutorial_targets_target_idx").on(t.targetId, t.tutorialId)],
);

export const tutorialPersonas = sqliteTable(
  "tutorial_personas",
  {
    tutorialId: integer("tutorial_id")
      .notNull()
      .references(() => tutorials.id),
    personaSlug: text("persona_slug")
      .notNull()
      .references(() => personas.slug),
  },
  (t) => [primaryKey({ name: "tutorial_personas_pk", columns: [t.tutorialId, t.personaSlug] })],
);
