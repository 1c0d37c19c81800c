// The only module that imports lucia. Everything else goes through app/auth/session.server.ts.
import { DrizzleSQLiteAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import { sessions, users } from "~/db/schema";
import { db } from "../db.server";
import { env } from "../env.server";

const production = env.NODE_ENV === "production";

export const lucia = new Lucia(new DrizzleSQLiteAdapter(db, sessions, users), {
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
  getUserAttributes: (a) => ({ username: a.username, displayName: a.displayName, disabledAt: a.disabledAt }),
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
    DatabaseUserAttributes: {
      username: string;
      displayName: string;
      disabledAt: number | null;
    };
  }
}
