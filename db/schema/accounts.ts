// Accounts, sessions and the audit log
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { GRANTABLE_ROLES, AUDIT_SOURCES, EMAIL_TOKEN_PURPOSES } from "~/app/lib/vocabulary";
import { sqlList } from "./columns";

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Lowercase; see app/schemas/account.ts for the rules. */
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    /**
     * Lowercase. Several accounts may carry the same address while it is unverified; it
     * belongs to an account (and receives mail) only once verified, and then to that one
     * account alone (users_verified_email_unique).
     */
    email: text("email").notNull(),
    /** When the person followed a verification link sent to `email`; null until then (and again after a change). */
    emailVerifiedAt: integer("email_verified_at"),
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
    uniqueIndex("users_verified_email_unique")
      .on(t.email)
      .where(sql`${t.emailVerifiedAt} is not null`),
    index("users_email_idx").on(t.email),
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
  (t) => [primaryKey({ name: "user_roles_pk", columns: [t.userId, t.role] }), check("user_roles_role_check", sql`${t.role} in (${sqlList(GRANTABLE_ROLES)})`)],
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

/**
 * Single-use links sent by mail (verify an address, reset a password). Only the SHA-256 of
 * the token is kept, so a copy of the database cannot be turned into working links. `email`
 * is the address the link was sent to: a verification is refused once the account's address
 * changed.
 */
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: EMAIL_TOKEN_PURPOSES }).notNull(),
    /** Hex SHA-256 of the whole token as mailed. */
    tokenHash: text("token_hash").notNull(),
    email: text("email").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("email_tokens_token_hash_unique").on(t.tokenHash),
    index("email_tokens_user_idx").on(t.userId, t.purpose),
    check("email_tokens_purpose_check", sql`${t.purpose} in (${sqlList(EMAIL_TOKEN_PURPOSES)})`),
  ],
);

/**
 * Failed sign-ins (and other budgeted requests), for throttling. `key` is `account:<username>`
 * or `ip:<address>` for sign-in; password-reset and verification-mail requests use their own
 * prefixes (app/models/login-throttle.server.ts), so one budget never spends another.
 */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    failedAt: integer("failed_at").notNull(),
  },
  (t) => [index("login_failures_key_time_idx").on(t.key, t.failedAt)],
);

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
