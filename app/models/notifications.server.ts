// Notifications: the one place that decides who is told what, and how. Models call
// notify(tx, …) inside the transaction of the decision they make, so a notification (and its
// mail in the outbox) exists exactly when the decision was committed. Routes never call it.
import crypto from "node:crypto";
import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { preparedPerDatabase } from "~/db/prepared";
import {
  bounties,
  targets,
  notificationPreferences,
  notifications,
  NOTIFICATION_KINDS,
  userRoles,
  users,
  watches,
  type GrantableRole,
  type NotificationDelivery,
  type NotificationKind,
  type WatchSubject,
} from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { env } from "../env.server";
import { renderDigestMail, renderNotificationMail, type MailItem } from "../lib/mail-render";
import { NOTIFICATION_KIND_INFO } from "../lib/notification-kinds";
import { getAppKey } from "./app-keys.server";
import { NotFound } from "./errors";
import { mailRecipientColumns } from "./mail-recipients.server";
import { enqueueMessage } from "./outbox.server";
import { maySeeBounty, type Viewer } from "./permissions.server";

export type NotificationRow = typeof notifications.$inferSelect;

export interface NotifyInput {
  kind: NotificationKind;
  /** User ids; duplicates, disabled accounts and `exceptUserId` are left out. */
  recipients: Iterable<number | null | undefined>;
  /** The event, unique across the app (e.g. `expense:12:round:1:vote`): one notification per person and event. */
  eventKey: string;
  /** One line: "Expense #12 needs your vote". */
  title: string;
  /** A sentence or two of plain text. */
  body: string;
  /** A path on APP_ORIGIN: the page that needs the person. */
  link: string;
  /** The person who caused the event needs no news of it. */
  exceptUserId?: number | null;
}

const mailDomain = () => new URL(env.APP_ORIGIN).hostname;
const absolute = (path: string) => new URL(path, env.APP_ORIGIN).href;

/**
 * Tells each recipient about one event, in the caller's transaction: an in-app notification
 * (unless they turned the kind off), and a mail in the outbox when they want it at once (a
 * digest carries it otherwise). Idempotent per (person, event): UNIQUE indexes on the
 * notification and on the outbox's idempotency key, so a repeated event adds nothing.
 */
export function notify(tx: Tx, input: NotifyInput, now = Date.now()): number {
  const ids = [...new Set([...input.recipients].filter((id): id is number => typeof id === "number" && id !== input.exceptUserId))];
  if (ids.length === 0) return 0;
  const people = tx.select(mailRecipientColumns).from(users).where(inArray(users.id, ids)).all();
  const chosen = new Map(
    tx
      .select({ userId: notificationPreferences.userId, delivery: notificationPreferences.delivery })
      .from(notificationPreferences)
      .where(and(inArray(notificationPreferences.userId, ids), eq(notificationPreferences.kind, input.kind)))
      .all()
      .map((p) => [p.userId, p.delivery]),
  );
  let told = 0;
  for (const person of people) {
    if (person.disabledAt !== null) continue;
    const delivery = chosen.get(person.id) ?? NOTIFICATION_KIND_INFO[input.kind].default;
    if (delivery === "off") continue;
    const inserted = tx
      .insert(notifications)
      .values({
        userId: person.id,
        kind: input.kind,
        eventKey: input.eventKey,
        title: input.title,
        body: input.body,
        link: input.link,
        createdAt: now,
        digestPending: delivery === "digest",
      })
      .onConflictDoNothing()
      .run();
    if (inserted.changes === 0) continue; // told already
    told++;
    // Mail only to an address its owner proved (the in-app notification above still stands).
    if (delivery !== "now" || person.emailVerifiedAt === null) continue;
    const mail = renderNotificationMail({
      recipientName: person.displayName || `@${person.username}`,
      item: { title: input.title, body: input.body, url: absolute(input.link) },
      kindLabel: NOTIFICATION_KIND_INFO[input.kind].label,
      settingsUrl: absolute("/settings/notifications"),
      unsubscribeUrl: unsubscribeUrl(tx, person.id, input.kind),
    });
    enqueueMessage(
      tx,
      {
        channel: "email",
        idempotencyKey: `email:${person.id}:${input.eventKey}`,
        recipientUserId: person.id,
        recipient: person.email,
        kind: input.kind,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: unsubscribeHeaders(tx, person.id, input.kind),
      },
      mailDomain(),
      now,
    );
  }
  return told;
}

// ---------------------------------------------------------------------------
// Who is told

/** Active holders of any of these roles. */
export function userIdsWithRole(tx: Tx | Db, ...roles: GrantableRole[]): number[] {
  return tx
    .selectDistinct({ id: users.id })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(inArray(userRoles.role, roles), isNull(users.disabledAt)))
    .all()
    .map((r) => r.id);
}

/** People watching this bounty or target. */
const selectWatchers = preparedPerDatabase((db: Db | Tx) =>
  db
    .selectDistinct({ id: watches.userId })
    .from(watches)
    .where(
      or(
        and(eq(watches.subjectType, "bounty"), eq(watches.subjectId, sql.placeholder("bountyId"))),
        and(eq(watches.subjectType, "target"), eq(watches.subjectId, sql.placeholder("targetId"))),
      ),
    )
    .prepare(),
);

/** Who watches a target, or a bounty or its target (one query: every command asks). */
export function watcherIds(tx: Tx | Db, subject: { targetId: number; bountyId?: number }): number[] {
  return selectWatchers(tx)
    .all({ bountyId: subject.bountyId ?? null, targetId: subject.targetId })
    .map((r) => r.id);
}

// ---------------------------------------------------------------------------
// Preferences

/** Every kind with this person's choice (or the default). */
export function getPreferences(db: Db | Tx, userId: number): Record<NotificationKind, NotificationDelivery> {
  const chosen = new Map(
    db
      .select({ kind: notificationPreferences.kind, delivery: notificationPreferences.delivery })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId))
      .all()
      .map((p) => [p.kind, p.delivery]),
  );
  return Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, chosen.get(kind) ?? NOTIFICATION_KIND_INFO[kind].default])) as Record<
    NotificationKind,
    NotificationDelivery
  >;
}

function upsertPreference(tx: Tx, userId: number, kind: NotificationKind, delivery: NotificationDelivery, now: number) {
  tx.insert(notificationPreferences)
    .values({ userId, kind, delivery, updatedAt: now })
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { delivery, updatedAt: now } })
    .run();
}

/** Saves this person's choices (kinds left out keep theirs), in one transaction. */
export function setPreferences(db: Db, userId: number, choices: Partial<Record<NotificationKind, NotificationDelivery>>, now = Date.now()) {
  writeTx(db, (tx) => {
    for (const [kind, delivery] of Object.entries(choices) as [NotificationKind, NotificationDelivery][]) upsertPreference(tx, userId, kind, delivery, now);
  });
}

// ---------------------------------------------------------------------------
// One-click unsubscribe (RFC 8058): a link that works without signing in, signed for one
// person and one kind (or `digest`: every kind they get as a digest).

export type UnsubscribeScope = NotificationKind | "digest";

const unsubscribeKey = (tx: Tx | Db) => getAppKey(tx, "unsubscribe");

function sign(key: Buffer, userId: number, scope: string): string {
  return crypto.createHmac("sha256", key).update(`unsubscribe\n${userId}\n${scope}`).digest("base64url");
}

export function unsubscribeToken(tx: Tx | Db, userId: number, scope: UnsubscribeScope): string {
  return `${userId}.${scope}.${sign(unsubscribeKey(tx), userId, scope)}`;
}

function unsubscribeUrl(tx: Tx | Db, userId: number, scope: UnsubscribeScope): string {
  return absolute(`/unsubscribe?token=${encodeURIComponent(unsubscribeToken(tx, userId, scope))}`);
}

function unsubscribeHeaders(tx: Tx | Db, userId: number, scope: UnsubscribeScope): Record<string, string> {
  return { "List-Unsubscribe": `<${unsubscribeUrl(tx, userId, scope)}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/** The person and kind a token was signed for, or null (forged, altered, malformed). Never throws. */
export function verifyUnsubscribeToken(db: Db, token: string | null | undefined): { userId: number; scope: UnsubscribeScope } | null {
  const match = /^(\d{1,12})\.([a-z_]{1,40})\.([A-Za-z0-9_-]{43})$/.exec(token ?? "");
  if (!match) return null;
  const userId = Number(match[1]);
  const scope = match[2]!;
  if (scope !== "digest" && !(NOTIFICATION_KINDS as readonly string[]).includes(scope)) return null;
  const expected = Buffer.from(sign(unsubscribeKey(db), userId, scope));
  const given = Buffer.from(match[3]!);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  return { userId, scope: scope as UnsubscribeScope };
}

/**
 * Turns the token's kind off for its person (for `digest`: every kind they chose as a digest).
 * Returns what was turned off, or null when the token is not valid.
 */
export function unsubscribe(db: Db, token: string | null | undefined, now = Date.now()): { userId: number; kinds: NotificationKind[] } | null {
  const verified = verifyUnsubscribeToken(db, token);
  if (!verified) return null;
  return writeTx(db, (tx) => {
    if (!tx.select({ id: users.id }).from(users).where(eq(users.id, verified.userId)).get()) return null;
    const current = getPreferences(tx, verified.userId);
    const kinds = verified.scope === "digest" ? NOTIFICATION_KINDS.filter((k) => current[k] === "digest") : [verified.scope];
    for (const kind of kinds) upsertPreference(tx, verified.userId, kind, "off", now);
    return { userId: verified.userId, kinds };
  });
}

/** What a token would turn off, for the confirmation page; null when not valid. */
export function describeUnsubscribe(db: Db, token: string | null | undefined): { label: string; username: string } | null {
  const verified = verifyUnsubscribeToken(db, token);
  if (!verified) return null;
  const user = db.select({ username: users.username }).from(users).where(eq(users.id, verified.userId)).get();
  if (!user) return null;
  return { label: verified.scope === "digest" ? "The daily digest" : NOTIFICATION_KIND_INFO[verified.scope].label, username: user.username };
}

// ---------------------------------------------------------------------------
// In the app

/** Unread first, then newest first. */
export function listNotifications(db: Db, userId: number, limit = 100): NotificationRow[] {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(sql`${notifications.readAt} is not null`, desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .all();
}

/** The header's badge: one count over the partial index notifications_unread_idx. */
export function countUnread(db: Db, userId: number): number {
  return unreadCount(db).get({ userId })?.n ?? 0;
}
// every signed-in page shows it
const unreadCount = preparedPerDatabase((db: Db | Tx) =>
  db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
    .prepare(),
);

/** Marks one of this person's notifications read (someone else's is left alone). */
export function markRead(db: Db, userId: number, id: number, now = Date.now()): boolean {
  return (
    db
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
      .run().changes === 1
  );
}

export function markAllRead(db: Db, userId: number, now = Date.now()): number {
  return db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .run().changes;
}

// ---------------------------------------------------------------------------
// The daily digest

const DAY_MS = 86_400_000;

/**
 * For every person with digest notifications from a UTC day that has ended, queues one mail
 * with that day's notifications and marks them carried, in one transaction per person and
 * day (idempotency key `digest:<user>:<day>`). Returns how many digests were queued.
 */
export function queueDigests(db: Db, now = Date.now()): number {
  const startOfToday = Math.floor(now / DAY_MS) * DAY_MS;
  // DAY_MS inlined: better-sqlite3 binds numbers as REAL, and the division must be an integer one
  const waiting = db
    .selectDistinct({ userId: notifications.userId, day: sql<number>`${notifications.createdAt} / ${sql.raw(String(DAY_MS))}` })
    .from(notifications)
    .where(and(eq(notifications.digestPending, true), lt(notifications.createdAt, startOfToday)))
    .all();
  let queued = 0;
  for (const { userId, day } of waiting) {
    writeTx(db, (tx) => {
      const from = day * DAY_MS;
      const items = tx
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            eq(notifications.digestPending, true),
            sql`${notifications.createdAt} >= ${from} and ${notifications.createdAt} < ${from + DAY_MS}`,
          ),
        )
        .orderBy(asc(notifications.createdAt), asc(notifications.id))
        .all();
      if (items.length === 0) return;
      tx.update(notifications)
        .set({ digestPending: false })
        .where(
          inArray(
            notifications.id,
            items.map((i) => i.id),
          ),
        )
        .run();
      const person = tx.select(mailRecipientColumns).from(users).where(eq(users.id, userId)).get();
      // The items are carried (read in the app) either way; mail only to a verified address.
      if (!person || person.disabledAt !== null || person.emailVerifiedAt === null) return;
      const dayText = new Date(from).toISOString().slice(0, 10);
      const mailItems: MailItem[] = items.map((i) => ({ title: i.title, body: i.body, url: absolute(i.link) }));
      const mail = renderDigestMail({
        recipientName: person.displayName || `@${person.username}`,
        day: dayText,
        items: mailItems,
        settingsUrl: absolute("/settings/notifications"),
        unsubscribeUrl: unsubscribeUrl(tx, userId, "digest"),
      });
      if (
        enqueueMessage(
          tx,
          {
            channel: "email",
            idempotencyKey: `digest:${userId}:${dayText}`,
            recipientUserId: userId,
            recipient: person.email,
            kind: "digest",
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            headers: unsubscribeHeaders(tx, userId, "digest"),
          },
          mailDomain(),
          now,
        )
      )
        queued++;
    });
  }
  return queued;
}

// ---------------------------------------------------------------------------
// Watching

/** Whether this person watches the bounty or target. */
export function isWatching(db: Db, userId: number, subjectType: WatchSubject, subjectId: number): boolean {
  return Boolean(watchOf(db).get({ userId, subjectType, subjectId }));
}
// every signed-in bounty and target page asks it
const watchOf = preparedPerDatabase((db: Db | Tx) =>
  db
    .select({ one: sql`1` })
    .from(watches)
    .where(
      and(
        eq(watches.userId, sql.placeholder("userId")),
        eq(watches.subjectType, sql.placeholder("subjectType")),
        eq(watches.subjectId, sql.placeholder("subjectId")),
      ),
    )
    .prepare(),
);

/**
 * Starts or stops watching a bounty or target (idempotent: watching twice is one watch).
 * A bounty the person may not see is answered like one that does not exist.
 * @throws NotFound
 */
export function setWatching(db: Db, viewer: Viewer, subjectType: WatchSubject, subjectId: number, watching: boolean, now = Date.now()) {
  if (viewer.userId === null) throw new NotFound("Sign in to watch.");
  const userId = viewer.userId;
  writeTx(db, (tx) => {
    if (subjectType === "bounty") {
      const bounty = tx.select({ status: bounties.status, createdByUserId: bounties.createdByUserId }).from(bounties).where(eq(bounties.id, subjectId)).get();
      if (!bounty || !maySeeBounty(viewer, bounty)) throw new NotFound("There is no such bounty.");
    } else if (!tx.select({ id: targets.id }).from(targets).where(eq(targets.id, subjectId)).get()) throw new NotFound("There is no such target.");
    if (watching) tx.insert(watches).values({ userId, subjectType, subjectId, createdAt: now }).onConflictDoNothing().run();
    else
      tx.delete(watches)
        .where(and(eq(watches.userId, userId), eq(watches.subjectType, subjectType), eq(watches.subjectId, subjectId)))
        .run();
  });
}
