// One message carried across a redirect (Post/Redirect/Get): the action says what happened,
// the next page shows it once. The cookie is signed with a key made at start-up, so only
// this process can have written it (a flash lives for one redirect, never across restarts),
// and it is pinned like the session cookie (__Host- and Secure in production).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { redirect } from "@remix-run/node";
import { env } from "../env.server";

const KEY = randomBytes(32);
const production = env.NODE_ENV === "production";
const NAME = production ? "__Host-flash" : "flash";
const ATTRIBUTES = `Path=/; HttpOnly; SameSite=Lax${production ? "; Secure" : ""}`;

export interface Flash {
  tone: "ok" | "error";
  message: string;
}

const sign = (payload: string) => createHmac("sha256", KEY).update(payload).digest("base64url");

/** The Set-Cookie header that carries `flash` to the next page (for one minute at most). */
export function flashCookie(flash: Flash): string {
  const payload = Buffer.from(JSON.stringify(flash)).toString("base64url");
  return `${NAME}=${payload}.${sign(payload)}; Max-Age=60; ${ATTRIBUTES}`;
}

/** The Set-Cookie header that removes the flash once it has been shown. */
export function clearFlashCookie(): string {
  return `${NAME}=; Max-Age=0; ${ATTRIBUTES}`;
}

/** The message a redirect carried here, or null (none, or not signed by this process). */
export function readFlash(request: Request): Flash | null {
  const raw = (request.headers.get("cookie") ?? "")
    .split(/;\s*/)
    .find((c) => c.startsWith(`${NAME}=`))
    ?.slice(NAME.length + 1);
  if (!raw) return null;
  const [payload, mac] = raw.split(".");
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null) return null;
    const { tone, message } = value as Record<string, unknown>; // checked field by field below
    return (tone === "ok" || tone === "error") && typeof message === "string" ? { tone, message } : null;
  } catch {
    return null;
  }
}

/** A redirect whose next page says `message` (as a status, focused). */
export function redirectWithMessage(to: string, message: string, init: { headers?: Record<string, string> } = {}): Response {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", flashCookie({ tone: "ok", message }));
  return redirect(to, { headers });
}
