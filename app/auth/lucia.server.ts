// The only module that imports lucia. Everything else goes through app/auth/session.server.ts.
import { DrizzleSQLiteAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan, type DatabaseSession, type DatabaseUser } from "lucia";
import { sessions, users } from "~/db/schema";
import { db } from "../db.server";
import { env } from "../env.server";
import type { UserRow } from "../models/users.server";

const production = env.NODE_ENV === "production";

/**
 * lucia's drizzle adapter with the lookup every signed-in request makes done by one prepared
 * statement: the session, its user and the user's roles in one row (the adapter's own
 * version runs two queries built by drizzle's query builder, and the app then read the user
 * and the roles again). Everything else is the adapter's.
 */
class SessionAdapter extends DrizzleSQLiteAdapter {
  constructor() {
    super(db, sessions, users);
  }

  override async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    // prepared once per connection (db/statement-cache.ts), so nothing is compiled per request
    const row = db.$client.prepare<[string], SessionAndUserRow>(SESSION_AND_USER).get(sessionId);
    if (!row) return [null, null];
    const session: DatabaseSession = {
      id: row.id,
      userId: row.userId,
      expiresAt: new Date(row.expiresAt * 1000),
      attributes: { createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, idleTimeoutMs: row.idleTimeoutMs, absoluteExpiresAt: row.absoluteExpiresAt },
    };
    if (row.user === null) return [session, null];
    const user: DatabaseUser = {
      id: row.user,
      attributes: {
        username: row.username,
        displayName: row.displayName,
        email: row.email,
        emailVerifiedAt: row.emailVerifiedAt,
        githubLogin: row.githubLogin,
        githubVerified: row.githubVerified === 1,
        disabledAt: row.disabledAt,
        createdAt: row.userCreatedAt,
        roles: row.roles === null ? [] : row.roles.split(","),
      },
    };
    return [session, user];
  }
}

const SESSION_AND_USER = `select s.id, s.user_id as userId, s.expires_at as expiresAt, s.created_at as createdAt,
    s.last_seen_at as lastSeenAt, s.idle_timeout_ms as idleTimeoutMs, s.absolute_expires_at as absoluteExpiresAt,
    u.id as user, u.username, u.display_name as displayName, u.email, u.email_verified_at as emailVerifiedAt,
    u.github_login as githubLogin, u.github_verified as githubVerified, u.disabled_at as disabledAt, u.created_at as userCreatedAt,
    (select group_concat(r.role) from user_roles r where r.user_id = u.id) as roles
  from sessions s left join users u on u.id = s.user_id where s.id = ?`;

interface SessionAndUserRow {
  id: string;
  userId: number;
  expiresAt: number;
  createdAt: number;
  lastSeenAt: number;
  idleTimeoutMs: number;
  absoluteExpiresAt: number;
  user: number | null;
  username: string;
  displayName: string;
  email: string;
  emailVerifiedAt: number | null;
  githubLogin: string | null;
  githubVerified: number;
  disabledAt: number | null;
  userCreatedAt: number;
  roles: string | null;
}

export const lucia = new Lucia(new SessionAdapter(), {
  // lucia slides this expiry; Club Zero's own idle and absolute limits are stricter.
  sessionExpiresIn: new TimeSpan(30, "d"),
  sessionCookie: {
    // __Host- pins the cookie to this origin, path / and HTTPS (localhost counts as secure).
    name: production ? "__Host-session" : "session",
    expires: true,
    attributes: { secure: production, sameSite: "lax" },
  },
  // The drizzle adapter hands over rows keyed by the schema's property names.
  getSessionAttributes: (a) => ({
    createdAt: a.createdAt,
    lastSeenAt: a.lastSeenAt,
    idleTimeoutMs: a.idleTimeoutMs,
    absoluteExpiresAt: a.absoluteExpiresAt,
  }),
  getUserAttributes: (a) => a,
});

declare module "lucia" {
  interface Register {
    Lucia: typeof lucia;
    UserId: number;
    DatabaseSessionAttributes: {
      createdAt: number;
      lastSeenAt: number;
      idleTimeoutMs: number;
      absoluteExpiresAt: number;
    };
    /** The user's row as the rest of the app sees it (formatPublicUser), with the roles granted. */
    DatabaseUserAttributes: Omit<UserRow, "id" | "passwordHash" | "githubId"> & { roles: string[] };
  }
}
