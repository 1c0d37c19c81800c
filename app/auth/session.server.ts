import { redirect } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { sessions, type GrantableRole, type Role } from "~/db/schema";
import { db } from "../db.server";
import { env } from "../env.server";
import { formatSafeRedirect } from "../lib/safe-redirect";
import { ROLE_HOLDERS } from "../lib/vocabulary";
import { logEvent } from "../log.server";
import { formatPublicUser, listRoles, type PublicUser } from "../models/users.server";
import { lucia } from "./lucia.server";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Session limits, fixed at sign-in from the roles held then (a role change ends every
 * session, so they cannot go stale). People who approve money or change roles get short
 * sessions: 30 minutes idle, 12 hours at most. Everyone else: 7 days idle, 30 days at most.
 */
export function sessionLimits(roles: Role[]): { idleTimeoutMs: number; absoluteMs: number } {
  const privileged = roles.includes("ssc") || roles.includes("admin");
  return privileged ? { idleTimeoutMs: 30 * MINUTE, absoluteMs: 12 * HOUR } : { idleTimeoutMs: 7 * DAY, absoluteMs: 30 * DAY };
}

// last_seen_at is written at most once a minute per session, not on every request.
const TOUCH_INTERVAL_MS = MINUTE;

export interface SessionUser extends PublicUser {
  sessionId: string;
}

/** Starts a brand-new session (never reuses one) and returns its Set-Cookie header. */
export async function createUserSession(userId: number, now = Date.now()): Promise<string> {
  const limits = sessionLimits(listRoles(db, userId));
  const session = await lucia.createSession(userId, {
    createdAt: now,
    lastSeenAt: now,
    idleTimeoutMs: limits.idleTimeoutMs,
    absoluteExpiresAt: now + limits.absoluteMs,
  });
  return lucia.createSessionCookie(session.id).serialize();
}

export function blankSessionCookie(): string {
  return lucia.createBlankSessionCookie().serialize();
}

/** The signed-in user, or null (no cookie, unknown, expired, idle too long, disabled). */
export async function getUser(request: Request, now = Date.now()): Promise<SessionUser | null> {
  const sessionId = lucia.readSessionCookie(request.headers.get("cookie") ?? "");
  if (!sessionId) return null;
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session || !user) return null;
  const idle = now - session.lastSeenAt > session.idleTimeoutMs;
  const expired = now > session.absoluteExpiresAt;
  if (idle || expired || user.disabledAt !== null) {
    await lucia.invalidateSession(session.id);
    return null;
  }
  if (now - session.lastSeenAt > TOUCH_INTERVAL_MS) {
    db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id)).run();
  }
  return { ...formatPublicUser(user, user.roles), sessionId: session.id };
}

function loginRedirect(request: Request): Response {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  return redirect(`/login?redirectTo=${encodeURIComponent(back)}`, {
    headers: request.headers.get("cookie") ? { "Set-Cookie": blankSessionCookie() } : undefined,
  });
}

/** The signed-in user, or throws a redirect to /login that comes back here afterwards. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) throw loginRedirect(request);
  return user;
}

/** Like requireUser, and throws 403 unless the user holds one of `roles`. */
export async function requireRole(request: Request, ...roles: GrantableRole[]): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!roles.some((r) => user.roles.includes(r))) {
    logEvent("authz.denied", { user: user.username, path: new URL(request.url).pathname, needs: roles.join("|") });
    throw new Response(JSON.stringify({ message: `This page is for ${roles.map((r) => ROLE_HOLDERS[r]).join(" and ")} only.` }), {
      status: 403,
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
  }
  return user;
}

export function hasRole(user: { roles: Role[] } | null, ...roles: Role[]): boolean {
  return Boolean(user && roles.some((r) => user.roles.includes(r)));
}

/** Ends this one session (sign-out) and returns the cookie that clears it. */
export async function endSession(request: Request): Promise<string> {
  const sessionId = lucia.readSessionCookie(request.headers.get("cookie") ?? "");
  if (sessionId) await lucia.invalidateSession(sessionId);
  return blankSessionCookie();
}

/**
 * Where to send the browser after sign-in: `to` if it is a path on APP_ORIGIN, resolved
 * (see formatSafeRedirect), else `fallback`. Every redirect to a path a request supplied
 * goes through here.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  return formatSafeRedirect(to, env.APP_ORIGIN, fallback);
}
