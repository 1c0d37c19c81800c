// The GitHub App's installations (which accounts installed it, on which repositories), as its
// `installation` and `installation_repositories` webhooks report them. Shown on /admin.
import { and, asc, eq, inArray } from "drizzle-orm";
import { githubInstallationRepos, githubInstallations } from "~/db/schema";
import type { Db, Tx } from "../db.server";

export interface InstallationFacts {
  id: number;
  account: string;
  accountType: string | null;
  repositorySelection: string | null;
  suspendedAt: number | null;
}

type Repo = { id: number; fullName: string };

/**
 * Records an installation's state after `action` (created, deleted, suspend, unsuspend,
 * new_permissions_accepted). `repositories` (sent with `created`) replaces its repository list.
 */
export function recordInstallation(tx: Tx | Db, action: string, facts: InstallationFacts, repositories: Repo[] | null, now: number) {
  const values = {
    account: facts.account,
    accountType: facts.accountType,
    repositorySelection: facts.repositorySelection,
    suspendedAt: action === "unsuspend" ? null : facts.suspendedAt,
    deletedAt: action === "deleted" ? now : null,
    updatedAt: now,
  };
  tx.insert(githubInstallations)
    .values({ installationId: facts.id, ...values })
    .onConflictDoUpdate({ target: githubInstallations.installationId, set: values })
    .run();
  // uninstalled: it reaches nothing any more (the payload still lists what it reached)
  if (action === "deleted" || repositories) tx.delete(githubInstallationRepos).where(eq(githubInstallationRepos.installationId, facts.id)).run();
  if (repositories && action !== "deleted") addRepos(tx, facts.id, repositories, now);
}

function addRepos(tx: Tx | Db, installationId: number, repos: Repo[], now: number) {
  for (const r of repos) {
    tx.insert(githubInstallationRepos)
      .values({ installationId, repoId: r.id, fullName: r.fullName, addedAt: now })
      .onConflictDoUpdate({ target: [githubInstallationRepos.installationId, githubInstallationRepos.repoId], set: { fullName: r.fullName } })
      .run();
  }
}

/** Repositories added to or removed from an installation (`installation_repositories`). */
export function recordInstallationRepos(tx: Tx | Db, facts: InstallationFacts, added: Repo[], removed: Repo[], now: number) {
  recordInstallation(tx, "updated", facts, null, now);
  addRepos(tx, facts.id, added, now);
  if (removed.length > 0) {
    tx.delete(githubInstallationRepos)
      .where(
        and(
          eq(githubInstallationRepos.installationId, facts.id),
          inArray(
            githubInstallationRepos.repoId,
            removed.map((r) => r.id),
          ),
        ),
      )
      .run();
  }
}

/** Every installation with its repositories, for /admin. */
export function listInstallations(db: Db) {
  const repos = db.select().from(githubInstallationRepos).orderBy(asc(githubInstallationRepos.fullName)).all();
  return db
    .select()
    .from(githubInstallations)
    .orderBy(asc(githubInstallations.account))
    .all()
    .map((i) => ({ ...i, repos: repos.filter((r) => r.installationId === i.installationId).map((r) => r.fullName) }));
}
