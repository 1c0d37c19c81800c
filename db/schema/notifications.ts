// Background jobs, the outbox, notifications, preferences and watches
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { NOTIFICATION_DELIVERIES, NOTIFICATION_KINDS, OUTBOX_CHANNELS, OUTBOX_STATES, WATCH_SUBJECTS } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { sqlList } from "./columns";

/**
 * One row per background job: its lease (which process may run it, until when) and its
 * health. Several server processes may share the database; the lease, taken in a
 * BEGIN IMMEDIATE transaction, lets one of them run a job at a time.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    name: text("name").primaryKey(),
    /** `host:pid:random` of the process holding the lease; null when released. */
    holder: text("holder"),
    /** The lease is the holder's until then (ms); after it, any process may take it. */
    leaseUntil: integer("lease_until").notNull().default(0),
    nextRunAt: integer("next_run_at").notNull().default(0),
    lastStartedAt: integer("last_started_at"),
    lastFinishedAt: integer("last_finished_at"),
    lastSuccessAt: integer("last_success_at"),
    lastError: text("last_error"),
    lastErrorAt: integer("last_error_at"),
    runs: integer("runs").notNull().default(0),
    failures: integer("failures").notNull().default(0),
  },
  (t) => [check("jobs_counts_check", sql`${t.runs} >= 0 and ${t.failures} >= 0 and ${t.failures} <= ${t.runs}`)],
);

/**
 * Messages waiting to leave, queued in the transaction of the event that causes them and
 * delivered by the outbox job. `idempotency_key` is unique: one message per recipient and event.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel", { enum: OUTBOX_CHANNELS }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    recipientUserId: integer("recipient_user_id").references(() => users.id),
    /** An email address (channel email), or the channel's own address. */
    recipient: text("recipient").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** Extra headers as a JSON object (List-Unsubscribe, …). */
    headersJson: text("headers_json"),
    /** Fixed when queued, so a message sent again after a crash carries the same Message-ID. */
    messageId: text("message_id").notNull(),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    /** While `sending`: the sender's lease; past it, the send is presumed crashed and retried. */
    leaseUntil: integer("lease_until"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_idempotency_key_unique").on(t.idempotencyKey),
    index("outbox_due_idx").on(t.state, t.nextAttemptAt),
    index("outbox_created_idx").on(t.createdAt),
    check("outbox_channel_check", sql`${t.channel} in (${sqlList(OUTBOX_CHANNELS)})`),
    check("outbox_state_check", sql`${t.state} in (${sqlList(OUTBOX_STATES)})`),
    check("outbox_attempts_check", sql`${t.attempts} >= 0`),
  ],
);

/** What a person is told in the app (/notifications); mail is queued beside it in the outbox. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    /** The event, e.g. `expense:12:round:1:vote`; one notification per person and event. */
    eventKey: text("event_key").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** A path on APP_ORIGIN: the page that needs the person. */
    link: text("link").notNull(),
    createdAt: integer("created_at").notNull(),
    readAt: integer("read_at"),
    /** True until the daily digest has carried it (only for kinds the person wants as a digest). */
    digestPending: integer("digest_pending", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("notifications_user_event_unique").on(t.userId, t.eventKey),
    index("notifications_user_created_idx").on(t.userId, t.createdAt),
    // the header's unread count reads only this index
    index("notifications_unread_idx")
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    index("notifications_digest_idx")
      .on(t.userId, t.createdAt)
      .where(sql`${t.digestPending} = 1`),
    check("notifications_kind_check", sql`${t.kind} in (${sqlList(NOTIFICATION_KINDS)})`),
  ],
);

/** A person's choice for one kind; no row means the kind's default. */
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    delivery: text("delivery", { enum: NOTIFICATION_DELIVERIES }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "notification_preferences_pk", columns: [t.userId, t.kind] }),
    check("notification_preferences_kind_check", sql`${t.kind} in (${sqlList(NOTIFICATION_KINDS)})`),
    check("notification_preferences_delivery_check", sql`${t.delivery} in (${sqlList(NOTIFICATION_DELIVERIES)})`),
  ],
);

/** Who watches a bounty or a target, and so hears of its changes. */
export const watches = sqliteTable(
  "watches",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    subjectType: text("subject_type", { enum: WATCH_SUBJECTS }).notNull(),
    subjectId: integer("subject_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "watches_pk", columns: [t.userId, t.subjectType, t.subjectId] }),
    index("watches_subject_idx").on(t.subjectType, t.subjectId),
    check("watches_subject_check", sql`${t.subjectType} in (${sqlList(WATCH_SUBJECTS)})`),
  ],
);

/**
 * Keys the app makes for itself on first use (random, 32 bytes), shared by every process on
 * this database: `unsubscribe` signs one-click unsubscribe links.
 */
export const appKeys = sqliteTable("app_keys", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: integer("created_at").notNull(),
});
