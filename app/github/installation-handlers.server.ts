// The GitHub App's `installation` and `installation_repositories` events, translated into model
// calls (inside the delivery's transaction, like every handler).
import { recordInstallation, recordInstallationRepos } from "../models/github-installations.server";
import { InstallationEvent, InstallationRepositoriesEvent } from "./payloads";
import type { Db } from "../db.server";
import type { Outcome } from "./handlers.server";
import type { z } from "zod";

export const INSTALLATION_HANDLED: Record<string, readonly string[]> = {
  installation: ["created", "deleted", "suspend", "unsuspend", "new_permissions_accepted"],
  installation_repositories: ["added", "removed"],
};

type Installation = z.infer<typeof InstallationEvent>["installation"];

const factsOf = (i: Installation) => ({
  id: i.id,
  account: i.account.login,
  accountType: i.account.type ?? null,
  repositorySelection: i.repository_selection ?? null,
  suspendedAt: i.suspended_at ? Date.parse(i.suspended_at) : null,
});

const reposOf = (list: { id: number; full_name: string }[]) => list.map((r) => ({ id: r.id, fullName: r.full_name }));

export function handleInstallationEvent(db: Db, event: string, payload: unknown, now: number): Outcome {
  if (event === "installation") {
    const p = InstallationEvent.safeParse(payload);
    if (!p.success) return { status: "invalid", note: p.error.issues[0]?.message };
    recordInstallation(db, p.data.action, factsOf(p.data.installation), p.data.repositories ? reposOf(p.data.repositories) : null, now);
    return { status: "processed" };
  }
  const p = InstallationRepositoriesEvent.safeParse(payload);
  if (!p.success) return { status: "invalid", note: p.error.issues[0]?.message };
  const facts = { ...factsOf(p.data.installation), repositorySelection: p.data.repository_selection ?? p.data.installation.repository_selection ?? null };
  recordInstallationRepos(db, facts, reposOf(p.data.repositories_added), reposOf(p.data.repositories_removed), now);
  return { status: "processed" };
}
