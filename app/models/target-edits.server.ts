// Keeping the catalog: SSC members and admins create, edit, re-status and retire targets;
// anyone signed in suggests one, and the suggestion waits in the proposals queue. Each change
// is one transaction with its audit record; every status change adds a dated history entry
// with its evidence and who made it.
import { asc, eq, sql } from "drizzle-orm";
import {
  targetBridges,
  targetPersonas,
  targetRepositories,
  targets,
  targetSlugRedirects,
  targetStatusChanges,
  targetSuggestions,
  users,
  type TargetStatus,
} from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { renderMarkdown } from "../lib/markdown.server";
import { recordAudit, type Actor } from "./audit.server";
import { Conflict, Forbidden, InvalidField, NotFound } from "./errors";
import { notify, userIdsWithRole } from "./notifications.server";
import type { Role } from "../lib/vocabulary";
import type { TargetInput, TargetSuggestionInput } from "../schemas/targets";

export type Keeper = Actor & { roles: Role[] };
type TargetRow = typeof targets.$inferSelect;

/** Who keeps the catalog: SSC members and admins. */
export function isCatalogKeeper(actor: { roles: Role[] }): boolean {
  return actor.roles.includes("ssc") || actor.roles.includes("admin");
}

function requireKeeper(actor: Keeper) {
  if (!isCatalogKeeper(actor)) throw new Forbidden("Only SSC members and admins can change the catalog.");
}

function requireTarget(tx: Tx, id: number): TargetRow {
  const row = tx.select().from(targets).where(eq(targets.id, id)).get();
  if (!row) throw new NotFound("There is no such target.");
  return row;
}

/**
 * A slug may name one target only, and an old slug keeps pointing at the target that had it,
 * so it cannot be reused by another. Renaming back to one of its own old slugs frees it.
 * @throws InvalidField("slug")
 */
function claimSlug(tx: Tx, slug: string, targetId: number | null) {
  const holder = tx.select({ id: targets.id, name: targets.name }).from(targets).where(eq(targets.slug, slug)).get();
  if (holder && holder.id !== targetId) throw new InvalidField("slug", `The slug "${slug}" is taken by ${holder.name}: choose another.`);
  const old = tx.select({ targetId: targetSlugRedirects.targetId }).from(targetSlugRedirects).where(eq(targetSlugRedirects.slug, slug)).get();
  if (old && old.targetId !== targetId)
    throw new InvalidField("slug", `The slug "${slug}" used to belong to another target and still leads there: choose another.`);
  if (old) tx.delete(targetSlugRedirects).where(eq(targetSlugRedirects.slug, slug)).run();
}

/** The target's repositories, personas and bridges, replaced by the form's. */
function writeParts(tx: Tx, targetId: number, input: TargetInput) {
  tx.delete(targetRepositories).where(eq(targetRepositories.targetId, targetId)).run();
  input.repos.forEach((repo, position) => tx.insert(targetRepositories).values({ targetId, repo, position }).run());
  tx.delete(targetPersonas).where(eq(targetPersonas.targetId, targetId)).run();
  input.personas.forEach((p, rank) => tx.insert(targetPersonas).values({ targetId, personaSlug: p.slug, rank, helpText: p.helpText }).run());
  tx.delete(targetBridges).where(eq(targetBridges.targetId, targetId)).run();
  input.bridges.forEach((b, position) => tx.insert(targetBridges).values({ targetId, name: b.name, url: b.url, note: b.note, position }).run());
}

/** What the audit log keeps of a target's editable fields. */
function snapshot(tx: Tx, row: TargetRow) {
  return {
    name: row.name,
    slug: row.slug,
    category: row.category,
    summary: row.summary,
    homepage: row.homepage,
    repos: tx
      .select({ repo: targetRepositories.repo })
      .from(targetRepositories)
      .where(eq(targetRepositories.targetId, row.id))
      .orderBy(asc(targetRepositories.position))
      .all()
      .map((r) => r.repo),
    personas: tx
      .select({ slug: targetPersonas.personaSlug, helpText: targetPersonas.helpText })
      .from(targetPersonas)
      .where(eq(targetPersonas.targetId, row.id))
      .orderBy(asc(targetPersonas.rank))
      .all(),
    bridges: tx
      .select({ name: targetBridges.name, url: targetBridges.url, note: targetBridges.note })
      .from(targetBridges)
      .where(eq(targetBridges.targetId, row.id))
      .orderBy(asc(targetBridges.position))
      .all(),
  };
}

function insertTarget(tx: Tx, actor: Actor, input: TargetInput, status: TargetStatus, evidenceUrl: string | null, now: number): TargetRow {
  claimSlug(tx, input.slug, null);
  const row = tx
    .insert(targets)
    .values({
      slug: input.slug,
      name: input.name,
      category: input.category,
      status,
      summary: input.summary,
      summaryHtml: renderMarkdown(input.summary),
      repo: input.repos[0] ?? null,
      homepage: input.homepage,
      createdAt: new Date(now),
      updatedAt: now,
    })
    .returning()
    .get();
  writeParts(tx, row.id, input);
  insertStatusChange(tx, actor, row.id, null, status, evidenceUrl, "Status when added to the catalog.", now);
  return row;
}

function insertStatusChange(
  tx: Tx,
  actor: Actor,
  targetId: number,
  from: TargetStatus | null,
  to: TargetStatus,
  evidenceUrl: string | null,
  note: string | null,
  now: number,
) {
  tx.insert(targetStatusChanges)
    .values({ targetId, fromStatus: from, toStatus: to, evidenceUrl, note, actorUserId: actor.userId, actorLabel: actor.label, createdAt: now })
    .run();
}

/**
 * Adds a target to the catalog with its first status (evidence required for any status but "none").
 * @throws Forbidden (not SSC or admin), InvalidField("slug") when the slug is taken or still redirects.
 */
export function createTarget(
  db: Db,
  actor: Keeper,
  input: TargetInput,
  first: { status: TargetStatus; evidenceUrl: string | null },
  now = Date.now(),
): TargetRow {
  requireKeeper(actor);
  if (first.status !== "none" && !first.evidenceUrl) throw new InvalidField("evidence", "Give the evidence for this status as an https:// link.");
  return writeTx(db, (tx) => {
    const row = insertTarget(tx, actor, input, first.status, first.evidenceUrl, now);
    recordAudit(tx, actor, { action: "target.created", entityType: "target", entityId: row.id, after: { ...snapshot(tx, row), status: first.status } }, now);
    return row;
  });
}

/**
 * Changes a target's fields. A new slug leaves the old one redirecting here.
 * @throws Forbidden, NotFound, InvalidField("slug")
 */
export function updateTarget(db: Db, actor: Keeper, id: number, input: TargetInput, now = Date.now()): TargetRow {
  requireKeeper(actor);
  return writeTx(db, (tx) => {
    const before = requireTarget(tx, id);
    const beforeSnapshot = snapshot(tx, before);
    if (input.slug !== before.slug) {
      claimSlug(tx, input.slug, id);
      tx.insert(targetSlugRedirects)
        .values({ slug: before.slug, targetId: id, createdAt: now })
        .onConflictDoUpdate({ target: targetSlugRedirects.slug, set: { targetId: id } })
        .run();
    }
    const row = tx
      .update(targets)
      .set({
        slug: input.slug,
        name: input.name,
        category: input.category,
        summary: input.summary,
        summaryHtml: renderMarkdown(input.summary),
        repo: input.repos[0] ?? null,
        homepage: input.homepage,
        updatedAt: now,
      })
      .where(eq(targets.id, id))
      .returning()
      .get();
    writeParts(tx, id, input);
    recordAudit(tx, actor, { action: "target.updated", entityType: "target", entityId: id, before: beforeSnapshot, after: snapshot(tx, row) }, now);
    return row;
  });
}

/**
 * Changes a target's SPIFFE status, with an https link as evidence; the history keeps it.
 * @throws Forbidden, NotFound, Conflict (it already has that status)
 */
export function changeTargetStatus(
  db: Db,
  actor: Keeper,
  id: number,
  change: { status: TargetStatus; evidenceUrl: string; note: string | null },
  now = Date.now(),
): TargetRow {
  requireKeeper(actor);
  return writeTx(db, (tx) => {
    const before = requireTarget(tx, id);
    if (before.status === change.status) throw new Conflict(`${before.name}'s SPIFFE status is already "${change.status}".`);
    const row = tx.update(targets).set({ status: change.status, updatedAt: now }).where(eq(targets.id, id)).returning().get();
    insertStatusChange(tx, actor, id, before.status, change.status, change.evidenceUrl, change.note, now);
    recordAudit(
      tx,
      actor,
      {
        action: "target.status_changed",
        entityType: "target",
        entityId: id,
        before: { status: before.status },
        after: { status: change.status, evidenceUrl: change.evidenceUrl, note: change.note },
      },
      now,
    );
    return row;
  });
}

/**
 * Retires a target: it leaves the catalog's default view; its page, history and bounties stay.
 * @throws Forbidden, NotFound, Conflict (already retired)
 */
export function retireTarget(db: Db, actor: Keeper, id: number, reason: string, now = Date.now()) {
  requireKeeper(actor);
  writeTx(db, (tx) => {
    const before = requireTarget(tx, id);
    if (before.retiredAt !== null) throw new Conflict(`${before.name} is already retired.`);
    tx.update(targets).set({ retiredAt: now, updatedAt: now }).where(eq(targets.id, id)).run();
    recordAudit(tx, actor, { action: "target.retired", entityType: "target", entityId: id, after: { reason } }, now);
  });
}

/** Brings a retired target back into the catalog. @throws Forbidden, NotFound, Conflict (not retired) */
export function restoreTarget(db: Db, actor: Keeper, id: number, now = Date.now()) {
  requireKeeper(actor);
  writeTx(db, (tx) => {
    const before = requireTarget(tx, id);
    if (before.retiredAt === null) throw new Conflict(`${before.name} is not retired.`);
    tx.update(targets).set({ retiredAt: null, updatedAt: now }).where(eq(targets.id, id)).run();
    recordAudit(tx, actor, { action: "target.restored", entityType: "target", entityId: id, before: { retiredAt: before.retiredAt } }, now);
  });
}

// ---------------------------------------------------------------------------
// Suggestions

export type SuggestionRow = typeof targetSuggestions.$inferSelect;

/** Anyone signed in suggests a target; SSC members and admins hear of it. */
export function suggestTarget(db: Db, actor: Actor, input: TargetSuggestionInput, now = Date.now()): SuggestionRow {
  if (actor.userId === null) throw new Forbidden("Sign in to suggest a target.");
  const suggester = actor.userId;
  return writeTx(db, (tx) => {
    const row = tx
      .insert(targetSuggestions)
      .values({ ...input, repos: input.repos.join("\n"), suggestedByUserId: suggester, createdAt: now })
      .returning()
      .get();
    recordAudit(tx, actor, { action: "target_suggestion.created", entityType: "target_suggestion", entityId: row.id, after: input }, now);
    notify(
      tx,
      {
        kind: "proposal_waiting",
        recipients: userIdsWithRole(tx, "ssc", "admin"),
        exceptUserId: suggester,
        eventKey: `target_suggestion:${row.id}:proposed`,
        title: `A target suggestion is waiting: ${row.name}`,
        body: `${actor.label} suggested adding ${row.name} to the catalog. Accept it to create the target, or decline it with a reason.`,
        link: `/targets/suggestions/${row.id}`,
      },
      now,
    );
    return row;
  });
}

function requireOpenSuggestion(tx: Tx, id: number): SuggestionRow {
  const row = tx.select().from(targetSuggestions).where(eq(targetSuggestions.id, id)).get();
  if (!row) throw new NotFound("There is no such suggestion.");
  if (row.status !== "proposed") throw new Conflict(`This suggestion was already ${row.status}.`);
  return row;
}

/**
 * Accepts a suggestion: creates the target from it (status "none" until someone shows evidence).
 * @throws Forbidden, NotFound, Conflict (already decided), InvalidField("slug")
 */
export function acceptSuggestion(db: Db, actor: Keeper, id: number, slug: string, now = Date.now()): TargetRow {
  requireKeeper(actor);
  return writeTx(db, (tx) => {
    const s = requireOpenSuggestion(tx, id);
    const input: TargetInput = {
      name: s.name,
      slug,
      category: s.category,
      repos: s.repos.split("\n").filter(Boolean),
      summary: s.summary,
      homepage: s.homepage,
      personas: [],
      bridges: [],
    };
    const target = insertTarget(tx, actor, input, "none", null, now);
    tx.update(targetSuggestions)
      .set({ status: "accepted", decidedByUserId: actor.userId, decidedAt: now, targetId: target.id })
      .where(eq(targetSuggestions.id, id))
      .run();
    recordAudit(tx, actor, { action: "target_suggestion.accepted", entityType: "target_suggestion", entityId: id, after: { targetId: target.id, slug } }, now);
    recordAudit(
      tx,
      actor,
      { action: "target.created", entityType: "target", entityId: target.id, after: { ...snapshot(tx, target), status: "none", fromSuggestion: id } },
      now,
    );
    notify(
      tx,
      {
        kind: "watched_change",
        recipients: [s.suggestedByUserId],
        exceptUserId: actor.userId,
        eventKey: `target_suggestion:${id}:accepted`,
        title: `Your suggestion ${s.name} is in the catalog`,
        body: `${actor.label} accepted your suggestion: ${s.name} is a target now.`,
        link: `/targets/${target.slug}`,
      },
      now,
    );
    return target;
  });
}

/** Declines a suggestion with a reason the suggester is told. @throws Forbidden, NotFound, Conflict */
export function declineSuggestion(db: Db, actor: Keeper, id: number, reason: string, now = Date.now()) {
  requireKeeper(actor);
  writeTx(db, (tx) => {
    const s = requireOpenSuggestion(tx, id);
    tx.update(targetSuggestions)
      .set({ status: "declined", decidedByUserId: actor.userId, decidedAt: now, declineReason: reason })
      .where(eq(targetSuggestions.id, id))
      .run();
    recordAudit(tx, actor, { action: "target_suggestion.declined", entityType: "target_suggestion", entityId: id, after: { reason } }, now);
    notify(
      tx,
      {
        kind: "watched_change",
        recipients: [s.suggestedByUserId],
        exceptUserId: actor.userId,
        eventKey: `target_suggestion:${id}:declined`,
        title: `Your suggestion ${s.name} was declined`,
        body: `${actor.label} declined it: ${reason}`,
        link: `/targets/suggestions/${id}`,
      },
      now,
    );
  });
}

/** Suggestions waiting for a decision, oldest first. */
export function listOpenSuggestions(db: Db) {
  return db
    .select({
      id: targetSuggestions.id,
      name: targetSuggestions.name,
      category: targetSuggestions.category,
      createdAt: targetSuggestions.createdAt,
      proposer: users.username,
    })
    .from(targetSuggestions)
    .leftJoin(users, eq(users.id, targetSuggestions.suggestedByUserId))
    .where(eq(targetSuggestions.status, "proposed"))
    .orderBy(asc(targetSuggestions.createdAt), asc(targetSuggestions.id))
    .all();
}

/**
 * One suggestion, for its suggester and for SSC members and admins (others get null: a
 * suggestion is private until it is accepted).
 */
export function getSuggestionFor(db: Db, viewer: { userId: number | null; roles: Role[] }, id: number) {
  const row = db
    .select({
      suggestion: targetSuggestions,
      proposer: users.username,
      targetSlug: sql<string | null>`(select t.slug from ${targets} t where t.id = ${targetSuggestions.targetId})`,
    })
    .from(targetSuggestions)
    .leftJoin(users, eq(users.id, targetSuggestions.suggestedByUserId))
    .where(eq(targetSuggestions.id, id))
    .get();
  if (!row) return null;
  if (!isCatalogKeeper(viewer) && row.suggestion.suggestedByUserId !== viewer.userId) return null;
  return { ...row.suggestion, proposer: row.proposer, targetSlug: row.targetSlug };
}

/** The target that had this slug before a rename, or null. */
export function findRenamedTarget(db: Db, oldSlug: string): { slug: string } | null {
  return (
    db
      .select({ slug: targets.slug })
      .from(targetSlugRedirects)
      .innerJoin(targets, eq(targets.id, targetSlugRedirects.targetId))
      .where(eq(targetSlugRedirects.slug, oldSlug))
      .get() ?? null
  );
}
