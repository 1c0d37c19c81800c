// Real accounts and real sessions in the test database, made through the app's own code.
import { hashPassword } from "~/app/auth/password.server";
import { createUserSession } from "~/app/auth/session.server";
import { db } from "~/app/db.server";
import { cliActor } from "~/app/models/audit.server";
import { createUser, type PublicUser } from "~/app/models/users.server";
import type { GrantableRole } from "~/db/schema";

export const PASSWORD = "a long enough test passphrase";

let counter = 0;
// argon2id costs its 19 MiB and two passes on every hash: one hash of the shared test password
// serves every account a test makes (each still verifies PASSWORD at sign-in).
let passwordHash: Promise<string> | null = null;

/** A user whose address is verified (so it gets mail), unless `{ emailVerified: false }`. */
export async function makeUser(roles: GrantableRole[] = [], name?: string, options: { emailVerified?: boolean } = {}): Promise<PublicUser> {
  counter += 1;
  const username = name ?? `user${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return createUser(db, cliActor, {
    username,
    displayName: `Test ${username}`,
    email: `${username}@example.org`,
    passwordHash: await (passwordHash ??= hashPassword(PASSWORD)),
    roles,
    emailVerified: options.emailVerified ?? true,
  });
}

/** A Cookie header value for a fresh session of this user. */
export async function cookieFor(userId: number, now = Date.now()): Promise<string> {
  return cookieFromSetCookie(await createUserSession(userId, now));
}

export function cookieFromSetCookie(setCookie: string): string {
  return setCookie.split(";")[0]!;
}

/** Headers of a same-origin form post from our own pages. */
export function formInit(cookie: string | null, fields: Record<string, string>): RequestInit {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost:3000" };
  if (cookie) headers.Cookie = cookie;
  return { method: "POST", headers, body: new URLSearchParams(fields).toString() };
}
