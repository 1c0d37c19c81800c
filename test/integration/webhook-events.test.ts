// What each webhook event does to a bounty and what its timeline says (app/github/handlers.server.ts),
// for the cases webhooks.test.ts leaves out: payloads that do not fit, pings from an
// organization, deleted issues, bots, drafts, a bounty first seen late, stale PR snapshots.
// GitHub's example payloads (@octokit/webhooks-examples), signed and posted to the route.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { getBounty, getBountyForIssue } from "~/app/models/bounties.server";
import { getDeliveryByGuid, getIssue, getRelease } from "~/app/models/github.server";
import { commentEvent, deliveryHeaders, example, fixingPull, githubUserId, issuesEvent, pullEvent, type IssueSpec } from "../support/github-webhooks";
import { call } from "../support/remix";
import { makeUser } from "../support/users";
import { webhook } from "../support/webhook-endpoint";

const SECRET = process.env.GITHUB_WEBHOOK_SECRET!;

/** Posts a signed delivery; returns the stored delivery row. */
async function deliver(event: string, payload: unknown) {
  const id = crypto.randomUUID();
  const body = JSON.stringify(payload);
  const res = await call(webhook, "/webhooks/github", {}, { method: "POST", headers: deliveryHeaders(event, body, SECRET, id), body });
  expect(res.status, `${event} answered`).toBe(200);
  return getDeliveryByGuid(db, id)!;
}

let issueNo = 7000;
function newIssue(extra: Partial<IssueSpec> = {}): IssueSpec {
  issueNo += 1;
  return { repo: "prometheus/prometheus", number: issueNo, title: `Support SPIFFE ${issueNo}`, updatedAt: at(0), labels: ["club-zero"], ...extra };
}
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 2, 10, minutes)).toISOString().replace(/\.\d{3}Z$/, "Z");
const bountyOf = (spec: IssueSpec) => getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
/** The newest timeline event's type and note. */
const latest = (spec: IssueSpec) => {
  const [e] = bountyOf(spec).events;
  return { type: e!.type, note: e!.note, actorLabel: e!.actorLabel };
};

describe("payloads that do not fit", () => {
  it.each([
    ["issues", { action: "opened", issue: { id: "not a number" }, repository: {}, sender: {} }],
    ["issue_comment", { action: "created", issue: {}, comment: { id: 1 }, repository: {}, sender: {} }],
    ["pull_request", { action: "opened", pull_request: { id: 1 }, repository: {}, sender: {} }],
    ["release", { action: "published", release: { tag_name: 5 }, repository: {} }],
    ["ping", { zen: 42, hook_id: "x" }],
  ])("a %s payload is stored as invalid, naming at most three of its faults, and acts on nothing", async (event, payload) => {
    const delivery = await deliver(event, payload);
    expect(delivery.status).toBe("invalid");
    const faults = delivery.error!.split("; ");
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.length).toBeLessThanOrEqual(3);
    for (const fault of faults) expect(fault).toMatch(/^[a-z_]+(\.[a-z_0-9]+)*: \S/);
  });

  it("the faults read as field: reason", async () => {
    const delivery = await deliver("issues", { action: "opened", issue: { id: "not a number" }, repository: {}, sender: {} });
    expect(delivery.error).toMatch(/^issue\.id: Invalid input: expected number, received string; /);
  });
});

describe("pings", () => {
  it("an organization's hook is remembered with its type, its organization and its events", async () => {
    const ping = example("ping");
    delete ping.repository;
    Object.assign(ping, { hook_id: 424_242, organization: { login: "spiffe", id: 1 } });
    ping.hook = { ...ping.hook, id: 424_242, type: "Organization", events: ["issues", "issue_comment"] };
    expect((await deliver("ping", ping)).status).toBe("processed");
    expect(db.$client.prepare("select hook_type, target, events from github_hooks where hook_id = 424242").get()).toEqual({
      hook_type: "Organization",
      target: "spiffe",
      events: '["issues","issue_comment"]',
    });
  });

  it("a ping without a hook id, type or events is answered and remembers what it has", async () => {
    const bare = { zen: "Approachable is better than simple.", hook_id: 424_243 };
    expect((await deliver("ping", bare)).status).toBe("processed");
    expect(db.$client.prepare("select hook_type, target, events from github_hooks where hook_id = 424243").get()).toEqual({
      hook_type: null,
      target: null,
      events: "[]",
    });
    const before = db.$client.prepare("select count(*) as n from github_hooks").get();
    expect((await deliver("ping", { zen: "Mind your words, they are important." })).status).toBe("processed");
    expect(db.$client.prepare("select count(*) as n from github_hooks").get()).toEqual(before);
  });
});

describe("issues", () => {
  it("a deleted issue cancels its bounty and says so; its mirror is closed as deleted", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issues", issuesEvent("deleted", { ...spec, updatedAt: at(5) }));
    expect(bountyOf(spec).status).toBe("cancelled");
    expect(latest(spec)).toEqual({ type: "cancelled", note: "The issue was deleted on GitHub.", actorLabel: "github:maintainer" });
    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({ state: "closed", stateReason: "deleted" });
  });

  it("closed as completed: completed, with the timeline saying so; reopened: open again, said so", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issues", issuesEvent("closed", { ...spec, state: "closed", stateReason: "completed", updatedAt: at(5) }));
    expect(latest(spec)).toMatchObject({ type: "completed", note: "Closed on GitHub as completed." });
    expect(bountyOf(spec).creditLabel).toBeNull();
    await deliver("issues", issuesEvent("reopened", { ...spec, updatedAt: at(6) }));
    expect(bountyOf(spec).status).toBe("open");
    expect(latest(spec)).toMatchObject({ type: "reopened", note: "Reopened on GitHub." });
    await deliver("issues", issuesEvent("closed", { ...spec, state: "closed", stateReason: "not_planned", updatedAt: at(7) }));
    expect(latest(spec)).toMatchObject({ type: "cancelled", note: "Closed on GitHub as not planned." });
  });

  it("closed as completed after a PR that fixes it was merged: the PR's author is credited", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    // an unmerged PR first, then the merged one
    await deliver("pull_request", pullEvent("opened", fixingPull(spec, { id: 870_000 + spec.number, number: 7000 + spec.number, author: "someone-else" })));
    await deliver(
      "pull_request",
      pullEvent("closed", fixingPull(spec, { id: 870_000 + spec.number, number: 7000 + spec.number, author: "someone-else", updatedAt: at(11) })),
    );
    await deliver("pull_request", pullEvent("closed", fixingPull(spec, { merged: true, updatedAt: at(20) })));
    expect(bountyOf(spec)).toMatchObject({ status: "completed", creditLabel: "@pr-author (GitHub)" });
  });

  it("an edit or an assignment changes the mirror, not the bounty", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    const events = bountyOf(spec).eventTotal;
    await deliver("issues", issuesEvent("edited", { ...spec, title: "Support SPIFFE, edited", updatedAt: at(3) }));
    await deliver("issues", issuesEvent("assigned", { ...spec, title: "Support SPIFFE, edited", updatedAt: at(4) }));
    expect(getIssue(db, spec.repo, spec.number)!.title).toBe("Support SPIFFE, edited");
    expect(bountyOf(spec)).toMatchObject({ status: "open", eventTotal: events });
  });

  it("a club-zero/<kind> label sets the bounty's kind; one that only ends so does not", async () => {
    const docs = newIssue({ labels: ["club-zero", "Club-Zero/Docs"] });
    await deliver("issues", issuesEvent("labeled", docs));
    expect(bountyOf(docs).kind).toBe("docs");
    const lookalike = newIssue({ labels: ["club-zero", "not-club-zero/docs", "club-zero/docs-draft"] });
    await deliver("issues", issuesEvent("labeled", lookalike));
    expect(bountyOf(lookalike).kind).toBe("code");
  });

  it("no bounty for an issue without the club-zero label, or on a repository no target tracks", async () => {
    const unlabelled = newIssue({ labels: ["club-zero-candidate"] });
    await deliver("issues", issuesEvent("labeled", unlabelled));
    expect(getBountyForIssue(db, unlabelled.repo, unlabelled.number)).toBeNull();
    const elsewhere = newIssue({ repo: "nobody/tracks-this" });
    await deliver("issues", issuesEvent("labeled", elsewhere));
    expect(getIssue(db, elsewhere.repo, elsewhere.number)).not.toBeNull();
    expect(getBountyForIssue(db, elsewhere.repo, elsewhere.number)).toBeNull();
  });
});

describe("a bounty first seen late starts from what GitHub already says", () => {
  it("an issue already closed as completed is completed at once; closed as not planned, cancelled", async () => {
    const done = newIssue({ labels: [] });
    await deliver("issues", issuesEvent("opened", done));
    await deliver("issues", issuesEvent("labeled", { ...done, labels: ["club-zero"], state: "closed", stateReason: "completed", updatedAt: at(2) }));
    expect(bountyOf(done).status).toBe("completed");
    expect(latest(done)).toMatchObject({ type: "completed", note: "The issue was already closed on GitHub." });

    const dropped = newIssue({ labels: [] });
    await deliver("issues", issuesEvent("opened", dropped));
    await deliver("issues", issuesEvent("labeled", { ...dropped, labels: ["club-zero"], state: "closed", stateReason: "not_planned", updatedAt: at(2) }));
    expect(bountyOf(dropped).status).toBe("cancelled");
  });

  it("an open PR that fixes it puts it in review; a merged one completes it, credited to its author", async () => {
    const reviewed = newIssue({ labels: [] });
    await deliver("issues", issuesEvent("opened", reviewed));
    await deliver("pull_request", pullEvent("opened", fixingPull(reviewed)));
    await deliver("issues", issuesEvent("labeled", { ...reviewed, labels: ["club-zero"], updatedAt: at(12) }));
    expect(bountyOf(reviewed).status).toBe("in_review");
    expect(latest(reviewed)).toMatchObject({ type: "submitted" });

    const merged = newIssue({ labels: [] });
    await deliver("issues", issuesEvent("opened", merged));
    await deliver("pull_request", pullEvent("closed", fixingPull(merged, { merged: true })));
    await deliver("issues", issuesEvent("labeled", { ...merged, labels: ["club-zero"], updatedAt: at(12) }));
    expect(bountyOf(merged)).toMatchObject({ status: "completed", creditLabel: "@pr-author (GitHub)" });
  });
});

describe("comments", () => {
  it("a bot's comment is ignored, and the delivery says why", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    const delivery = await deliver(
      "issue_comment",
      commentEvent(spec, { id: 7_700_001, body: "/claim", login: "dependabot[bot]", createdAt: at(3), type: "Bot" }),
    );
    expect(delivery).toMatchObject({ status: "ignored", error: "comment by a bot" });
    expect(bountyOf(spec).status).toBe("open");
  });

  it("/release from GitHub lets the claim go, and the timeline says where it came from", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 7_700_002, body: "/claim", login: "releaser", createdAt: at(3) }));
    await deliver("issue_comment", commentEvent(spec, { id: 7_700_003, body: "/progress half done", login: "releaser", createdAt: at(4) }));
    expect(latest(spec)).toMatchObject({ type: "progress", note: "half done" });
    await deliver("issue_comment", commentEvent(spec, { id: 7_700_004, body: "/release", login: "releaser", createdAt: at(5) }));
    expect(bountyOf(spec)).toMatchObject({ status: "open", claim: null });
    expect(latest(spec)).toMatchObject({ type: "released", note: "Released from GitHub.", actorLabel: "@releaser (GitHub)" });
  });

  it("a comment without a command is recorded and does nothing", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    const events = bountyOf(spec).eventTotal;
    const delivery = await deliver("issue_comment", commentEvent(spec, { id: 7_700_005, body: "Looks good to me", login: "lurker", createdAt: at(3) }));
    expect(delivery).toMatchObject({ status: "processed", error: null });
    expect(bountyOf(spec).eventTotal).toBe(events);
  });
});

describe("pull requests", () => {
  it("a snapshot older than the one stored changes nothing, and the delivery says so", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("pull_request", pullEvent("opened", fixingPull(spec, { updatedAt: at(20) })));
    const stale = await deliver("pull_request", pullEvent("closed", fixingPull(spec, { updatedAt: at(10) })));
    expect(stale).toMatchObject({ status: "processed", error: "older than what we have" });
    expect(bountyOf(spec).status).toBe("in_review");
  });

  it("a merged PR by a member who verified their GitHub login credits the member, not the login", async () => {
    const member = await makeUser();
    db.$client
      .prepare("update users set github_login = 'member-gh', github_id = ?, github_verified = 1 where id = ?")
      .run(githubUserId("member-gh"), member.id);
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("pull_request", pullEvent("closed", fixingPull(spec, { author: "member-gh", merged: true })));
    const bounty = bountyOf(spec);
    expect(bounty).toMatchObject({ status: "completed", completedByUserId: member.id, completedByGithubLogin: null, creditLabel: `@${member.username}` });
  });

  it("a PR's labels are mirrored", async () => {
    const spec = newIssue();
    const labelled = pullEvent("opened", fixingPull(spec, { body: "Related to SPIFFE" }));
    labelled.pull_request.labels = [{ id: 1, name: "area/security", color: "ededed", default: false }];
    await deliver("pull_request", labelled);
    expect(db.$client.prepare("select labels_json as labels from github_issues where repo = ? and number = ?").get(spec.repo, 8000 + spec.number)).toEqual({
      labels: '["area/security"]',
    });
  });

  it("a PR that names itself links nothing to itself", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    const self = fixingPull(spec, { body: `Fixes #${8000 + spec.number}, and fixes #${spec.number}` });
    await deliver("pull_request", pullEvent("opened", self));
    const links = db.$client
      .prepare(
        "select i.number, l.relation from pull_links l join github_issues p on p.id = l.pull_id join github_issues i on i.id = l.issue_id where p.number = ?",
      )
      .all(self.number);
    expect(links).toEqual([{ number: spec.number, relation: "fixes" }]);
  });

  it("a PR closed without merging while someone holds the claim withdraws the submission: the claimant is back at work", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 7_700_010, body: "/claim", login: "pr-author", createdAt: at(1) }));
    await deliver("pull_request", pullEvent("opened", fixingPull(spec)));
    expect(bountyOf(spec).status).toBe("in_review");
    await deliver("pull_request", pullEvent("closed", fixingPull(spec, { updatedAt: at(11) })));
    expect(bountyOf(spec)).toMatchObject({ status: "in_progress", claim: { githubLogin: "pr-author" } });
    expect(latest(spec).note).toBe("The pull request was closed without merging.");
  });
});

describe("releases", () => {
  it("a draft or a pre-release is ignored, and the delivery says why", async () => {
    for (const flags of [
      { draft: true, prerelease: false },
      { draft: false, prerelease: true },
    ]) {
      const payload = example("release", "published");
      Object.assign(payload.release, { ...flags, tag_name: `v9.${flags.draft ? 1 : 2}.0-rc.1` });
      const delivery = await deliver("release", payload);
      expect(delivery).toMatchObject({ status: "ignored", error: "draft or pre-release" });
      expect(getRelease(db, payload.repository.full_name)?.tag).not.toBe(payload.release.tag_name);
    }
  });

  it("a named release is remembered with its name", async () => {
    const payload = example("release", "published");
    Object.assign(payload.release, { name: "SPIRE 98.0.0", tag_name: "v98.0.0", draft: false, prerelease: false });
    payload.repository.full_name = "spiffe/spire-named";
    await deliver("release", payload);
    expect(getRelease(db, "spiffe/spire-named")).toMatchObject({ tag: "v98.0.0", name: "SPIRE 98.0.0" });
  });

  it("a release without a name is remembered by its tag", async () => {
    const payload = example("release", "published");
    Object.assign(payload.release, { name: null, tag_name: "v99.0.0", draft: false, prerelease: false });
    payload.repository.full_name = "spiffe/spire-nameless";
    await deliver("release", payload);
    expect(getRelease(db, "spiffe/spire-nameless")).toMatchObject({ tag: "v99.0.0", name: null });
  });
});
