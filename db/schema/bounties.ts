// Bounties
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { AUDIT_SOURCES, BOUNTY_KINDS, BOUNTY_STATUSES, DIFFICULTIES, CLAIM_END_REASONS, BOUNTY_EVENT_TYPES } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { personas, targets } from "./catalog";
import { sqlList } from "./columns";

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
    index("bounties_unrendered_idx")
      .on(t.id)
      .where(sql`${t.descriptionHtml} is null`),
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
  (t) => [primaryKey({ name: "bounty_personas_pk", columns: [t.bountyId, t.personaSlug] }), index("bounty_personas_persona_idx").on(t.personaSlug, t.bountyId)],
);

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
    uniqueIndex("claims_one_active_per_bounty")
      .on(t.bountyId)
      .where(sql`${t.endedAt} is null`),
    index("claims_active_user_idx")
      .on(t.userId)
      .where(sql`${t.endedAt} is null`),
    // GitHub logins are case-insensitive: the active-claims limit counts by lower(login)
    index("claims_active_lower_login_idx")
      .on(sql`lower(${t.githubLogin})`)
      .where(sql`${t.endedAt} is null`),
    index("claims_active_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.endedAt} is null`),
    index("claims_bounty_idx").on(t.bountyId),
    check("claims_claimant_check", sql`${t.userId} is not null or ${t.githubLogin} is not null`),
    check("claims_end_check", sql`(${t.endedAt} is null) = (${t.endReason} is null)`),
  ],
);

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
    // (a "note" is any event carrying text or links a person wrote)
    index("bounty_events_user_writing_idx")
      .on(t.actorUserId, t.createdAt)
      .where(sql`(${t.note} is not null or ${t.linksJson} is not null)`),
    index("bounty_events_login_writing_idx")
      .on(t.actorLabel, t.createdAt)
      .where(sql`${t.actorUserId} is null and (${t.note} is not null or ${t.linksJson} is not null)`),
    // rows still waiting for their rendering (empty once db/migrate.ts has run)
    index("bounty_events_unrendered_idx")
      .on(t.id)
      .where(sql`${t.note} is not null and ${t.noteHtml} is null`),
    uniqueIndex("bounty_events_external_key_unique").on(t.externalKey),
    check("bounty_events_type_check", sql`${t.type} in (${sqlList(BOUNTY_EVENT_TYPES)})`),
  ],
);
