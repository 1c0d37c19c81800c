// The bounty rules at the model (app/models/bounty-commands.server.ts), the edges the bounty
// tests do not reach: each refusal's sentence (who may act), the claim limit counted per
// person and per GitHub login (whatever its case), freed by a release, the expiry at its
// exact instant, and the reasons a decision needs. Every refusal leaves the database as it
// was. Found by mutation testing the file (README, "Tests and code health").
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { applyIntent, createBounty, expireClaims, NOTE_WINDOW_MS, NOTES_PER_BOUNTY, webBountyActor, type BountyActor } from "~/app/models/bounties.server";
import { getTarget } from "~/app/models/targets.server";
import { refusal } from "../support/refusals";
import { makeUser } from "../support/users";
import type { GrantableRole } from "~/db/schema";

const DAY = 86_400_000;

async function newBounty() {
  return createBounty(db, webBountyActor(await makeUser(["admin"])), {
    targetId: getTarget(db, "kafka")!.id,
    title: "Add SPIFFE mTLS to the Kafka broker",
    description: "Take SVIDs from the Workload API.",
    kind: "code",
  });
}
const person = async (...roles: GrantableRole[]) => webBountyActor(await makeUser(roles));
const githubActor = (login: string): BountyActor => ({ userId: null, githubLogin: login, label: `github:${login}`, source: "github", roles: [] });
const bountyStatus = (id: number) => db.$client.prepare("select status from bounties where id = ?").pluck().get(id);
const activeClaims = (id: number) =>
  db.$client.prepare("select user_id as userId, github_login as login from claims where bounty_id = ? and ended_at is null").all(id);

/** A refusal's status and sentence; the database is unchanged by it. */
const refused = (act: () => unknown) => refusal(db.$client, act);

describe("who may act, in words", () => {
  it("nobody signed in cannot claim; only the holder checks in or submits; others may not release or decide", async () => {
    const b = await newBounty();
    const [dev, other] = await Promise.all([person(), person("packager")]);
    expect(refused(() => applyIntent(db, { userId: null, label: "anonymous", source: "web", roles: [] }, b.id, "claim"))).toEqual({
      status: 403,
      message: "Sign in to claim a bounty.",
    });
    expect(refused(() => applyIntent(db, other, b.id, "progress", { note: "mine now" }))).toEqual({
      status: 403,
      message: "Only the person holding the claim can do that.",
    });
    applyIntent(db, dev, b.id, "claim");
    expect(refused(() => applyIntent(db, other, b.id, "submit", { links: ["https://example.org/pr/1"] }))).toEqual({
      status: 403,
      message: `Only @${dev.label.slice(1)}, who holds the claim, can do that.`,
    });
    expect(refused(() => applyIntent(db, other, b.id, "release"))).toEqual({
      status: 403,
      message: "Only the person holding the claim, or an SSC member or admin, can release it.",
    });
    expect(refused(() => applyIntent(db, other, b.id, "cancel", { reason: "not needed" }))).toEqual({
      status: 403,
      message: "Only SSC members and admins can do that.",
    });
    expect(refused(() => applyIntent(db, dev, b.id, "upstream_complete"))).toEqual({
      status: 403,
      message: "Only GitHub itself reports what happened upstream.",
    });
    expect(bountyStatus(b.id)).toBe("claimed");
  });

  it("a check-in needs a note or a link; a cancellation and a declined proposal need a reason", async () => {
    const b = await newBounty();
    const [dev, ssc] = await Promise.all([person(), person("ssc")]);
    applyIntent(db, dev, b.id, "claim");
    expect(refused(() => applyIntent(db, dev, b.id, "progress", { note: "   " }))).toEqual({ status: 422, message: "Write a progress note or add a link." });
    expect(refused(() => applyIntent(db, ssc, b.id, "cancel", { reason: " " }))).toEqual({ status: 422, message: "Say why the bounty is cancelled." });
    applyIntent(db, ssc, b.id, "cancel", { reason: "Upstream did it." });
    expect(bountyStatus(b.id)).toBe("cancelled");
    expect(activeClaims(b.id)).toEqual([]);

    const proposal = await createBounty(db, dev, { targetId: getTarget(db, "kafka")!.id, title: "A proposal", description: "Please.", kind: "code" });
    expect(proposal.status).toBe("proposed");
    expect(refused(() => applyIntent(db, ssc, proposal.id, "decline"))).toEqual({
      status: 422,
      message: "Say why the proposal is declined, so the proposer can learn from it.",
    });
    applyIntent(db, ssc, proposal.id, "decline", { reason: "Out of scope." });
    expect(bountyStatus(proposal.id)).toBe("declined");
  });
});

describe("the claim limit", () => {
  it(`a person holds at most ${env.MAX_ACTIVE_CLAIMS} claims at once; releasing one frees a place`, async () => {
    const dev = await person();
    const held = [];
    for (let i = 0; i < env.MAX_ACTIVE_CLAIMS; i++) {
      const b = await newBounty();
      applyIntent(db, dev, b.id, "claim");
      held.push(b.id);
    }
    const next = await newBounty();
    expect(refused(() => applyIntent(db, dev, next.id, "claim"))).toEqual({
      status: 409,
      message: `You already hold ${env.MAX_ACTIVE_CLAIMS} active claims, the most anyone may hold at once. Finish or release one first.`,
    });
    // someone else's claims do not count against this person
    applyIntent(db, await person(), (await newBounty()).id, "claim");
    applyIntent(db, dev, held[0]!, "release");
    applyIntent(db, dev, next.id, "claim");
    expect(activeClaims(next.id)).toEqual([{ userId: dev.userId, login: null }]);
  });

  it("a GitHub login's claims are counted whatever the case it is written in", async () => {
    for (let i = 0; i < env.MAX_ACTIVE_CLAIMS; i++) applyIntent(db, githubActor(i % 2 ? "OctoCat" : "octocat"), (await newBounty()).id, "claim");
    const next = await newBounty();
    expect(refused(() => applyIntent(db, githubActor("OCTOCAT"), next.id, "claim")).status).toBe(409);
    applyIntent(db, githubActor("hubot"), next.id, "claim");
    expect(activeClaims(next.id)).toEqual([{ userId: null, login: "hubot" }]);
  });
});

describe("expiry", () => {
  it(`a claim runs for exactly ${env.CLAIM_DAYS} days after its last check-in, then the bounty is open again and its holder told`, async () => {
    const b = await newBounty();
    const dev = await person();
    const t0 = Date.UTC(2026, 5, 1);
    applyIntent(db, dev, b.id, "claim", {}, t0);
    const end = t0 + env.CLAIM_DAYS * DAY;
    expect(expireClaims(db, end)).toBe(0);
    expect(bountyStatus(b.id)).toBe("claimed");
    expect(expireClaims(db, end + 1)).toBe(1);
    expect(bountyStatus(b.id)).toBe("open");
    expect(activeClaims(b.id)).toEqual([]);
    expect(db.$client.prepare("select note from bounty_events where bounty_id = ? and type = 'expired'").pluck().get(b.id)).toBe(
      `The claim by ${dev.label} ran out after ${env.CLAIM_DAYS} days without a check-in, so the bounty is open again.`,
    );
    expect(db.$client.prepare("select title from notifications where user_id = ? and kind = 'claim_expired'").pluck().all(dev.userId)).toEqual([
      "Your claim expired: Add SPIFFE mTLS to the Kafka broker",
    ]);
    expect(expireClaims(db, end + DAY)).toBe(0);
  });
});

describe("the note rate limit", () => {
  it("a GitHub commenter without an account is limited like anyone, by login", async () => {
    const b = await newBounty();
    const t0 = Date.UTC(2026, 6, 1);
    applyIntent(db, githubActor("flooder"), b.id, "claim", {}, t0);
    for (let i = 0; i < NOTES_PER_BOUNTY; i++) applyIntent(db, githubActor("flooder"), b.id, "progress", { note: `Note ${i}` }, t0 + i);
    expect(refused(() => applyIntent(db, githubActor("flooder"), b.id, "progress", { note: "one more" }, t0 + 1000))).toEqual({
      status: 429,
      message: `You have added ${NOTES_PER_BOUNTY} notes on this bounty in the last 10 minutes, the most allowed is ${NOTES_PER_BOUNTY}. Try again in 10 minutes.`,
    });
  });

  it("a wait under a minute is said as 1 minute", async () => {
    const b = await newBounty();
    const dev = await person();
    const t0 = Date.UTC(2026, 6, 2);
    applyIntent(db, dev, b.id, "claim", {}, t0);
    for (let i = 0; i < NOTES_PER_BOUNTY; i++) applyIntent(db, dev, b.id, "progress", { note: `Note ${i}` }, t0);
    expect(refused(() => applyIntent(db, dev, b.id, "progress", { note: "soon" }, t0 + NOTE_WINDOW_MS - 30_000)).message).toMatch(/Try again in 1 minute\.$/);
  });
});

describe("how a claim ends, as written on it", () => {
  const endings = (bountyId: number) =>
    db.$client.prepare("select end_reason as reason, ended_at as endedAt from claims where bounty_id = ? order by id").all(bountyId) as {
      reason: string;
      endedAt: number;
    }[];
  const credit = (bountyId: number) =>
    db.$client.prepare("select completed_by_user_id as userId, completed_by_github_login as login from bounties where id = ?").get(bountyId);

  it("released by its holder, revoked by a reviewer, completed after review, cancelled with its bounty", async () => {
    const [admin, dev] = await Promise.all([person("admin"), person()]);
    const released = await newBounty();
    applyIntent(db, dev, released.id, "claim");
    applyIntent(db, dev, released.id, "release");
    const revoked = await newBounty();
    applyIntent(db, dev, revoked.id, "claim");
    applyIntent(db, admin, revoked.id, "release", { reason: "No news for a month." });
    const completed = await newBounty();
    applyIntent(db, dev, completed.id, "claim");
    applyIntent(db, dev, completed.id, "submit", { links: ["https://github.com/apache/kafka/pull/1"] });
    applyIntent(db, admin, completed.id, "complete");
    const cancelled = await newBounty();
    applyIntent(db, dev, cancelled.id, "claim");
    applyIntent(db, admin, cancelled.id, "cancel", { reason: "Kafka took another approach." });

    expect([released, revoked, completed, cancelled].map((b) => endings(b.id).map((c) => c.reason))).toEqual([
      ["released"],
      ["revoked"],
      ["completed"],
      ["cancelled"],
    ]);
    for (const b of [released, revoked, completed, cancelled]) expect(endings(b.id)[0]!.endedAt).toBeGreaterThan(0);
    expect(credit(completed.id)).toEqual({ userId: dev.userId, login: null });
  });

  it("upstream: a GitHub claimant's merged work credits their login; a closed issue cancels the claim; an unassigned one releases it", async () => {
    const github = githubActor("spiffe-fan");
    const maintainer = githubActor("kafka-maintainer");
    const merged = await newBounty();
    applyIntent(db, github, merged.id, "claim");
    applyIntent(db, maintainer, merged.id, "upstream_complete", { externalKey: `t:${merged.id}:merged` });
    const closed = await newBounty();
    applyIntent(db, github, closed.id, "claim");
    applyIntent(db, maintainer, closed.id, "upstream_cancel", { externalKey: `t:${closed.id}:closed` });
    const unassigned = await newBounty();
    applyIntent(db, github, unassigned.id, "claim");
    applyIntent(db, maintainer, unassigned.id, "upstream_release", { externalKey: `t:${unassigned.id}:unassigned` });

    expect([merged, closed, unassigned].map((b) => endings(b.id).map((c) => c.reason))).toEqual([["completed"], ["cancelled"], ["released"]]);
    expect([merged, closed, unassigned].map((b) => bountyStatus(b.id))).toEqual(["completed", "cancelled", "open"]);
    expect(credit(merged.id)).toEqual({ userId: null, login: "spiffe-fan" });
  });
});

describe("what each move leaves", () => {
  const auditTrail = (id: number) =>
    db.$client
      .prepare(
        "select action, actor_label as actor, before_json as before, after_json as after from audit_log where entity_type = 'bounty' and entity_id = ? order by id",
      )
      .all(String(id)) as { action: string; actor: string; before: string | null; after: string | null }[];
  const credit = (id: number) =>
    db.$client.prepare("select completed_by_user_id as userId, completed_by_github_login as login from bounties where id = ?").get(id);
  const claimExpiry = (id: number) => db.$client.prepare("select expires_at from claims where bounty_id = ? and ended_at is null").pluck().get(id);

  it("every move is audited as bounty.<intent>, by whom, with the status before and after", async () => {
    const b = await newBounty();
    const [dev, ssc] = await Promise.all([person(), person("ssc")]);
    applyIntent(db, dev, b.id, "claim");
    applyIntent(db, dev, b.id, "progress", { note: "Half way." });
    applyIntent(db, dev, b.id, "submit", { links: ["https://example.org/pr/20"] });
    applyIntent(db, ssc, b.id, "reopen", { reason: "Add docs." });
    applyIntent(db, dev, b.id, "submit", { links: ["https://example.org/pr/21"] });
    applyIntent(db, ssc, b.id, "complete");
    const trail = auditTrail(b.id).filter((r) => r.action !== "bounty.created");
    const move = (action: string, actor: BountyActor, before: string, after: string) => ({
      action,
      actor: actor.label,
      before: `{"status":"${before}"}`,
      after: `{"status":"${after}"}`,
    });
    expect(trail).toEqual([
      move("bounty.claim", dev, "open", "claimed"),
      move("bounty.progress", dev, "claimed", "in_progress"),
      move("bounty.submit", dev, "in_progress", "in_review"),
      move("bounty.reopen", ssc, "in_review", "in_progress"),
      move("bounty.submit", dev, "in_progress", "in_review"),
      move("bounty.complete", ssc, "in_review", "completed"),
    ]);
  });

  it("the writing limits are inclusive: a note of exactly 10,000 characters, 5 links and a 2,000-character link are taken; one more is refused", async () => {
    const b = await newBounty();
    const dev = await person();
    applyIntent(db, dev, b.id, "claim");
    const link = (n: number) => `https://example.org/${"x".repeat(n - "https://example.org/".length)}`;
    applyIntent(db, dev, b.id, "progress", { note: "n".repeat(10_000) });
    applyIntent(db, dev, b.id, "progress", { links: [link(2_000), ...[1, 2, 3, 4].map((i) => `https://example.org/${i}`)] });
    expect(refused(() => applyIntent(db, dev, b.id, "progress", { note: "n".repeat(10_001) }))).toEqual({
      status: 422,
      message: "A note may be at most 10,000 characters.",
    });
    expect(refused(() => applyIntent(db, dev, b.id, "progress", { links: [1, 2, 3, 4, 5, 6].map((i) => `https://example.org/${i}`) }))).toEqual({
      status: 422,
      message: "Add at most 5 links.",
    });
    expect(refused(() => applyIntent(db, dev, b.id, "progress", { links: [link(2_001)] }))).toEqual({
      status: 422,
      message: "Each link may be at most 2,000 characters.",
    });
  });

  it("a GitHub claimant acts on their claim whatever the case of their login, and is credited by login when a reviewer completes it", async () => {
    const b = await newBounty();
    const ssc = await person("ssc");
    applyIntent(db, githubActor("Mixed-Case"), b.id, "claim");
    applyIntent(db, githubActor("mixed-case"), b.id, "submit", { links: ["https://example.org/pr/22"] });
    expect(refused(() => applyIntent(db, githubActor("someone-else"), b.id, "release"))).toMatchObject({ status: 403 });
    applyIntent(db, ssc, b.id, "complete");
    expect(credit(b.id)).toEqual({ userId: null, login: "Mixed-Case" });
  });

  it("GitHub's completion credits the claimant, or else whom GitHub names: a member by account, anyone else by login", async () => {
    const github = githubActor("github");
    const [claimed, member, login] = [await newBounty(), await newBounty(), await newBounty()];
    const dev = await makeUser();
    applyIntent(db, webBountyActor(dev), claimed.id, "claim");
    applyIntent(db, github, claimed.id, "upstream_complete", { credit: { userId: null, githubLogin: "pr-author" } });
    expect(credit(claimed.id)).toEqual({ userId: dev.id, login: null });
    applyIntent(db, github, member.id, "upstream_complete", { credit: { userId: dev.id, githubLogin: null } });
    expect(credit(member.id)).toEqual({ userId: dev.id, login: null });
    applyIntent(db, github, login.id, "upstream_complete", { credit: { userId: null, githubLogin: "pr-author" } });
    expect(credit(login.id)).toEqual({ userId: null, login: "pr-author" });
    // reopened upstream, the credit is gone
    applyIntent(db, github, login.id, "upstream_reopen");
    expect(credit(login.id)).toEqual({ userId: null, login: null });
  });

  it("work sent back from review, by a reviewer or by a PR closed unmerged, runs its claim afresh from then", async () => {
    const t0 = Date.UTC(2026, 2, 1);
    const [sentBack, withdrawn] = [await newBounty(), await newBounty()];
    const [dev, ssc] = await Promise.all([person(), person("ssc")]);
    for (const b of [sentBack, withdrawn]) {
      applyIntent(db, dev, b.id, "claim", {}, t0);
      applyIntent(db, dev, b.id, "submit", { links: ["https://example.org/pr/23"] }, t0 + DAY);
    }
    applyIntent(db, ssc, sentBack.id, "reopen", { reason: "Tests fail." }, t0 + 10 * DAY);
    applyIntent(db, githubActor("github"), withdrawn.id, "upstream_withdraw", {}, t0 + 11 * DAY);
    expect(claimExpiry(sentBack.id)).toBe(t0 + 10 * DAY + env.CLAIM_DAYS * DAY);
    expect(claimExpiry(withdrawn.id)).toBe(t0 + 11 * DAY + env.CLAIM_DAYS * DAY);
  });

  it("the same move under the same external key acts once and says it was a duplicate", async () => {
    const b = await newBounty();
    const dev = await person();
    expect(applyIntent(db, dev, b.id, "claim", { externalKey: "comment:1:0" }).duplicate).toBe(false);
    const again = applyIntent(db, dev, b.id, "claim", { externalKey: "comment:1:0" });
    expect(again).toMatchObject({ duplicate: true, bounty: { id: b.id, status: "claimed" } });
    expect(activeClaims(b.id)).toHaveLength(1);
  });

  it("the refusals that need words: a submission without a link, someone else's claim released without a reason", async () => {
    const b = await newBounty();
    const [dev, ssc] = await Promise.all([person(), person("ssc")]);
    applyIntent(db, dev, b.id, "claim");
    expect(refused(() => applyIntent(db, dev, b.id, "submit", { note: "done" }))).toEqual({
      status: 422,
      message: "Add a link to the work (a pull request, a document, a package) so reviewers can check it.",
    });
    expect(refused(() => applyIntent(db, ssc, b.id, "release", { reason: "  " }))).toEqual({
      status: 422,
      message: "Say why you are releasing someone else's claim.",
    });
    // a cancelled bounty is reopened without a reason: only work sent back from review needs one
    applyIntent(db, ssc, b.id, "cancel", { reason: "Duplicate." });
    applyIntent(db, ssc, b.id, "reopen");
    expect(bountyStatus(b.id)).toBe("open");
  });

  it("Club Zero itself is never held to the note rate limit", async () => {
    const b = await newBounty();
    const system = { userId: null, label: "Club Zero", source: "system" as const, roles: ["admin" as const] };
    for (let i = 0; i <= NOTES_PER_BOUNTY; i++) {
      applyIntent(db, system, b.id, "cancel", { reason: `Round ${i}.` });
      applyIntent(db, system, b.id, "reopen");
    }
    expect(bountyStatus(b.id)).toBe("open");
  });
});
