// The GitHub App's installation events (app/github/installation-handlers.server.ts), from
// GitHub's example payloads, signed and posted to the route in this process: what is recorded
// about each installation (account, its type, which repositories, suspended or not), and a
// payload that does not fit. (Created, repositories added and removed, deleted:
// github-app.test.ts.)
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { listInstallations } from "~/app/models/github-installations.server";
import { getDeliveryByGuid } from "~/app/models/github.server";
import { deliveryHeaders, example } from "../support/github-webhooks";
import { call } from "../support/remix";
import { webhook } from "../support/webhook-endpoint";

async function deliver(event: string, payload: unknown) {
  const id = crypto.randomUUID();
  const body = JSON.stringify(payload);
  const res = await call(
    webhook,
    "/webhooks/github",
    {},
    { method: "POST", headers: deliveryHeaders(event, body, process.env.GITHUB_WEBHOOK_SECRET!, id), body },
  );
  expect(res.status).toBe(200);
  return getDeliveryByGuid(db, id)!;
}
const installation = (id: number) => listInstallations(db).find((i) => i.installationId === id);
const repo = (id: number, fullName: string) => ({ id, node_id: `R_${id}`, name: fullName.split("/")[1], full_name: fullName, private: false });

/** GitHub's example of `event.action`, for installation `id` on `account`. */
function payload(event: string, action: string, id: number, account = "spiffe") {
  const p = example(event, action);
  p.installation.id = id;
  p.installation.account.login = account;
  return p;
}

describe("installation events", () => {
  it("records the account, whether it is a user or an organization, and which repositories it chose", async () => {
    const created = payload("installation", "created", 8101);
    created.installation.account.type = "Organization";
    created.installation.repository_selection = "selected";
    created.repositories = [repo(11, "spiffe/spire")];
    expect(await deliver("installation", created)).toMatchObject({ status: "processed" });
    expect(installation(8101)).toMatchObject({
      account: "spiffe",
      accountType: "Organization",
      repositorySelection: "selected",
      suspendedAt: null,
      deletedAt: null,
      repos: ["spiffe/spire"],
    });
  });

  it("a suspension is recorded with GitHub's time and lifted on unsuspend; the repositories stay", async () => {
    const suspended = payload("installation", "suspend", 8101);
    suspended.installation.suspended_at = "2026-11-29T08:00:00Z";
    delete suspended.repositories;
    await deliver("installation", suspended);
    expect(installation(8101)).toMatchObject({ suspendedAt: Date.parse("2026-11-29T08:00:00Z"), repos: ["spiffe/spire"] });
    const lifted = payload("installation", "unsuspend", 8101);
    lifted.installation.suspended_at = null;
    delete lifted.repositories;
    await deliver("installation", lifted);
    expect(installation(8101)).toMatchObject({ suspendedAt: null, repos: ["spiffe/spire"] });
  });

  it("new permissions accepted are recorded like any other change", async () => {
    const accepted = payload("installation", "new_permissions_accepted", 8101);
    delete accepted.repositories;
    expect(await deliver("installation", accepted)).toMatchObject({ status: "processed" });
    expect(installation(8101)?.repos).toEqual(["spiffe/spire"]);
  });

  it("switching to all repositories is taken from the event, not the installation's old setting", async () => {
    const all = payload("installation_repositories", "added", 8101);
    all.installation.repository_selection = "selected";
    all.repository_selection = "all";
    all.repositories_added = [repo(12, "spiffe/spiffe")];
    all.repositories_removed = [];
    await deliver("installation_repositories", all);
    expect(installation(8101)).toMatchObject({ repositorySelection: "all", repos: ["spiffe/spiffe", "spiffe/spire"] });
    const removed = payload("installation_repositories", "removed", 8101);
    delete removed.repository_selection;
    removed.installation.repository_selection = "selected";
    removed.repositories_added = [];
    removed.repositories_removed = [repo(11, "spiffe/spire")];
    await deliver("installation_repositories", removed);
    expect(installation(8101)).toMatchObject({ repositorySelection: "selected", repos: ["spiffe/spiffe"] });
  });

  it("a payload that does not fit is stored as invalid with the reason, and records nothing", async () => {
    const before = listInstallations(db);
    const bad = payload("installation", "created", 8102);
    bad.installation.id = "8102";
    const stored = await deliver("installation", bad);
    expect(stored).toMatchObject({ status: "invalid", error: "Invalid input: expected number, received string" });
    const badRepos = payload("installation_repositories", "added", 8102);
    badRepos.repositories_added = "spiffe/spire";
    expect(await deliver("installation_repositories", badRepos)).toMatchObject({ status: "invalid", error: "Invalid input: expected array, received string" });
    expect(listInstallations(db)).toEqual(before);
  });
});
