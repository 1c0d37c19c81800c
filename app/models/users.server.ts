import { and, asc, eq, ne, sql, type SQL } from "drizzle-orm";
import { preparedPerDatabase } from "~/db/prepared";
import { GRANTABLE_ROLES, userRoles, users, type GrantableRole, type Role } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { recordAudit, type Actor } from "./audit.server";
import { queueAddressVerification } from "./email-tokens.server";
import { Conflict, Forbidden, NotFound, Unprocessable } from "./errors";
import { endAllSessions } from "./sessions.server";

export type UserRow = typeof users.$inferSelect;

export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  email: string;
  /** Whether the person followed a verification link sent to `email`; only then does it get mail. */
  emailVerified: boolean;
  githubLogin: string | null;
  githubVerified: boolean;
  disabled: boolean;
  createdAt: number;
  roles: Role[];
}

function isUniqueViolation(error: unknown, column: string): boolean {
  return error instanceof Error && "code" in error && error.code === "SQLITE_CONSTRAINT_UNIQUE" && error.message.includes(`users.${column}`);
}

/** Everyone is a contributor; granted roles follow in a fixed order. */
export function listRoles(db: Db | Tx, userId: number): Role[] {
  return formatRoles(grantedRoles(db, userId));
}

function grantedRoles(db: Db | Tx, userId: number): string[] {
  return db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(eq(userRoles.userId, userId))
    .all()
    .map((r) => r.role);
}

function formatRoles(granted: readonly string[]): Role[] {
  return ["contributor", ...GRANTABLE_ROLES.filter((r) => granted.includes(r))];
}

/** What the rest of the app sees of a user row and the roles granted to it (the session lookup reads both at once). */
export function formatPublicUser(row: Omit<UserRow, "passwordHash" | "githubId">, granted: readonly string[]): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    githubLogin: row.githubLogin,
    githubVerified: row.githubVerified,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt,
    roles: formatRoles(granted),
  };
}

function toPublic(db: Db | Tx, row: UserRow): PublicUser {
  return formatPublicUser(row, grantedRoles(db, row.id));
}

export function getUserById(db: Db, id: number): PublicUser | null {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  return row ? toPublic(db, row) : null;
}

/** The full row (with the password hash) for sign-in; null when unknown. */
export function getUserForLogin(db: Db, username: string): UserRow | null {
  return db.select().from(users).where(eq(users.username, username.trim().toLowerCase())).get() ?? null;
}

export function getUserByGithubId(db: Db, githubId: number): UserRow | null {
  return db.select().from(users).where(eq(users.githubId, githubId)).get() ?? null;
}

const verifiedGithubUser = preparedPerDatabase((db: Db | Tx) => {
  const select = (match: SQL) =>
    db
      .select({ id: users.id, username: users.username, disabledAt: users.disabledAt })
      .from(users)
      .where(and(match, eq(users.githubVerified, true)))
      .prepare();
  return {
    byId: select(eq(users.githubId, sql.placeholder("githubId"))),
    byLogin: select(sql`lower(${users.githubLogin}) = ${sql.placeholder("login")}`),
  };
});

/**
 * The Club Zero user who verified this GitHub account (GitHub sign-in), disabled or not, or
 * null. Matched by GitHub's numeric user id whenever the payload carries it: a login can be
 * renamed and then registered by someone else, an id cannot. Only without an id (older
 * stored rows) is the login compared. A disabled user is still returned: their login must
 * not fall back to acting as a bare GitHub login; `assertMayAct` refuses them instead.
 */
export function getUserByVerifiedGithub(
  db: Db | Tx,
  who: { login: string; id?: number | null },
): { id: number; username: string; roles: Role[]; disabled: boolean } | null {
  const q = verifiedGithubUser(db);
  const row = who.id != null ? q.byId.get({ githubId: who.id }) : q.byLogin.get({ login: who.login.toLowerCase() });
  return row ? { id: row.id, username: row.username, roles: listRoles(db, row.id), disabled: row.disabledAt !== null } : null;
}

/**
 * Disabled means disabled at every door: web sessions end when an account is disabled, and
 * every model write a person makes (claims, progress, releases through GitHub comments)
 * calls this first. Actors without an account (a bare GitHub login, the system) pass.
 * @throws Forbidden
 */
export function assertMayAct(tx: Db | Tx, actor: { userId: number | null; label: string }): void {
  if (actor.userId === null) return;
  const row = tx.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, actor.userId)).get();
  if (!row || row.disabledAt !== null) throw new Forbidden(`${actor.label}'s Club Zero account is disabled, so it cannot act here.`);
}

export function listUsers(db: Db): PublicUser[] {
  return db
    .select()
    .from(users)
    .orderBy(asc(users.username))
    .all()
    .map((row) => toPublic(db, row));
}

export interface NewUser {
  username: string;
  displayName: string;
  email: string;
  passwordHash: string | null;
  roles?: GrantableRole[];
  github?: { id: number; login: string };
  /**
   * The address is known to be the person's without a link: only `npm run user:add` with
   * `--email` (the operator vouches for it) and tests. Web sign-ups are never born verified.
   */
  emailVerified?: boolean;
}

function uniqueViolationAsConflict(error: unknown, input: { username: string }): never {
  if (isUniqueViolation(error, "username")) throw new Conflict(`The username "${input.username}" is taken.`);
  if (isUniqueViolation(error, "email")) throw new Conflict("An account with that email address already exists.");
  if (isUniqueViolation(error, "github_id")) throw new Conflict("That GitHub account is already linked to another user.");
  throw error;
}

/**
 * Creates an account (and its roles) in one transaction with an audit record.
 * @throws Conflict when the username or GitHub account is already taken, or (only with
 * `emailVerified`) the address is verified on another account.
 */
export function createUser(db: Db, actor: Actor, input: NewUser, now = Date.now()): PublicUser {
  try {
    return writeTx(db, (tx) => insertUser(tx, actor, input, now));
  } catch (error) {
    uniqueViolationAsConflict(error, input);
  }
}

/**
 * Sign-up through /join. The account is created unverified and, in the same transaction, its
 * address gets a verification link; when the address is already verified on another account,
 * the new account keeps it unverified (it can never be verified there) and the owner is told
 * by mail instead. Either way the caller sees the same result, so /join reveals nothing
 * about whose address is whose. A taken username is still refused (usernames are public).
 * @throws Conflict when the username is taken.
 */
export function joinAccount(db: Db, input: Omit<NewUser, "roles" | "github" | "emailVerified">, now = Date.now()): PublicUser {
  try {
    return writeTx(db, (tx) => {
      const user = insertUser(tx, { userId: null, label: `@${input.username.toLowerCase()}`, source: "web" }, input, now);
      queueAddressVerification(tx, user, now);
      return user;
    });
  } catch (error) {
    uniqueViolationAsConflict(error, input);
  }
}

function insertUser(tx: Tx, actor: Actor, input: NewUser, now: number): PublicUser {
  // Name the username first when both it and the email are taken.
  if (tx.select({ id: users.id }).from(users).where(eq(users.username, input.username.toLowerCase())).get()) {
    throw new Conflict(`The username "${input.username}" is taken.`);
  }
  const row = tx
    .insert(users)
    .values({
      username: input.username.toLowerCase(),
      displayName: input.displayName,
      email: input.email.toLowerCase(),
      passwordHash: input.passwordHash,
      githubId: input.github?.id ?? null,
      githubLogin: input.github?.login ?? null,
      githubVerified: Boolean(input.github),
      emailVerifiedAt: input.emailVerified ? now : null,
      createdAt: now,
    })
    .returning()
    .get();
  for (const role of input.roles ?? []) tx.insert(userRoles).values({ userId: row.id, role, grantedAt: now }).run();
  if (input.github) clearUnverifiedLogin(tx, row.id, input.github.login);
  const created = toPublic(tx, row);
  recordAudit(
    tx,
    actor.userId === null && actor.source === "web" ? { ...actor, userId: row.id, label: `@${row.username}` } : actor,
    {
      action: "user.created",
      entityType: "user",
      entityId: row.id,
      after: { username: created.username, roles: created.roles, github: created.githubLogin },
    },
    now,
  );
  return created;
}

/** A login someone typed stays unverified; GitHub sign-in proves it, so it wins. */
function clearUnverifiedLogin(tx: Tx, ownerId: number, login: string) {
  tx.update(users)
    .set({ githubLogin: null })
    .where(and(sql`lower(${users.githubLogin}) = ${login.toLowerCase()}`, eq(users.githubVerified, false), ne(users.id, ownerId)))
    .run();
}

export { endAllSessions };

function requireRow(tx: Tx, userId: number): UserRow {
  const row = tx.select().from(users).where(eq(users.id, userId)).get();
  if (!row) throw new NotFound("There is no such user.");
  return row;
}

function activeAdminCount(tx: Tx): number {
  const row = tx
    .select({ n: sql<number>`count(*)` })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(and(eq(userRoles.role, "admin"), sql`${users.disabledAt} is null`))
    .get();
  return row?.n ?? 0;
}

/**
 * Grants or revokes one role. Ends the user's sessions and records before/after.
 * @throws Unprocessable when it would leave Club Zero with no active admin.
 */
export function setRole(db: Db, actor: Actor, userId: number, role: GrantableRole, granted: boolean, now = Date.now()) {
  return writeTx(db, (tx) => {
    const row = requireRow(tx, userId);
    const before = listRoles(tx, userId);
    if (before.includes(role) === granted) return toPublic(tx, row);
    if (granted) {
      tx.insert(userRoles).values({ userId, role, grantedAt: now }).run();
    } else {
      if (role === "admin" && row.disabledAt === null && activeAdminCount(tx) <= 1) {
        throw new Unprocessable("That would leave Club Zero without an active admin; grant admin to someone else first.");
      }
      tx.delete(userRoles)
        .where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)))
        .run();
    }
    endAllSessions(tx, userId);
    const after = listRoles(tx, userId);
    recordAudit(
      tx,
      actor,
      { action: granted ? "role.granted" : "role.revoked", entityType: "user", entityId: userId, before: { roles: before }, after: { roles: after } },
      now,
    );
    return toPublic(tx, row);
  });
}

/**
 * Disables or re-enables an account; disabling ends its sessions.
 * @throws Unprocessable for disabling yourself or the last active admin.
 */
export function setDisabled(db: Db, actor: Actor, userId: number, disabled: boolean, now = Date.now()) {
  return writeTx(db, (tx) => {
    const row = requireRow(tx, userId);
    if ((row.disabledAt !== null) === disabled) return toPublic(tx, row);
    if (disabled && actor.userId === userId) throw new Unprocessable("You cannot disable your own account.");
    if (disabled && listRoles(tx, userId).includes("admin") && activeAdminCount(tx) <= 1) {
      throw new Unprocessable("That would leave Club Zero without an active admin.");
    }
    tx.update(users)
      .set({ disabledAt: disabled ? now : null })
      .where(eq(users.id, userId))
      .run();
    if (disabled) endAllSessions(tx, userId);
    recordAudit(
      tx,
      actor,
      { action: disabled ? "user.disabled" : "user.enabled", entityType: "user", entityId: userId, before: { disabled: !disabled }, after: { disabled } },
      now,
    );
    return toPublic(tx, requireRow(tx, userId));
  });
}

export interface ProfileInput {
  displayName: string;
  email: string;
  githubLogin: string | null;
}

/**
 * Updates name, email and the typed GitHub login. A typed login is unverified unless it
 * is the login GitHub sign-in already proved. A changed address is unverified and gets a
 * verification link in the same transaction (or, when it is verified on another account,
 * that owner is told and this account keeps it unverified): the answer is the same either way.
 */
export function updateProfile(db: Db, actor: Actor, userId: number, input: ProfileInput, now = Date.now()) {
  try {
    return writeTx(db, (tx) => {
      const row = requireRow(tx, userId);
      const login = input.githubLogin?.trim() || null;
      const keepsVerified = row.githubVerified && login !== null && login.toLowerCase() === row.githubLogin?.toLowerCase();
      const email = input.email.toLowerCase();
      const emailChanged = email !== row.email;
      const next = {
        displayName: input.displayName,
        email,
        emailVerifiedAt: emailChanged ? null : row.emailVerifiedAt,
        githubLogin: keepsVerified ? row.githubLogin : login,
        githubVerified: keepsVerified,
        // A different login is a different GitHub account: forget the proven id.
        githubId: keepsVerified ? row.githubId : null,
      };
      tx.update(users).set(next).where(eq(users.id, userId)).run();
      if (emailChanged) queueAddressVerification(tx, { id: userId, username: row.username, displayName: next.displayName, email }, now);
      recordAudit(
        tx,
        actor,
        {
          action: "user.profile_updated",
          entityType: "user",
          entityId: userId,
          before: {
            displayName: row.displayName,
            email: row.email,
            emailVerified: row.emailVerifiedAt !== null,
            githubLogin: row.githubLogin,
            githubVerified: row.githubVerified,
          },
          after: {
            displayName: next.displayName,
            email: next.email,
            emailVerified: next.emailVerifiedAt !== null,
            githubLogin: next.githubLogin,
            githubVerified: next.githubVerified,
          },
        },
        now,
      );
      return toPublic(tx, requireRow(tx, userId));
    });
  } catch (error) {
    if (isUniqueViolation(error, "email")) throw new Conflict("Another account already uses that email address.");
    throw error;
  }
}

/** Stores a new password hash and ends every session of the user. */
export function setPasswordHash(db: Db, actor: Actor, userId: number, passwordHash: string, now = Date.now()) {
  writeTx(db, (tx) => {
    requireRow(tx, userId);
    tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    endAllSessions(tx, userId);
    recordAudit(tx, actor, { action: "user.password_changed", entityType: "user", entityId: userId }, now);
  });
}

/** Silently upgrades a hash made with weaker parameters; no audit (nothing a person decided). */
export function upgradePasswordHash(db: Db, userId: number, passwordHash: string) {
  db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
}

/**
 * Links a GitHub account proven by OAuth to an existing user, marking the login verified.
 * @throws Conflict when that GitHub account belongs to someone else.
 */
export function linkGithub(db: Db, actor: Actor, userId: number, github: { id: number; login: string }, now = Date.now()) {
  return writeTx(db, (tx) => {
    const row = requireRow(tx, userId);
    const owner = tx.select({ id: users.id }).from(users).where(eq(users.githubId, github.id)).get();
    if (owner && owner.id !== userId) throw new Conflict("That GitHub account is already linked to another Club Zero user.");
    tx.update(users).set({ githubId: github.id, githubLogin: github.login, githubVerified: true }).where(eq(users.id, userId)).run();
    clearUnverifiedLogin(tx, userId, github.login);
    recordAudit(
      tx,
      actor,
      {
        action: "user.github_linked",
        entityType: "user",
        entityId: userId,
        before: { githubLogin: row.githubLogin, githubVerified: row.githubVerified },
        after: { githubLogin: github.login, githubVerified: true },
      },
      now,
    );
    return toPublic(tx, requireRow(tx, userId));
  });
}

/** A username nobody has yet, starting from `wanted` (used for GitHub sign-up). */
export function freeUsername(db: Db, wanted: string): string {
  const base =
    wanted
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 28) || "user";
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? base : `${base}-${n}`;
    if (!db.select({ id: users.id }).from(users).where(eq(users.username, candidate)).get()) return candidate;
  }
}
