import { and, count, desc, eq, gte, inArray, isNull, max, ne, notInArray, or, sql } from "drizzle-orm";
import { adjustTargetIssues } from "~/db/issue-counts";
import { placeholders, preparedPerDatabase } from "~/db/prepared";
import {
  bounties,
  githubHooks,
  githubIssues,
  pullLinks,
  repoReleases,
  targetIssues,
  targetRepositories,
  targets,
  targetSlugRedirects,
  webhookDeliveries,
  type DeliveryStatus,
  type PullRelation,
} from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { githubIssueUrl } from "../lib/links";
import { compareVersions } from "../lib/versions";
import { recordAudit, type Actor } from "./audit.server";
import { NotFound } from "./errors";

export type IssueRow = typeof githubIssues.$inferSelect;

/** What a webhook tells us about an issue or pull request at one moment. */
export interface IssueSnapshot {
  githubId: number;
  repo: string;
  /** GitHub's id of the repository, when the source says (webhooks do; the REST issue does not). */
  repoId?: number | null;
  number: number;
  kind: "issue" | "pull";
  title: string;
  state: "open" | "closed" | "merged";
  stateReason: string | null;
  labels: string[];
  assignees: string[];
  author: string | null;
  url: string;
  updatedAt: number;
  mergedAt: number | null;
}

const issueQueries = preparedPerDatabase((db: Db | Tx) => {
  const { placeholder } = sql;
  const byRepoAndNumber = and(sql`lower(${githubIssues.repo}) = ${placeholder("repo")}`, eq(githubIssues.number, placeholder("number")));
  return {
    byGithubId: db
      .select()
      .from(githubIssues)
      .where(and(eq(githubIssues.githubId, placeholder("githubId")), eq(githubIssues.kind, placeholder("kind"))))
      .prepare(),
    byNumber: db.select().from(githubIssues).where(byRepoAndNumber).prepare(),
    byNumberInRepo: db
      .select()
      .from(githubIssues)
      .where(and(byRepoAndNumber, or(isNull(githubIssues.repoId), eq(githubIssues.repoId, placeholder("repoId")))))
      .prepare(),
    update: db
      .update(githubIssues)
      .set(
        placeholders([
          "githubId",
          "repo",
          "repoId",
          "number",
          "kind",
          "title",
          "state",
          "stateReason",
          "labelsJson",
          "assigneesJson",
          "authorLogin",
          "url",
          "githubUpdatedAt",
          "mergedAt",
          "syncedAt",
        ]),
      )
      .where(eq(githubIssues.id, placeholder("id")))
      .returning()
      .prepare(),
    linkedTargets: db
      .select({ id: targetIssues.targetId })
      .from(targetIssues)
      .where(eq(targetIssues.issueId, placeholder("issueId")))
      .prepare(),
    repositoryTargets: db
      .select({ id: targetRepositories.targetId })
      .from(targetRepositories)
      .where(sql`lower(${targetRepositories.repo}) = ${placeholder("repo")}`)
      .prepare(),
    linkByLabel: db
      .insert(targetIssues)
      .values({ targetId: placeholder("targetId"), issueId: placeholder("issueId"), source: "label", createdAt: placeholder("createdAt") })
      .onConflictDoNothing()
      .prepare(),
    delivery: db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.deliveryId, placeholder("deliveryId")))
      .prepare(),
  };
});

/**
 * The mirror row of an issue or PR: by GitHub's id within its kind (issue ids and
 * pull-request ids are separate id spaces, so the same number can name one of each),
 * else by repository and number, never a row of another repository that once had this
 * name (a known repository id that differs).
 */
function findIssue(
  tx: Tx | Db,
  repo: string,
  number: number,
  byId?: { githubId: number | null; kind: IssueSnapshot["kind"]; repoId?: number | null },
): IssueRow | null {
  const q = issueQueries(tx);
  if (byId?.githubId) {
    const found = q.byGithubId.get({ githubId: byId.githubId, kind: byId.kind });
    if (found) return found;
  }
  const where = { repo: repo.toLowerCase(), number };
  return (byId?.repoId ? q.byNumberInRepo.get({ ...where, repoId: byId.repoId }) : q.byNumber.get(where)) ?? null;
}

export function getIssue(db: Db, repo: string, number: number): IssueRow | null {
  return findIssue(db, repo, number);
}

/**
 * Mirrors an issue or PR. Events arrive out of order: a snapshot older than what is
 * stored changes nothing (`fresh: false`). A merged PR stays merged.
 */
export function upsertIssue(tx: Tx | Db, snap: IssueSnapshot, now: number): { row: IssueRow; fresh: boolean } {
  const existing = findIssue(tx, snap.repo, snap.number, snap);
  const values = {
    githubId: snap.githubId,
    repo: snap.repo,
    repoId: snap.repoId ?? existing?.repoId ?? null,
    number: snap.number,
    kind: snap.kind,
    title: snap.title,
    state: snap.state,
    stateReason: snap.stateReason,
    labelsJson: JSON.stringify(snap.labels),
    assigneesJson: JSON.stringify(snap.assignees),
    authorLogin: snap.author,
    url: snap.url,
    githubUpdatedAt: snap.updatedAt,
    mergedAt: snap.mergedAt,
    syncedAt: now,
  };
  if (!existing) {
    return { row: tx.insert(githubIssues).values(values).returning().get(), fresh: true };
  }
  if (existing.githubUpdatedAt !== null && snap.updatedAt < existing.githubUpdatedAt) {
    tx.update(githubIssues).set({ syncedAt: now }).where(eq(githubIssues.id, existing.id)).run();
    return { row: existing, fresh: false };
  }
  const merged = existing.state === "merged" ? { state: "merged" as const, mergedAt: existing.mergedAt } : {};
  const row = issueQueries(tx).update.get({ ...values, ...merged, id: existing.id })!;
  // open <-> closed/merged moves the issue between the counters of every linked target
  const wasOpen = existing.state === "open";
  const isOpen = row.state === "open";
  if (wasOpen !== isOpen) adjustTargetIssues(tx, linkedTargets(tx, row.id), isOpen ? { open: 1, closed: -1 } : { open: -1, closed: 1 });
  return { row, fresh: true };
}

/** A row for an issue we have only seen referenced (by a PR), to be filled in later. */
export function ensureIssuePlaceholder(tx: Tx | Db, repo: string, number: number): IssueRow {
  return (
    findIssue(tx, repo, number) ??
    tx
      .insert(githubIssues)
      .values({ repo, number, kind: "issue", title: `${repo}#${number}`, state: "open", url: githubIssueUrl(repo, number) })
      .returning()
      .get()
  );
}

function linkedTargets(tx: Tx | Db, issueId: number): number[] {
  return issueQueries(tx)
    .linkedTargets.all({ issueId })
    .map((r) => r.id);
}

export const labelsOf = (row: IssueRow): string[] => (row.labelsJson ? (JSON.parse(row.labelsJson) as string[]) : []);

/**
 * Links an issue to the targets its labels name: `club-zero` on one of the target's upstream
 * repositories, or `club-zero:<target-slug>` anywhere (a slug the target had before a rename
 * still counts: labels on GitHub are not renamed with it). Returns the ids of every target the
 * issue is linked to (including earlier links).
 */
export function linkByLabels(tx: Tx | Db, issue: IssueRow, now: number): number[] {
  const labels = labelsOf(issue).map((l) => l.toLowerCase());
  const wanted = new Set<number>();
  if (labels.includes("club-zero")) {
    for (const t of issueQueries(tx).repositoryTargets.all({ repo: issue.repo.toLowerCase() })) wanted.add(t.id);
  }
  const slugs = labels.filter((l) => l.startsWith("club-zero:")).map((l) => l.slice("club-zero:".length));
  if (slugs.length > 0) {
    for (const t of tx.select({ id: targets.id }).from(targets).where(inArray(targets.slug, slugs)).all()) wanted.add(t.id);
    for (const t of tx.select({ id: targetSlugRedirects.targetId }).from(targetSlugRedirects).where(inArray(targetSlugRedirects.slug, slugs)).all())
      wanted.add(t.id);
  }
  const added = [...wanted].filter((targetId) => issueQueries(tx).linkByLabel.run({ targetId, issueId: issue.id, createdAt: new Date(now) }).changes > 0);
  adjustTargetIssues(tx, added, issue.state === "open" ? { open: 1, closed: 0 } : { open: 0, closed: 1 });
  return linkedTargets(tx, issue.id);
}

/**
 * Records that a PR references an issue, as its fix or only related. The PR's latest
 * body and base branch decide: a PR retargeted to another branch becomes related.
 */
export function linkPull(tx: Tx | Db, pullId: number, issueId: number, relation: PullRelation, now: number) {
  tx.insert(pullLinks)
    .values({ pullId, issueId, relation, createdAt: now })
    .onConflictDoUpdate({ target: [pullLinks.pullId, pullLinks.issueId], set: { relation } })
    .run();
}

/** Links of this PR to issues other than `keep` become `related`: its current text no longer names them as fixed. */
export function demoteOtherLinks(tx: Tx | Db, pullId: number, keep: number[]) {
  tx.update(pullLinks)
    .set({ relation: "related" })
    .where(and(eq(pullLinks.pullId, pullId), keep.length > 0 ? notInArray(pullLinks.issueId, keep) : undefined))
    .run();
}

/** PRs that fix this issue (or, with `related`, every PR that mentions it), newest first. */
export function listPullsFor(tx: Tx | Db, issueId: number, opts: { related?: boolean } = {}): (IssueRow & { relation: PullRelation })[] {
  return tx
    .select({ pr: githubIssues, relation: pullLinks.relation })
    .from(pullLinks)
    .innerJoin(githubIssues, eq(githubIssues.id, pullLinks.pullId))
    .where(and(eq(pullLinks.issueId, issueId), opts.related ? undefined : eq(pullLinks.relation, "fixes")))
    .orderBy(desc(githubIssues.githubUpdatedAt))
    .all()
    .map((r) => ({ ...r.pr, relation: r.relation }));
}

/** Issues a PR fixes (closing keywords into the default branch); related mentions are not acted on. */
export function listIssuesForPull(tx: Tx | Db, pullId: number): IssueRow[] {
  return tx
    .select({ issue: githubIssues })
    .from(pullLinks)
    .innerJoin(githubIssues, eq(githubIssues.id, pullLinks.issueId))
    .where(and(eq(pullLinks.pullId, pullId), eq(pullLinks.relation, "fixes")))
    .all()
    .map((r) => r.issue);
}

/** The pull requests of a bounty's GitHub issue, fixes and related, for its page. */
export function listPullsForBounty(db: Db, bounty: { githubRepo: string | null; githubNumber: number | null }) {
  if (!bounty.githubRepo || bounty.githubNumber === null) return [];
  const issue = findIssue(db, bounty.githubRepo, bounty.githubNumber);
  if (!issue) return [];
  return listPullsFor(db, issue.id, { related: true }).map((pr) => ({
    repo: pr.repo,
    number: pr.number,
    title: pr.title,
    url: pr.url,
    state: pr.state,
    relation: pr.relation,
  }));
}

/**
 * A repository is the same repository under a new name (GitHub keeps its id through a
 * rename and a transfer to another owner). Every row under a name this id had before
 * takes the new one: the mirror rows, the bounties tracking them, the targets whose
 * upstream it is, its latest release. Rows stored before their repository id was known are
 * claimed by name first. Returns the old names it replaced (audited), usually none.
 */
export function followRepository(db: Db, repository: { id: number; fullName: string }, actor: Actor, now: number): string[] {
  const { id, fullName } = repository;
  // Every event comes through here: plain SQL (compiled once, cached) on indexes only, whatever
  // the repository's size. INDEXED BY: the planner would otherwise walk every row whose
  // repository id is unknown (github_issues_repo_id_idx on repo_id = null).
  db.$client
    .prepare("update github_issues indexed by github_issues_unknown_repo_idx set repo_id = ? where repo_id is null and lower(repo) = ?")
    .run(id, fullName.toLowerCase());
  const renamed = db.$client
    .prepare(
      "select exists (select 1 from github_issues where repo_id = ? and repo < ?) or exists (select 1 from github_issues where repo_id = ? and repo > ?)",
    )
    .pluck()
    .get(id, fullName, id, fullName);
  if (renamed !== 1) return [];
  const oldNames = db
    .selectDistinct({ repo: githubIssues.repo })
    .from(githubIssues)
    .where(and(eq(githubIssues.repoId, id), ne(githubIssues.repo, fullName)))
    .all()
    .map((r) => r.repo);
  for (const old of oldNames) {
    // OR IGNORE: a row already stored under the new name (a placeholder for "Fixes new/name#12"
    // seen first) keeps its place rather than failing the delivery.
    db.run(
      sql`update or ignore ${githubIssues} set ${sql.identifier("repo")} = ${fullName}, ${sql.identifier("repo_id")} = ${id} where lower(${githubIssues.repo}) = ${old.toLowerCase()}`,
    );
    db.update(bounties)
      .set({ githubRepo: fullName, updatedAt: now })
      .where(sql`lower(${bounties.githubRepo}) = ${old.toLowerCase()}`)
      .run();
    db.update(targets)
      .set({ repo: fullName })
      .where(sql`lower(${targets.repo}) = ${old.toLowerCase()}`)
      .run();
    // every upstream repository list naming it (labels link through these)
    db.run(
      sql`update or ignore ${targetRepositories} set ${sql.identifier("repo")} = ${fullName} where lower(${targetRepositories.repo}) = ${old.toLowerCase()}`,
    );
    db.run(sql`update or ignore ${repoReleases} set ${sql.identifier("repo")} = ${fullName.toLowerCase()} where ${repoReleases.repo} = ${old.toLowerCase()}`);
    recordAudit(
      db,
      actor,
      { action: "github.repository_renamed", entityType: "github_repository", entityId: id, before: { repo: old }, after: { repo: fullName } },
      now,
    );
  }
  return oldNames;
}

/**
 * An issue moved to another repository (`issues.transferred`): it has a new id and number
 * there. Its targets follow it to the new row, the old row is closed (reason
 * `transferred`), and the bounty tracking it now tracks the new issue. Returns the bounty's
 * id, or null when none tracked it.
 */
export function transferIssue(tx: Tx | Db, from: IssueRow, to: IssueRow, now: number): number | null {
  const links = tx.select({ targetId: targetIssues.targetId, source: targetIssues.source }).from(targetIssues).where(eq(targetIssues.issueId, from.id)).all();
  for (const { targetId, source } of links) {
    const added =
      tx
        .insert(targetIssues)
        .values({ targetId, issueId: to.id, source, createdAt: new Date(now) })
        .onConflictDoNothing()
        .run().changes > 0;
    if (added) adjustTargetIssues(tx, [targetId], to.state === "open" ? { open: 1, closed: 0 } : { open: 0, closed: 1 });
  }
  if (from.state === "open")
    adjustTargetIssues(
      tx,
      links.map((l) => l.targetId),
      { open: -1, closed: 1 },
    );
  tx.update(githubIssues).set({ state: "closed", stateReason: "transferred", syncedAt: now }).where(eq(githubIssues.id, from.id)).run();
  const bounty = tx
    .select({ id: bounties.id })
    .from(bounties)
    .where(and(sql`lower(${bounties.githubRepo}) = ${from.repo.toLowerCase()}`, eq(bounties.githubNumber, from.number)))
    .get();
  if (!bounty) return null;
  tx.update(bounties).set({ githubRepo: to.repo, githubNumber: to.number, updatedAt: now }).where(eq(bounties.id, bounty.id)).run();
  return bounty.id;
}

/**
 * Links a pasted issue/PR to a target (ssc/admin on the target page). The row is a
 * placeholder until GitHub (webhook or sync) fills it in.
 */
export function linkIssueManually(db: Db, actor: Actor, targetId: number, ref: { repo: string; number: number }, kind: "issue" | "pull", now = Date.now()) {
  return writeTx(db, (tx) => linkIssueTx(tx, actor, targetId, ref, kind, now));
}

/** linkIssueManually's work, inside the caller's transaction (a suggestion linked from the queue). */
export function linkIssueTx(tx: Tx, actor: Actor, targetId: number, ref: { repo: string; number: number }, kind: "issue" | "pull", now: number) {
  const target = tx.select({ id: targets.id }).from(targets).where(eq(targets.id, targetId)).get();
  if (!target) throw new NotFound("There is no such target.");
  const issue =
    findIssue(tx, ref.repo, ref.number) ??
    tx
      .insert(githubIssues)
      .values({
        repo: ref.repo,
        number: ref.number,
        kind,
        title: `${ref.repo}#${ref.number}`,
        state: "open",
        url: githubIssueUrl(ref.repo, ref.number, kind),
      })
      .returning()
      .get();
  const { changes } = tx
    .insert(targetIssues)
    .values({ targetId, issueId: issue.id, source: "manual", createdAt: new Date(now) })
    .onConflictDoNothing()
    .run();
  if (changes > 0) adjustTargetIssues(tx, [targetId], issue.state === "open" ? { open: 1, closed: 0 } : { open: 0, closed: 1 });
  if (changes > 0)
    recordAudit(tx, actor, { action: "target.issue_linked", entityType: "target", entityId: targetId, after: { issue: `${ref.repo}#${ref.number}` } }, now);
  return { issue, added: changes > 0 };
}

/** Remembers the latest published release of a repository; an older one changes nothing. */
/**
 * Remembers a published release as the repository's latest unless the stored one is a newer
 * version: a backport (v1.9.3 published after v1.10.0) does not replace it. Tags that do not
 * read as versions are ordered by publication time. Returns whether it became the latest.
 * Reads then writes: call it inside the delivery's transaction.
 */
export function recordRelease(
  tx: Tx | Db,
  release: { repo: string; tag: string; name: string | null; url: string; publishedAt: number },
  now: number,
): boolean {
  const repo = release.repo.toLowerCase();
  const stored = tx.select().from(repoReleases).where(eq(repoReleases.repo, repo)).get();
  if (stored) {
    const order = compareVersions(release.tag, stored.tag);
    if (order !== null ? order < 0 || (order === 0 && release.publishedAt < stored.publishedAt) : release.publishedAt < stored.publishedAt) return false;
  }
  tx.insert(repoReleases)
    .values({ ...release, repo, receivedAt: now })
    .onConflictDoUpdate({
      target: repoReleases.repo,
      set: { tag: release.tag, name: release.name, url: release.url, publishedAt: release.publishedAt, receivedAt: now },
    })
    .run();
  return true;
}

export function getRelease(db: Db, repo: string) {
  return db.select().from(repoReleases).where(eq(repoReleases.repo, repo.toLowerCase())).get() ?? null;
}

export function recordPing(tx: Tx | Db, hook: { hookId: number; type: string | null; target: string | null; events: string[] }, now: number) {
  tx.insert(githubHooks)
    .values({ hookId: hook.hookId, hookType: hook.type, target: hook.target, events: JSON.stringify(hook.events), lastPingAt: now })
    .onConflictDoUpdate({ target: githubHooks.hookId, set: { hookType: hook.type, target: hook.target, events: JSON.stringify(hook.events), lastPingAt: now } })
    .run();
}

// ---------------------------------------------------------------------------
// Deliveries

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export function getDeliveryByGuid(tx: Tx | Db, deliveryId: string): DeliveryRow | null {
  return issueQueries(tx).delivery.get({ deliveryId }) ?? null;
}

export function getDelivery(db: Db, id: number): DeliveryRow | null {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get() ?? null;
}

export function listDeliveries(db: Db, opts: { status?: DeliveryStatus; limit?: number } = {}) {
  return db
    .select({
      id: webhookDeliveries.id,
      deliveryId: webhookDeliveries.deliveryId,
      event: webhookDeliveries.event,
      action: webhookDeliveries.action,
      status: webhookDeliveries.status,
      error: webhookDeliveries.error,
      attempts: webhookDeliveries.attempts,
      receivedAt: webhookDeliveries.receivedAt,
      processedAt: webhookDeliveries.processedAt,
    })
    .from(webhookDeliveries)
    .where(opts.status ? eq(webhookDeliveries.status, opts.status) : undefined)
    .orderBy(desc(webhookDeliveries.id))
    .limit(opts.limit ?? 100)
    .all();
}

/** For the admin health line: the last delivery and failures in the past 24 hours. */
export function getWebhookHealth(db: Db, now = Date.now()) {
  const last =
    db
      .select({ at: max(webhookDeliveries.receivedAt) })
      .from(webhookDeliveries)
      .get()?.at ?? null;
  const failures =
    db
      .select({ n: count() })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, "failed"), gte(webhookDeliveries.receivedAt, now - 86_400_000)))
      .get()?.n ?? 0;
  return { lastDeliveryAt: last, failures24h: failures };
}

/** Stores what the REST API said about an issue (same freshness rule as webhooks). */
export function applySnapshot(db: Db, snap: IssueSnapshot, now = Date.now()) {
  return writeTx(db, (tx) => {
    const { row, fresh } = upsertIssue(tx, snap, now);
    linkByLabels(tx, row, now);
    return fresh;
  });
}
