// Tutorials and their translations: writing (every save a revision), review and publication,
// and what readers see. A translation is a tutorial row in another language pointing at its
// source, so both go through the same functions and rules.
import { and, asc, desc, eq, inArray, isNull, isNotNull, max, sql } from "drizzle-orm";
import {
  bounties,
  personas,
  targets,
  tutorialPersonas,
  tutorialRevisions,
  tutorials,
  tutorialTargets,
  users,
  type PersonaSlug,
  type TutorialStatus,
} from "~/db/schema";
import { db as defaultDb, writeTx, type Db, type Tx } from "../db.server";
import { env } from "../env.server";
import { OPEN_AND_ACTIVE } from "../lib/bounty-lifecycle";
import { renderTutorialMarkdown, type TocEntry } from "../lib/markdown.server";
import { formatSlug } from "../lib/slugs";
import { diffText } from "../lib/text-diff";
import { isPublic, NEEDS_REASON, nextTutorialStatus, tutorialRefusal, type TutorialIntent } from "../lib/tutorial-lifecycle";
import { SOURCE_LANGUAGE } from "../lib/vocabulary";
import { recordAudit } from "./audit.server";
import { activeClaim, completeBountyByPublishedWork, type BountyActor } from "./bounties.server";
import { Conflict, Forbidden, InvalidField, InvalidTransition, NotFound, Unprocessable } from "./errors";
import { notify, userIdsWithRole } from "./notifications.server";
import { isBountyReviewer, type Viewer } from "./permissions.server";
import { assertMayAct } from "./users.server";

type TutorialRow = typeof tutorials.$inferSelect;
export type RevisionRow = typeof tutorialRevisions.$inferSelect;

/** How much one revision may carry. */
export const TITLE_MAX = 200;
export const SUMMARY_MAX = 500;
export const BODY_MAX = 100_000;
export const NOTE_MAX = 500;
export const TARGETS_MAX = 10;

/** What an author types. */
export interface TutorialText {
  title: string;
  summary: string;
  body: string;
  /** What changed, in the author's words (optional). */
  note?: string | null;
}

/** A source tutorial's text plus what it is for. */
export interface TutorialInput extends TutorialText {
  /** The targets it is for, by slug. */
  targetSlugs: string[];
  personas: PersonaSlug[];
  /** The tutorial bounty its publication completes. */
  bountyId?: number | null;
}

// ---------------------------------------------------------------------------
// Who may do what

/** Everyone who saved a revision of it (the creator first). */
export function authorIds(tx: Tx | Db, tutorialId: number): number[] {
  return tx
    .select({ id: tutorialRevisions.authorUserId })
    .from(tutorialRevisions)
    .where(and(eq(tutorialRevisions.tutorialId, tutorialId), isNotNull(tutorialRevisions.authorUserId)))
    .groupBy(tutorialRevisions.authorUserId)
    .orderBy(sql`min(${tutorialRevisions.id})`)
    .all()
    .map((r) => r.id!);
}

const isAuthor = (viewer: Viewer | null, authors: number[]) => viewer?.userId != null && authors.includes(viewer.userId);

/**
 * Whether this viewer may read it: anyone once it is published (a translation, once its source
 * is published too); before that, and after it is unpublished, only its authors and SSC
 * members and admins. Whoever may not is told it does not exist (404).
 */
export function mayReadTutorial(viewer: Viewer | null, tutorial: { status: TutorialStatus; sourceStatus?: TutorialStatus | null }, authors: number[]): boolean {
  if (isPublic(tutorial.status) && (tutorial.sourceStatus == null || isPublic(tutorial.sourceStatus))) return true;
  return isBountyReviewer(viewer) || isAuthor(viewer, authors);
}

/** Authors edit what they wrote; admins edit anything (and become authors by saving). */
export function mayEditTutorial(viewer: Viewer | null, authors: number[]): boolean {
  return Boolean(viewer && (viewer.roles.includes("admin") || isAuthor(viewer, authors)));
}

function requireTutorial(tx: Tx | Db, id: number): TutorialRow {
  const row = tx.select().from(tutorials).where(eq(tutorials.id, id)).get();
  if (!row) throw new NotFound("There is no such tutorial.");
  return row;
}

function sourceStatusOf(tx: Tx | Db, row: TutorialRow): TutorialStatus | null {
  return row.sourceTutorialId === null ? null : requireTutorial(tx, row.sourceTutorialId).status;
}

function requireReadable(tx: Tx | Db, viewer: Viewer | null, id: number): { row: TutorialRow; authors: number[] } {
  const row = requireTutorial(tx, id);
  const authors = authorIds(tx, id);
  if (!mayReadTutorial(viewer, { status: row.status, sourceStatus: sourceStatusOf(tx, row) }, authors)) throw new NotFound("There is no such tutorial.");
  return { row, authors };
}

// ---------------------------------------------------------------------------
// Writing

function checkText(input: TutorialText) {
  if (!input.title.trim()) throw new InvalidField("title", "Fill in the title.");
  if (input.title.length > TITLE_MAX) throw new InvalidField("title", `The title is at most ${TITLE_MAX} characters.`);
  if (!input.summary.trim()) throw new InvalidField("summary", "Fill in the summary: a sentence on what the reader will have running.");
  if (input.summary.length > SUMMARY_MAX) throw new InvalidField("summary", `The summary is at most ${SUMMARY_MAX} characters.`);
  if (!input.body.trim()) throw new InvalidField("body", "Write the tutorial itself (Markdown).");
  if (input.body.length > BODY_MAX) throw new InvalidField("body", `The tutorial is at most ${BODY_MAX.toLocaleString("en")} characters.`);
  if ((input.note ?? "").length > NOTE_MAX) throw new InvalidField("note", `The note on what changed is at most ${NOTE_MAX} characters.`);
}

function checkPurpose(tx: Tx, input: TutorialInput, authors: number[]) {
  const wanted = [...new Set(input.targetSlugs)];
  if (wanted.length === 0) throw new InvalidField("targets", "Choose at least one target the tutorial is for.");
  if (wanted.length > TARGETS_MAX) throw new InvalidField("targets", `Choose at most ${TARGETS_MAX} targets.`);
  const ids = tx
    .select({ id: targets.id })
    .from(targets)
    .where(inArray(targets.slug, wanted))
    .all()
    .map((t) => t.id);
  if (ids.length !== wanted.length) throw new InvalidField("targets", "Choose the targets from the list.");
  const slugs = [...new Set(input.personas)];
  if (slugs.length === 0) throw new InvalidField("personas", "Choose at least one persona the tutorial is for.");
  const knownPersonas = tx.select({ slug: personas.slug }).from(personas).where(inArray(personas.slug, slugs)).all();
  if (knownPersonas.length !== slugs.length) throw new InvalidField("personas", "Choose the personas from the list.");
  if (input.bountyId != null) {
    const bounty = tx.select().from(bounties).where(eq(bounties.id, input.bountyId)).get();
    if (!bounty || bounty.kind !== "tutorial" || !(OPEN_AND_ACTIVE as readonly string[]).includes(bounty.status)) {
      throw new InvalidField("bountyId", "Choose an open tutorial bounty from the list, or none.");
    }
    if (!ids.includes(bounty.targetId)) throw new InvalidField("bountyId", "The bounty must be on one of the tutorial's targets.");
    const claim = activeClaim(tx, bounty.id);
    if (claim && (claim.userId === null || !authors.includes(claim.userId))) {
      throw new InvalidField("bountyId", "Someone else holds a claim on that bounty: leave it to them, or choose another.");
    }
  }
  return { ids, slugs };
}

function setPurpose(tx: Tx, tutorialId: number, purpose: { ids: number[]; slugs: PersonaSlug[] }, bountyId: number | null) {
  tx.delete(tutorialTargets).where(eq(tutorialTargets.tutorialId, tutorialId)).run();
  tx.delete(tutorialPersonas).where(eq(tutorialPersonas.tutorialId, tutorialId)).run();
  for (const targetId of purpose.ids) tx.insert(tutorialTargets).values({ tutorialId, targetId }).run();
  for (const personaSlug of purpose.slugs) tx.insert(tutorialPersonas).values({ tutorialId, personaSlug }).run();
  tx.update(tutorials).set({ bountyId }).where(eq(tutorials.id, tutorialId)).run();
}

/** Adds the next revision (rendered once, here) and makes it current. */
function addRevision(tx: Tx, tutorialId: number, actor: BountyActor, input: TutorialText, sourceRevisionId: number | null, now: number): RevisionRow {
  const last = tx
    .select({ n: max(tutorialRevisions.number) })
    .from(tutorialRevisions)
    .where(eq(tutorialRevisions.tutorialId, tutorialId))
    .get();
  const rendered = renderTutorialMarkdown(input.body);
  const revision = tx
    .insert(tutorialRevisions)
    .values({
      tutorialId,
      number: (last?.n ?? 0) + 1,
      title: input.title.trim(),
      summary: input.summary.trim(),
      body: input.body,
      bodyHtml: rendered.html,
      tocJson: JSON.stringify(rendered.toc),
      note: input.note?.trim() || null,
      sourceRevisionId,
      authorUserId: actor.userId,
      authorLabel: actor.label,
      createdAt: now,
    })
    .returning()
    .get();
  tx.update(tutorials).set({ currentRevisionId: revision.id, updatedAt: now }).where(eq(tutorials.id, tutorialId)).run();
  return revision;
}

/** Slugs that are pages of their own under /tutorials. */
const RESERVED_SLUGS = new Set(["new"]);

/** The slug for a new tutorial's title, made unique with -2, -3… */
function freeSlug(tx: Tx, title: string): string {
  const base = formatSlug(title) || "tutorial";
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (RESERVED_SLUGS.has(slug)) continue;
    if (!tx.select({ id: tutorials.id }).from(tutorials).where(eq(tutorials.slug, slug)).get()) return slug;
  }
}

function requireSignedIn(actor: BountyActor) {
  if (actor.userId === null) throw new Forbidden("Sign in to write tutorials.");
}

/**
 * Starts a tutorial as a draft, its first revision by the actor (any signed-in person).
 * @throws Forbidden (not signed in, a disabled account), InvalidField (naming the field).
 */
export function createTutorial(db: Db, actor: BountyActor, input: TutorialInput, now = Date.now()): TutorialRow {
  requireSignedIn(actor);
  checkText(input);
  return writeTx(db, (tx) => {
    assertMayAct(tx, actor);
    const purpose = checkPurpose(tx, input, actor.userId === null ? [] : [actor.userId]);
    const row = tx
      .insert(tutorials)
      .values({
        slug: freeSlug(tx, input.title),
        lang: SOURCE_LANGUAGE,
        status: "draft",
        createdByUserId: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    setPurpose(tx, row.id, purpose, input.bountyId ?? null);
    const revision = addRevision(tx, row.id, actor, input, null, now);
    recordAudit(tx, actor, { action: "tutorial.created", entityType: "tutorial", entityId: row.id, after: { slug: row.slug, revision: revision.number } }, now);
    return requireTutorial(tx, row.id);
  });
}

/**
 * The seed's tutorials (db/seed.ts), published as written, in the seed's transaction. Keyed:
 * a tutorial seeded once is never written again, so edits made in the app are kept.
 * Returns whether it was added.
 */
export function seedTutorial(tx: Tx, seed: { key: string; creditLine: string } & TutorialInput, actor: BountyActor, now: number): boolean {
  if (tx.select({ id: tutorials.id }).from(tutorials).where(eq(tutorials.seedKey, seed.key)).get()) return false;
  checkText(seed);
  const purpose = checkPurpose(tx, seed, []);
  const row = tx
    .insert(tutorials)
    .values({
      slug: freeSlug(tx, seed.title),
      lang: SOURCE_LANGUAGE,
      status: "published",
      creditLine: seed.creditLine,
      seedKey: seed.key,
      firstPublishedAt: now,
      publishedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  setPurpose(tx, row.id, purpose, null);
  addRevision(tx, row.id, actor, seed, null, now);
  recordAudit(tx, actor, { action: "tutorial.seeded", entityType: "tutorial", entityId: row.id, after: { slug: row.slug } }, now);
  return true;
}

/**
 * Saves a new revision of a tutorial or a translation. A translation's revision records the
 * source's current revision: saving it brings the translation up to date.
 * @throws NotFound (or may not read it), Forbidden (not an author or an admin), InvalidField,
 *   Unprocessable (nothing changed).
 */
export function reviseTutorial(db: Db, actor: BountyActor, id: number, input: TutorialText & Partial<TutorialInput>, now = Date.now()): RevisionRow {
  checkText(input);
  return writeTx(db, (tx) => {
    assertMayAct(tx, actor);
    const { row, authors } = requireReadable(tx, actor, id);
    if (!mayEditTutorial(actor, authors)) throw new Forbidden("Only its authors (and admins) can change this tutorial.");
    const current = tx.select().from(tutorialRevisions).where(eq(tutorialRevisions.id, row.currentRevisionId!)).get()!;
    let sourceRevisionId: number | null = null;
    let purposeChanged = false;
    if (row.sourceTutorialId === null) {
      const purpose = checkPurpose(tx, { ...input, targetSlugs: input.targetSlugs ?? [], personas: input.personas ?? [] }, authors);
      const before = describePurpose(tx, id);
      purposeChanged =
        JSON.stringify([...purpose.ids].sort()) !== JSON.stringify(before.targetIds) ||
        JSON.stringify([...purpose.slugs].sort()) !== JSON.stringify(before.personas) ||
        (input.bountyId ?? null) !== row.bountyId;
      setPurpose(tx, id, purpose, input.bountyId ?? null);
    } else {
      sourceRevisionId = requireTutorial(tx, row.sourceTutorialId).currentRevisionId;
    }
    const same = current.title === input.title.trim() && current.summary === input.summary.trim() && current.body === input.body;
    if (same && !purposeChanged && sourceRevisionId === current.sourceRevisionId) {
      throw new Unprocessable(`Nothing changed since revision ${current.number}.`);
    }
    const revision = addRevision(tx, id, actor, input, sourceRevisionId, now);
    if (row.sourceTutorialId === null && row.status === "published") tellAboutLiveRevision(tx, actor, row, authors, revision, now);
    recordAudit(
      tx,
      actor,
      {
        action: "tutorial.revised",
        entityType: "tutorial",
        entityId: id,
        before: { revision: current.number },
        after: { revision: revision.number, sourceRevisionId },
      },
      now,
    );
    return revision;
  });
}

/**
 * Starts a translation of a published tutorial into `lang` (a canonical BCP 47 tag), as a
 * draft whose first revision records the source revision it was made from.
 * @throws NotFound (no such published tutorial), InvalidField ("lang"), Conflict (that language
 *   has a translation already: edit it instead).
 */
export function startTranslation(db: Db, actor: BountyActor, sourceId: number, lang: string, input: TutorialText, now = Date.now()): TutorialRow {
  requireSignedIn(actor);
  checkText(input);
  return writeTx(db, (tx) => {
    assertMayAct(tx, actor);
    const source = requireTutorial(tx, sourceId);
    if (source.sourceTutorialId !== null || !isPublic(source.status)) throw new NotFound("There is no such published tutorial to translate.");
    if (lang === source.lang) throw new InvalidField("lang", "The tutorial is written in that language already: choose another.");
    const existing = tx
      .select({ id: tutorials.id })
      .from(tutorials)
      .where(and(eq(tutorials.sourceTutorialId, sourceId), eq(tutorials.lang, lang)))
      .get();
    if (existing) throw new Conflict("There is a translation into that language already: improve it instead of starting another.");
    const row = tx
      .insert(tutorials)
      .values({ sourceTutorialId: sourceId, lang, status: "draft", createdByUserId: actor.userId, createdAt: now, updatedAt: now })
      .returning()
      .get();
    const revision = addRevision(tx, row.id, actor, input, source.currentRevisionId, now);
    recordAudit(
      tx,
      actor,
      {
        action: "tutorial.translation_started",
        entityType: "tutorial",
        entityId: row.id,
        after: { source: sourceId, lang, sourceRevisionId: revision.sourceRevisionId },
      },
      now,
    );
    return requireTutorial(tx, row.id);
  });
}

/**
 * Moves a tutorial or translation through its review (app/lib/tutorial-lifecycle.ts), with
 * its audit record; publishing a tutorial completes the tutorial bounty it answers.
 * @throws NotFound (or may not read it), Forbidden (who may act, incl. an author publishing
 *   their own), InvalidTransition (409), Unprocessable (a missing reason), Conflict (a
 *   translation of a tutorial that is not published).
 */
export function actOnTutorial(db: Db, actor: BountyActor, id: number, intent: TutorialIntent, reason: string | null = null, now = Date.now()): TutorialRow {
  return writeTx(db, (tx) => {
    assertMayAct(tx, actor);
    const { row, authors } = requireReadable(tx, actor, id);
    const refusal = tutorialRefusal(intent, { isAuthor: isAuthor(actor, authors), isReviewer: isBountyReviewer(actor) });
    if (refusal) throw new Forbidden(refusal);
    const move = nextTutorialStatus(row.status, intent);
    if (!move.ok) throw new InvalidTransition(move.reason);
    const why = reason?.trim() || null;
    if (NEEDS_REASON.includes(intent) && !why) throw new Unprocessable("Say why, so the authors know what to do next.");
    if (why && why.length > NOTE_MAX) throw new InvalidField("reason", `The reason is at most ${NOTE_MAX} characters.`);
    if (intent === "publish" && row.sourceTutorialId !== null && !isPublic(requireTutorial(tx, row.sourceTutorialId).status)) {
      throw new Conflict("The tutorial it translates is not published, so neither can the translation be.");
    }
    const changes: Partial<TutorialRow> = { status: move.next, updatedAt: now };
    if (intent === "publish")
      Object.assign(changes, { publishedAt: now, firstPublishedAt: row.firstPublishedAt ?? now, publishedByUserId: actor.userId, unpublishedReason: null });
    if (intent === "unpublish") changes.unpublishedReason = why;
    tx.update(tutorials).set(changes).where(eq(tutorials.id, id)).run();

    const view = titleAndLink(tx, { ...row, ...changes });
    let bountyCompleted = false;
    if (intent === "publish" && row.bountyId !== null) {
      bountyCompleted = completeBountyByPublishedWork(
        tx,
        actor,
        row.bountyId,
        { authorIds: authors, creditUserId: row.createdByUserId, note: `Completed by the published tutorial "${view.title}".`, link: view.absoluteLink },
        now,
      );
    }
    tellAboutReview(tx, actor, id, intent, authors, view, why, now);
    recordAudit(
      tx,
      actor,
      {
        action: `tutorial.${intent}`,
        entityType: "tutorial",
        entityId: id,
        before: { status: row.status },
        after: { status: move.next, ...(why ? { reason: why } : {}), ...(bountyCompleted ? { bountyCompleted: row.bountyId } : {}) },
      },
      now,
    );
    return requireTutorial(tx, id);
  });
}

function titleAndLink(tx: Tx, row: TutorialRow): { title: string; link: string; absoluteLink: string } {
  const revision = tx.select({ title: tutorialRevisions.title }).from(tutorialRevisions).where(eq(tutorialRevisions.id, row.currentRevisionId!)).get();
  const link = tutorialPath(tx, row);
  return { title: revision?.title ?? "a tutorial", link, absoluteLink: new URL(link, env.APP_ORIGIN).href };
}

/** The page of a tutorial, or of a translation (/tutorials/:slug/translations/:lang). */
function tutorialPath(tx: Tx | Db, row: Pick<TutorialRow, "slug" | "sourceTutorialId" | "lang">): string {
  if (row.sourceTutorialId === null) return `/tutorials/${row.slug}`;
  const source = requireTutorial(tx, row.sourceTutorialId);
  return `/tutorials/${source.slug}/translations/${row.lang}`;
}

/**
 * A published tutorial's new revision is live at once: SSC members and admins (not its authors)
 * are told so they can look at the diff, and every translator that their translation is now
 * outdated.
 */
function tellAboutLiveRevision(tx: Tx, actor: BountyActor, row: TutorialRow, authors: number[], revision: RevisionRow, now: number) {
  const page = `/tutorials/${row.slug}`;
  notify(
    tx,
    {
      kind: "review_needed",
      recipients: userIdsWithRole(tx, "ssc", "admin").filter((uid) => !authors.includes(uid)),
      exceptUserId: actor.userId,
      eventKey: `tutorial:${row.id}:revision:${revision.number}:live`,
      title: `A published tutorial was revised: ${revision.title}`,
      body: `${actor.label} saved revision ${revision.number} of "${revision.title}", which readers see now. The history shows what changed.`,
      link: `${page}/history?from=${revision.number - 1}&to=${revision.number}`,
    },
    now,
  );
  const translations = tx.select({ id: tutorials.id, lang: tutorials.lang }).from(tutorials).where(eq(tutorials.sourceTutorialId, row.id)).all();
  for (const t of translations) {
    notify(
      tx,
      {
        kind: "watched_change",
        recipients: authorIds(tx, t.id),
        exceptUserId: actor.userId,
        eventKey: `tutorial:${t.id}:source-revision:${revision.id}`,
        title: `Your translation (${t.lang}) is outdated: ${revision.title}`,
        body: `${actor.label} revised the original of your translation. Its page shows what changed; save the translation again to bring it up to date.`,
        link: `${page}/translations/${t.lang}`,
      },
      now,
    );
  }
}

function tellAboutReview(
  tx: Tx,
  actor: BountyActor,
  id: number,
  intent: TutorialIntent,
  authors: number[],
  view: { title: string; link: string },
  why: string | null,
  now: number,
) {
  const key = `tutorial:${id}:${intent}:${now}`;
  if (intent === "submit") {
    notify(
      tx,
      {
        kind: "review_needed",
        recipients: userIdsWithRole(tx, "ssc", "admin").filter((uid) => !authors.includes(uid)),
        exceptUserId: actor.userId,
        eventKey: key,
        title: `A tutorial waits for review: ${view.title}`,
        body: `${actor.label} sent "${view.title}" for review. Publish it, or send it back with what needs doing.`,
        link: view.link,
      },
      now,
    );
  } else if (intent === "publish" || intent === "send_back" || intent === "unpublish") {
    const said = why ? ` They said: "${why}"` : "";
    notify(
      tx,
      {
        kind: intent === "publish" ? "work_completed" : "work_sent_back",
        recipients: authors,
        exceptUserId: actor.userId,
        eventKey: key,
        title: `${intent === "publish" ? "Published" : intent === "unpublish" ? "Unpublished" : "Sent back"}: ${view.title}`,
        body: `${actor.label} ${intent === "publish" ? "published" : intent === "unpublish" ? "unpublished" : "sent back"} "${view.title}".${said}`,
        link: view.link,
      },
      now,
    );
  }
}

// ---------------------------------------------------------------------------
// Reading

export interface PersonRef {
  username: string;
  displayName: string;
}

export interface TutorialView {
  id: number;
  slug: string;
  lang: string;
  status: TutorialStatus;
  /** For a translation: its source's slug, title and status. */
  source: { id: number; slug: string; title: string; lang: string; status: TutorialStatus } | null;
  revision: {
    id: number;
    number: number;
    title: string;
    summary: string;
    body: string;
    bodyHtml: string;
    toc: TocEntry[];
    createdAt: number;
    sourceRevisionId: number | null;
  };
  targets: { id: number; slug: string; name: string }[];
  personas: PersonaSlug[];
  authors: PersonRef[];
  authorIds: number[];
  creditLine: string | null;
  bountyId: number | null;
  firstPublishedAt: number | null;
  publishedAt: number | null;
  unpublishedReason: string | null;
}

function describePurpose(tx: Tx | Db, id: number) {
  return {
    targetIds: tx
      .select({ id: tutorialTargets.targetId })
      .from(tutorialTargets)
      .where(eq(tutorialTargets.tutorialId, id))
      .all()
      .map((r) => r.id)
      .sort(),
    personas: tx
      .select({ slug: tutorialPersonas.personaSlug })
      .from(tutorialPersonas)
      .where(eq(tutorialPersonas.tutorialId, id))
      .all()
      .map((r) => r.slug)
      .sort(),
  };
}

function people(tx: Tx | Db, ids: number[]): PersonRef[] {
  if (ids.length === 0) return [];
  const rows = tx.select({ id: users.id, username: users.username, displayName: users.displayName }).from(users).where(inArray(users.id, ids)).all();
  return ids.map((uid) => rows.find((r) => r.id === uid)).filter((r): r is NonNullable<typeof r> => Boolean(r));
}

function toView(tx: Tx | Db, row: TutorialRow): TutorialView {
  const revision = tx.select().from(tutorialRevisions).where(eq(tutorialRevisions.id, row.currentRevisionId!)).get()!;
  const sourceRow = row.sourceTutorialId === null ? null : requireTutorial(tx, row.sourceTutorialId);
  const purposeOf = sourceRow ?? row;
  const targetRows = tx
    .select({ id: targets.id, slug: targets.slug, name: targets.name })
    .from(tutorialTargets)
    .innerJoin(targets, eq(targets.id, tutorialTargets.targetId))
    .where(eq(tutorialTargets.tutorialId, purposeOf.id))
    .orderBy(asc(targets.name))
    .all();
  const ids = authorIds(tx, row.id);
  const sourceTitle = sourceRow
    ? tx.select({ title: tutorialRevisions.title }).from(tutorialRevisions).where(eq(tutorialRevisions.id, sourceRow.currentRevisionId!)).get()!.title
    : "";
  return {
    id: row.id,
    slug: sourceRow?.slug ?? row.slug!,
    lang: row.lang,
    status: row.status,
    source: sourceRow ? { id: sourceRow.id, slug: sourceRow.slug!, title: sourceTitle, lang: sourceRow.lang, status: sourceRow.status } : null,
    revision: {
      id: revision.id,
      number: revision.number,
      title: revision.title,
      summary: revision.summary,
      body: revision.body,
      bodyHtml: revision.bodyHtml,
      toc: JSON.parse(revision.tocJson) as TocEntry[],
      createdAt: revision.createdAt,
      sourceRevisionId: revision.sourceRevisionId,
    },
    targets: targetRows,
    personas: describePurpose(tx, purposeOf.id).personas as PersonaSlug[],
    authors: people(tx, ids),
    authorIds: ids,
    creditLine: row.creditLine,
    bountyId: row.bountyId,
    firstPublishedAt: row.firstPublishedAt,
    publishedAt: row.publishedAt,
    unpublishedReason: row.unpublishedReason,
  };
}

/** A tutorial (in its source language) by slug, if this viewer may read it. */
export function getTutorial(db: Db, viewer: Viewer | null, slug: string): TutorialView | null {
  const row = db
    .select()
    .from(tutorials)
    .where(and(eq(tutorials.slug, slug), isNull(tutorials.sourceTutorialId)))
    .get();
  if (!row) return null;
  if (!mayReadTutorial(viewer, row, authorIds(db, row.id))) return null;
  return toView(db, row);
}

/** A tutorial's translation into `lang`, if this viewer may read it. */
export function getTranslation(db: Db, viewer: Viewer | null, sourceId: number, lang: string): TutorialView | null {
  const row = db
    .select()
    .from(tutorials)
    .where(and(eq(tutorials.sourceTutorialId, sourceId), eq(tutorials.lang, lang)))
    .get();
  if (!row) return null;
  if (!mayReadTutorial(viewer, { status: row.status, sourceStatus: requireTutorial(db, sourceId).status }, authorIds(db, row.id))) return null;
  return toView(db, row);
}

/** Whether a translation's source has moved on since it was made, and by how much. */
export interface Freshness {
  outdated: boolean;
  /** The source revision number it was made from, and the source's newest. */
  translatedFrom: number | null;
  sourceNow: number;
}

function freshness(tx: Tx | Db, sourceRevisionId: number | null, sourceCurrentRevisionId: number): Freshness {
  const numberOf = (revId: number | null) =>
    revId === null ? null : (tx.select({ n: tutorialRevisions.number }).from(tutorialRevisions).where(eq(tutorialRevisions.id, revId)).get()?.n ?? null);
  return { outdated: sourceRevisionId !== sourceCurrentRevisionId, translatedFrom: numberOf(sourceRevisionId), sourceNow: numberOf(sourceCurrentRevisionId)! };
}

/**
 * A translation is *outdated* when its newest revision was made from an older source revision
 * than the source's newest; then `diff` is what changed in the source since.
 */
export function translationFreshness(db: Db, translation: TutorialView): (Freshness & { diff: ReturnType<typeof diffText> | null }) | null {
  if (!translation.source) return null;
  const source = requireTutorial(db, translation.source.id);
  const f = freshness(db, translation.revision.sourceRevisionId, source.currentRevisionId!);
  if (!f.outdated || translation.revision.sourceRevisionId === null) return { ...f, diff: null };
  const body = (revId: number) => db.select().from(tutorialRevisions).where(eq(tutorialRevisions.id, revId)).get()!;
  const then = body(translation.revision.sourceRevisionId);
  const now = body(source.currentRevisionId!);
  return { ...f, diff: diffText(revisionText(then), revisionText(now)) };
}

/** A revision as the text the diff compares: its title, summary and body. */
function revisionText(r: Pick<RevisionRow, "title" | "summary" | "body">): string {
  return `# ${r.title}\n\n${r.summary}\n\n${r.body}`;
}

export interface TranslationSummary {
  lang: string;
  status: TutorialStatus;
  outdated: boolean;
  title: string;
}

/** The translations of a tutorial this viewer may read, by language. */
export function listTranslations(db: Db, viewer: Viewer | null, source: { id: number; status: TutorialStatus }): TranslationSummary[] {
  const current = requireTutorial(db, source.id).currentRevisionId!;
  return db
    .select({ row: tutorials, title: tutorialRevisions.title, sourceRevisionId: tutorialRevisions.sourceRevisionId })
    .from(tutorials)
    .innerJoin(tutorialRevisions, eq(tutorialRevisions.id, tutorials.currentRevisionId))
    .where(eq(tutorials.sourceTutorialId, source.id))
    .orderBy(asc(tutorials.lang))
    .all()
    .filter((r) => mayReadTutorial(viewer, { status: r.row.status, sourceStatus: source.status }, authorIds(db, r.row.id)))
    .map((r) => ({ lang: r.row.lang, status: r.row.status, outdated: r.sourceRevisionId !== current, title: r.title }));
}

export interface TutorialCard {
  slug: string;
  lang: string;
  title: string;
  summary: string;
  status: TutorialStatus;
  outdated: boolean;
  targets: { slug: string; name: string }[];
  personas: string[];
  languages: string[];
  firstPublishedAt: number | null;
}

/**
 * Published tutorials, newest first: in the source language, or with `lang` their published
 * translations into it (each flagged outdated or not). Filters by target slug and persona.
 */
export function listTutorials(db: Db, filters: { lang?: string; target?: string; persona?: PersonaSlug } = {}, limit = 500): TutorialCard[] {
  const sources = db
    .select()
    .from(tutorials)
    .where(
      and(
        isNull(tutorials.sourceTutorialId),
        eq(tutorials.status, "published"),
        filters.target
          ? sql`exists (select 1 from tutorial_targets tt join targets tg on tg.id = tt.target_id where tt.tutorial_id = ${tutorials.id} and tg.slug = ${filters.target})`
          : undefined,
        filters.persona
          ? sql`exists (select 1 from tutorial_personas tp where tp.tutorial_id = ${tutorials.id} and tp.persona_slug = ${filters.persona})`
          : undefined,
      ),
    )
    .orderBy(desc(tutorials.firstPublishedAt), desc(tutorials.id))
    .limit(limit)
    .all();
  const cards: TutorialCard[] = [];
  for (const source of sources) {
    const view = toView(db, source);
    const translations = db
      .select({ row: tutorials, revision: tutorialRevisions })
      .from(tutorials)
      .innerJoin(tutorialRevisions, eq(tutorialRevisions.id, tutorials.currentRevisionId))
      .where(and(eq(tutorials.sourceTutorialId, source.id), eq(tutorials.status, "published")))
      .orderBy(asc(tutorials.lang))
      .all();
    const base = { slug: view.slug, targets: view.targets, personas: view.personas, languages: [source.lang, ...translations.map((t) => t.row.lang)] };
    if (!filters.lang || filters.lang === source.lang) {
      cards.push({
        ...base,
        lang: source.lang,
        title: view.revision.title,
        summary: view.revision.summary,
        status: source.status,
        outdated: false,
        firstPublishedAt: source.firstPublishedAt,
      });
      continue;
    }
    const t = translations.find((x) => x.row.lang === filters.lang);
    if (!t) continue;
    cards.push({
      ...base,
      lang: t.row.lang,
      title: t.revision.title,
      summary: t.revision.summary,
      status: t.row.status,
      outdated: t.revision.sourceRevisionId !== source.currentRevisionId,
      firstPublishedAt: t.row.firstPublishedAt,
    });
  }
  return cards;
}

/** What a signed-in person has in the works: their own unpublished tutorials, and (for reviewers) everything waiting for review. */
export function listWork(
  db: Db,
  viewer: Viewer,
): { mine: { title: string; link: string; status: TutorialStatus; lang: string }[]; waiting: { title: string; link: string; lang: string }[] } {
  const describe = (row: TutorialRow) => ({
    title: db.select({ title: tutorialRevisions.title }).from(tutorialRevisions).where(eq(tutorialRevisions.id, row.currentRevisionId!)).get()!.title,
    link: tutorialPath(db, row),
    lang: row.lang,
  });
  const mine =
    viewer.userId === null
      ? []
      : db
          .select()
          .from(tutorials)
          .where(
            and(
              sql`${tutorials.status} <> 'published'`,
              sql`exists (select 1 from tutorial_revisions r where r.tutorial_id = ${tutorials.id} and r.author_user_id = ${viewer.userId})`,
            ),
          )
          .orderBy(desc(tutorials.updatedAt))
          .all()
          .map((row) => ({ ...describe(row), status: row.status }));
  const waiting = isBountyReviewer(viewer)
    ? db.select().from(tutorials).where(eq(tutorials.status, "in_review")).orderBy(asc(tutorials.updatedAt)).all().map(describe)
    : [];
  return { mine, waiting };
}

export interface CoverageRow {
  lang: string;
  upToDate: number;
  outdated: number;
  missing: number;
}

/**
 * Per language that has at least one published translation (plus `extra`, e.g. the language
 * asked for): of the published tutorials, how many have an up-to-date published translation,
 * an outdated one, or none.
 */
export function translationCoverage(db: Db, extra: string[] = []): { published: number; rows: CoverageRow[] } {
  const sources = db
    .select({ id: tutorials.id, current: tutorials.currentRevisionId })
    .from(tutorials)
    .where(and(isNull(tutorials.sourceTutorialId), eq(tutorials.status, "published")))
    .all();
  const published = db
    .select({ sourceId: tutorials.sourceTutorialId, lang: tutorials.lang, sourceRevisionId: tutorialRevisions.sourceRevisionId })
    .from(tutorials)
    .innerJoin(tutorialRevisions, eq(tutorialRevisions.id, tutorials.currentRevisionId))
    .where(and(isNotNull(tutorials.sourceTutorialId), eq(tutorials.status, "published")))
    .all();
  const langs = [...new Set([...published.map((p) => p.lang), ...extra])].filter((l) => l !== SOURCE_LANGUAGE).sort();
  const rows = langs.map((lang) => {
    const row: CoverageRow = { lang, upToDate: 0, outdated: 0, missing: 0 };
    for (const s of sources) {
      const t = published.find((p) => p.sourceId === s.id && p.lang === lang);
      if (!t) row.missing++;
      else if (t.sourceRevisionId === s.current) row.upToDate++;
      else row.outdated++;
    }
    return row;
  });
  return { published: sources.length, rows };
}

/** A tutorial's revisions, newest first (readable by whoever may read the tutorial). */
export function listRevisions(
  db: Db,
  tutorialId: number,
): Pick<RevisionRow, "id" | "number" | "title" | "note" | "authorLabel" | "createdAt" | "sourceRevisionId">[] {
  return db
    .select({
      id: tutorialRevisions.id,
      number: tutorialRevisions.number,
      title: tutorialRevisions.title,
      note: tutorialRevisions.note,
      authorLabel: tutorialRevisions.authorLabel,
      createdAt: tutorialRevisions.createdAt,
      sourceRevisionId: tutorialRevisions.sourceRevisionId,
    })
    .from(tutorialRevisions)
    .where(eq(tutorialRevisions.tutorialId, tutorialId))
    .orderBy(desc(tutorialRevisions.number))
    .all();
}

/**
 * The line diff between two revisions of one tutorial (by number), or null when either does
 * not exist.
 */
export function diffRevisions(db: Db, tutorialId: number, from: number, to: number): ReturnType<typeof diffText> | null {
  const get = (n: number) =>
    db
      .select()
      .from(tutorialRevisions)
      .where(and(eq(tutorialRevisions.tutorialId, tutorialId), eq(tutorialRevisions.number, n)))
      .get();
  const a = get(from);
  const b = get(to);
  if (!a || !b) return null;
  return diffText(revisionText(a), revisionText(b));
}

/** Published tutorials for a target's page (source language), newest first. */
export function listTutorialsForTarget(db: Db, targetId: number): { slug: string; title: string; summary: string; languages: string[] }[] {
  const target = db.select({ slug: targets.slug }).from(targets).where(eq(targets.id, targetId)).get();
  if (!target) return [];
  return listTutorials(db, { target: target.slug }).map((c) => ({ slug: c.slug, title: c.title, summary: c.summary, languages: c.languages }));
}

/** Newly published tutorials for the Atom feed (in a language: its published translations). */
export function listNewlyPublished(db: Db, lang?: string, limit = 50): TutorialCard[] {
  // in a language, older tutorials may have newer translations: look further back
  return listTutorials(db, { lang }, lang ? 500 : limit)
    .sort((a, b) => (b.firstPublishedAt ?? 0) - (a.firstPublishedAt ?? 0))
    .slice(0, limit);
}

/** Open and active tutorial bounties a new tutorial can answer, for the form. */
export function listTutorialBountyOptions(db: Db): { id: number; title: string; targetId: number }[] {
  return db
    .select({ id: bounties.id, title: bounties.title, targetId: bounties.targetId })
    .from(bounties)
    .where(and(eq(bounties.kind, "tutorial"), inArray(bounties.status, [...OPEN_AND_ACTIVE])))
    .orderBy(asc(bounties.title))
    .limit(200)
    .all();
}

/**
 * For the road-to-done ladder (app/models/ladder.server.ts): per target, the page of a
 * published tutorial for it, and of a published translation of one, when there are any.
 */
export function publishedTutorialFacts(
  targetIds: number[],
  db: Db = defaultDb,
): Map<number, { publishedTutorialUrl?: string; translatedTutorialUrl?: string }> {
  const facts = new Map<number, { publishedTutorialUrl?: string; translatedTutorialUrl?: string }>();
  if (targetIds.length === 0) return facts;
  const rows = db
    .select({ targetId: tutorialTargets.targetId, id: tutorials.id, slug: tutorials.slug })
    .from(tutorialTargets)
    .innerJoin(tutorials, eq(tutorials.id, tutorialTargets.tutorialId))
    .where(and(inArray(tutorialTargets.targetId, targetIds), eq(tutorials.status, "published")))
    .orderBy(asc(tutorials.firstPublishedAt), asc(tutorials.id))
    .all();
  for (const r of rows) {
    const fact = facts.get(r.targetId) ?? {};
    fact.publishedTutorialUrl ??= `/tutorials/${r.slug}`;
    if (!fact.translatedTutorialUrl) {
      const t = db
        .select({ lang: tutorials.lang })
        .from(tutorials)
        .where(and(eq(tutorials.sourceTutorialId, r.id), eq(tutorials.status, "published")))
        .orderBy(asc(tutorials.lang))
        .get();
      if (t) fact.translatedTutorialUrl = `/tutorials/${r.slug}/translations/${t.lang}`;
    }
    facts.set(r.targetId, fact);
  }
  return facts;
}

/** The source tutorial's id and status for a slug (whatever its state), for routes that then check who may read it. */
export function getTutorialRowBySlug(db: Db, slug: string): TutorialRow | null {
  return (
    db
      .select()
      .from(tutorials)
      .where(and(eq(tutorials.slug, slug), isNull(tutorials.sourceTutorialId)))
      .get() ?? null
  );
}
