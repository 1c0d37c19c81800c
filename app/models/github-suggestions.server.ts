// Discovery's records: upstream repositories searched for SPIFFE/SPIRE/workload-identity issues,
// and the "Suggested issues" queue SSC members and admins link to targets or dismiss.
// app/github/discovery.server.ts does the searching and calls these between requests.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { githubDiscoveryRepos, githubSuggestions, targets } from "~/db/schema";
import { writeTx, type Db } from "../db.server";
import { recordAudit, type Actor } from "./audit.server";
import { Conflict, NotFound } from "./errors";
import { linkIssueTx, upsertIssue, type IssueSnapshot } from "./github.server";

export type DiscoveryRepoRow = typeof githubDiscoveryRepos.$inferSelect;

/** Upstream repositories of targets still in the catalog (every one a target lists), lowercased. */
const UPSTREAM_REPOS = sql`select lower(tr.repo) from target_repositories tr join targets t on t.id = tr.target_id and t.retired_at is null where tr.repo like '%/%'`;

/** Every upstream repository of every target in the catalog, each with its discovery row (made on first sight), least recently searched first. */
export function listDiscoveryRepos(db: Db): DiscoveryRepoRow[] {
  return writeTx(db, (tx) => {
    tx.run(sql`insert or ignore into github_discovery_repos (repo) ${UPSTREAM_REPOS}`);
    return tx
      .select()
      .from(githubDiscoveryRepos)
      .where(sql`${githubDiscoveryRepos.repo} in (${UPSTREAM_REPOS})`)
      .orderBy(sql`${githubDiscoveryRepos.lastSearchedAt} is not null`, asc(githubDiscoveryRepos.lastSearchedAt))
      .all();
  });
}

/**
 * Suggests each found item to every target of the repository, unless it is linked to that target
 * already or was suggested before (linked, dismissed or still waiting: the unique index remembers).
 * Returns how many suggestions are new.
 */
export function recordDiscoveryResults(db: Db, repo: string, items: IssueSnapshot[], now: number): number {
  return writeTx(db, (tx) => {
    // every target in the catalog that lists the repository among its upstream ones
    const targetIds = tx
      .select({ id: targets.id })
      .from(targets)
      .where(
        sql`${targets.retiredAt} is null and exists (select 1 from target_repositories tr where tr.target_id = ${targets.id} and lower(tr.repo) = ${repo.toLowerCase()})`,
      )
      .all()
      .map((t) => t.id);
    let added = 0;
    for (const targetId of targetIds) {
      for (const item of items) {
        const linked = tx.get<{ n: number }>(sql`select count(*) as n from target_issues ti join github_issues gi on gi.id = ti.issue_id
          where ti.target_id = ${targetId} and lower(gi.repo) = ${item.repo.toLowerCase()} and gi.number = ${item.number}`);
        if (linked.n > 0) continue;
        added += tx
          .insert(githubSuggestions)
          .values({
            targetId,
            repo: item.repo,
            number: item.number,
            kind: item.kind,
            githubId: item.githubId,
            title: item.title,
            url: item.url,
            authorLogin: item.author,
            labelsJson: JSON.stringify(item.labels),
            githubUpdatedAt: item.updatedAt,
            foundAt: now,
          })
          .onConflictDoNothing()
          .run().changes;
      }
    }
    tx.update(githubDiscoveryRepos).set({ lastSearchedAt: now, nextAllowedAt: null }).where(eq(githubDiscoveryRepos.repo, repo.toLowerCase())).run();
    return added;
  });
}

export function recordDiscoveryProblem(db: Db, repo: string, problem: { message: string; until?: number }, now: number) {
  db.update(githubDiscoveryRepos)
    .set({ lastError: problem.message.slice(0, 500), lastErrorAt: now, ...(problem.until ? { nextAllowedAt: problem.until } : {}) })
    .where(eq(githubDiscoveryRepos.repo, repo.toLowerCase()))
    .run();
}

/** The queue: suggestions waiting for a decision, newest first, with their target. */
export function listSuggestions(db: Db) {
  return db
    .select({
      id: githubSuggestions.id,
      repo: githubSuggestions.repo,
      number: githubSuggestions.number,
      kind: githubSuggestions.kind,
      title: githubSuggestions.title,
      url: githubSuggestions.url,
      authorLogin: githubSuggestions.authorLogin,
      foundAt: githubSuggestions.foundAt,
      targetSlug: targets.slug,
      targetName: targets.name,
    })
    .from(githubSuggestions)
    .innerJoin(targets, eq(targets.id, githubSuggestions.targetId))
    .where(eq(githubSuggestions.status, "suggested"))
    .orderBy(desc(githubSuggestions.foundAt), desc(githubSuggestions.id))
    .limit(200)
    .all();
}

/**
 * Links a suggestion to its target (the mirror row starts from what the search said), or
 * dismisses it for good; one transaction with the audit record. A suggestion already decided:
 * Conflict; none with that id: NotFound.
 */
export function decideSuggestion(db: Db, actor: Actor, id: number, decision: "link" | "dismiss", now = Date.now()) {
  return writeTx(db, (tx) => {
    const s = tx.select().from(githubSuggestions).where(eq(githubSuggestions.id, id)).get();
    if (!s) throw new NotFound("There is no such suggestion.");
    if (s.status !== "suggested") throw new Conflict(`This suggestion was ${s.status} already.`);
    if (decision === "link") {
      linkIssueTx(tx, actor, s.targetId, { repo: s.repo, number: s.number }, s.kind, now);
      upsertIssue(
        tx,
        {
          githubId: s.githubId,
          repo: s.repo,
          number: s.number,
          kind: s.kind,
          title: s.title,
          state: "open",
          stateReason: null,
          labels: s.labelsJson ? (JSON.parse(s.labelsJson) as string[]) : [],
          assignees: [],
          author: s.authorLogin,
          url: s.url,
          updatedAt: s.githubUpdatedAt,
          mergedAt: null,
        },
        s.foundAt,
      );
    }
    const status = decision === "link" ? "linked" : "dismissed";
    tx.update(githubSuggestions)
      .set({ status, decidedByUserId: actor.userId, decidedAt: now })
      .where(and(eq(githubSuggestions.id, id), eq(githubSuggestions.status, "suggested")))
      .run();
    recordAudit(
      tx,
      actor,
      {
        action: `github.suggestion_${status}`,
        entityType: "github_suggestion",
        entityId: id,
        before: { status: "suggested" },
        after: { status, issue: `${s.repo}#${s.number}` },
      },
      now,
    );
    return { status, targetId: s.targetId };
  });
}
