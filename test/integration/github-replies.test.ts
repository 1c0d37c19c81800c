// Replies on GitHub to comment commands, queued in the outbox in the delivery's transaction.
// This file's process has a GitHub token, so replies are on (GITHUB_REPLIES defaults to on).
// Posting them, and a kill -9 between queueing and posting: github-replies-server.test.ts.
import crypto from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "~/app/db.server";
import { env } from "~/app/env.server";
import { getBountyForIssue } from "~/app/models/bounties.server";
import { githubRepliesOn, queueGithubReply } from "~/app/models/github-replies.server";
import { getDeliveryByGuid } from "~/app/models/github.server";
import { loader as adminOutbox } from "~/app/routes/admin.outbox";
import { commentEvent, deliveryHeaders, issuesEvent, type IssueSpec } from "../support/github-webhooks";
import { call } from "../support/remix";
import { cookieFor, makeUser } from "../support/users";
import { webhook } from "../support/webhook-endpoint";

// set before app/env.server.ts is imported, and put back for whichever file runs next in this worker
const previousToken = vi.hoisted(() => {
  const previous = process.env.GITHUB_TOKEN;
  process.env.GITHUB_TOKEN = "ghp_testtokenforreplies0000000000000000";
  return previous;
});
afterAll(() => {
  if (previousToken === undefined) delete process.env.GITHUB_TOKEN;
  else process.env.GITHUB_TOKEN = previousToken;
});

const SECRET = process.env.GITHUB_WEBHOOK_SECRET!;
const APP_ORIGIN = "http://localhost:3000";

async function deliver(event: string, payload: unknown, id?: string) {
  const body = JSON.stringify(payload);
  return call(webhook, "/webhooks/github", {}, { method: "POST", headers: deliveryHeaders(event, body, SECRET, id), body });
}

interface ReplyRow {
  idempotency_key: string;
  recipient: string;
  subject: string;
  text_body: string;
  state: string;
  channel: string;
}
const replies = (recipient: string) =>
  db.$client.prepare("select * from outbox where channel = 'github_comment' and recipient = ? order by id").all(recipient) as ReplyRow[];

let issueNo = 500;
function newIssue(labels = ["club-zero"]): IssueSpec {
  issueNo += 1;
  return { repo: "kedacore/keda", number: issueNo, labels, title: `SPIFFE scaler auth ${issueNo}`, updatedAt: "2026-01-01T10:00:00Z" };
}
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 10, minutes)).toISOString();

describe("replies to comment commands", () => {
  it("a /claim that is taken queues one reply: who claimed it until when, and the bounty's address; the same command under another delivery id queues none", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    const comment = commentEvent(spec, { id: 70_001, body: "I'll do it\n/claim", login: "octocat", createdAt: at(1) });
    expect((await deliver("issue_comment", comment)).status).toBe(200);
    expect((await deliver("issue_comment", comment, crypto.randomUUID())).status).toBe(200);

    const bounty = getBountyForIssue(db, spec.repo, spec.number)!;
    const rows = replies(`${spec.repo}#${spec.number}`);
    expect(rows).toHaveLength(1);
    const claim = db.$client.prepare("select expires_at from claims where bounty_id = ? and ended_at is null").get(bounty.id) as { expires_at: number };
    const until = new Date(claim.expires_at).toISOString().slice(0, 10);
    expect(rows[0]).toMatchObject({ idempotency_key: "github_reply:comment:70001", state: "queued", subject: `Reply on ${spec.repo}#${spec.number}` });
    expect(rows[0]!.text_body).toBe(
      `Claimed by @octocat until ${until}. Post \`/progress <note>\` now and then to keep it, or \`/release\` to give it up. — ${APP_ORIGIN}/bounties/${bounty.id}\n\n<!-- club-zero:reply:comment:70001 -->`,
    );
  });

  it("/progress, /submit and /release that are taken are answered each in its own words; a comment with no command gets no reply", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 70_601, body: "/claim", login: "steps-gh", createdAt: at(1) }));
    await deliver("issue_comment", commentEvent(spec, { id: 70_602, body: "Looks good, thanks!", login: "steps-gh", createdAt: at(2) }));
    await deliver("issue_comment", commentEvent(spec, { id: 70_603, body: "/progress first draft", login: "steps-gh", createdAt: at(3) }));
    const bounty = getBountyForIssue(db, spec.repo, spec.number)!;
    const claim = db.$client.prepare("select expires_at from claims where bounty_id = ? and ended_at is null").get(bounty.id) as { expires_at: number };
    await deliver(
      "issue_comment",
      commentEvent(spec, { id: 70_604, body: "/submit https://github.com/kedacore/keda/pull/9", login: "steps-gh", createdAt: at(4) }),
    );
    const rows = replies(`${spec.repo}#${spec.number}`);
    expect(rows.map((r) => r.idempotency_key)).toEqual(["github_reply:comment:70601", "github_reply:comment:70603", "github_reply:comment:70604"]);
    const bountyUrl = `${APP_ORIGIN}/bounties/${bounty.id}`;
    expect(rows[1]!.text_body).toBe(
      `Progress noted: the claim by @steps-gh now runs until ${new Date(claim.expires_at).toISOString().slice(0, 10)}. — ${bountyUrl}\n\n<!-- club-zero:reply:comment:70603 -->`,
    );
    expect(rows[2]!.text_body).toBe(
      `Submitted for review by @steps-gh: an SSC member or admin will confirm it. — ${bountyUrl}\n\n<!-- club-zero:reply:comment:70604 -->`,
    );

    const other = newIssue();
    await deliver("issues", issuesEvent("labeled", other));
    await deliver("issue_comment", commentEvent(other, { id: 70_605, body: "/claim", login: "steps-gh", createdAt: at(1) }));
    await deliver("issue_comment", commentEvent(other, { id: 70_606, body: "/release", login: "steps-gh", createdAt: at(2) }));
    const [, released] = replies(`${other.repo}#${other.number}`);
    expect(released!.text_body).toMatch(/^@steps-gh released the claim; the bounty is open again\. — /);
  });

  it("a refused command is answered with the reason; several commands in one comment get one reply", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 70_101, body: "/claim", login: "first-gh", createdAt: at(1) }));
    await deliver("issue_comment", commentEvent(spec, { id: 70_102, body: "/claim\n/progress trying too", login: "second-gh", createdAt: at(2) }));
    const rows = replies(`${spec.repo}#${spec.number}`);
    expect(rows.map((r) => r.idempotency_key)).toEqual(["github_reply:comment:70101", "github_reply:comment:70102"]);
    expect(rows[1]!.text_body).toContain("`/claim` was not taken: @first-gh (GitHub) has already claimed this bounty.\n\n");
    expect(rows[1]!.text_body).toContain("`/progress` was not taken: Only @first-gh (GitHub), who holds the claim, can do that.");
  });

  it("a command on an issue that is not a bounty is answered so, without a bounty link", async () => {
    const spec = newIssue([]);
    await deliver("issues", issuesEvent("opened", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 70_201, body: "/claim", login: "early-gh", createdAt: at(1) }));
    const rows = replies(`${spec.repo}#${spec.number}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text_body).toContain("`/claim` did nothing: this issue is not a Club Zero bounty.");
    expect(rows[0]!.text_body).not.toContain("/bounties/");
  });

  it("an edit that adds a command and the deletion of a claiming comment are answered too, each once", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    const comment = { id: 70_301, body: "/claim", login: "edit-gh", createdAt: at(1) };
    await deliver("issue_comment", commentEvent(spec, { ...comment, body: "maybe" }));
    const edited = commentEvent(spec, comment, { action: "edited", updatedAt: at(2), previousBody: "maybe" });
    await deliver("issue_comment", edited);
    await deliver("issue_comment", edited, crypto.randomUUID());
    const deleted = commentEvent(spec, comment, { action: "deleted" });
    await deliver("issue_comment", deleted);
    await deliver("issue_comment", deleted, crypto.randomUUID());
    const rows = replies(`${spec.repo}#${spec.number}`);
    expect(rows.map((r) => r.idempotency_key)).toEqual([`github_reply:comment:70301:edit:${at(2)}`, "github_reply:comment-deleted:70301"]);
    expect(rows[1]!.text_body).toContain("The comment that claimed this for @edit-gh was deleted, so the claim is released and the bounty is open again.");
  });

  it("Club Zero's own reply, sent back by GitHub as a comment, is ignored (with a personal token it is not a bot's)", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 70_401, body: "/claim", login: "loop-gh", createdAt: at(1) }));
    const [reply] = replies(`${spec.repo}#${spec.number}`);
    const id = crypto.randomUUID();
    await deliver("issue_comment", commentEvent(spec, { id: 70_402, body: reply!.text_body, login: "club-zero-bot", createdAt: at(2) }), id);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "ignored", error: "Club Zero's own reply" });
    expect(replies(`${spec.repo}#${spec.number}`)).toHaveLength(1);
  });

  it("an admin sees each reply in the outbox with its state", async () => {
    const spec = newIssue();
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 70_501, body: "/claim", login: "seen-gh", createdAt: at(1) }));
    const admin = await makeUser(["admin"]);
    const res = await call(adminOutbox, "/admin/outbox", {}, { headers: { Cookie: await cookieFor(admin.id) } });
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { recipient: string; subject: string; state: string; channel: string }[] };
    expect(messages.find((m) => m.recipient === `${spec.repo}#${spec.number}`)).toMatchObject({
      channel: "github_comment",
      subject: `Reply on ${spec.repo}#${spec.number}`,
      state: "queued",
    });
  });
});

describe("queueing a reply", () => {
  const target = { repo: "spiffe/replies-model", number: 7 };
  const recipient = "spiffe/replies-model#7";

  it("one reply per key, on the github_comment channel, naming the bounty; none for no outcome", () => {
    const outcome = { kind: "submitted", login: "model-gh" } as const;
    expect(queueGithubReply(db, target, "comment:model-1", [], 12, Date.now())).toBe(false);
    expect(replies(recipient)).toEqual([]);
    expect(queueGithubReply(db, target, "comment:model-1", [outcome], 12, Date.now())).toBe(true);
    expect(queueGithubReply(db, target, "comment:model-1", [outcome], 12, Date.now())).toBe(false);
    const [row] = replies(recipient);
    expect(row).toMatchObject({
      channel: "github_comment",
      idempotency_key: "github_reply:comment:model-1",
      subject: `Reply on ${recipient}`,
      state: "queued",
    });
    expect((row as ReplyRow & { kind: string }).kind).toBe("github_reply");
    expect(row!.text_body).toContain(`${APP_ORIGIN}/bounties/12`);
  });

  it("with GITHUB_REPLIES=off, replies are off and nothing is queued, credentials or not", () => {
    expect(githubRepliesOn()).toBe(true);
    const was = env.GITHUB_REPLIES;
    env.GITHUB_REPLIES = "off";
    try {
      expect(githubRepliesOn()).toBe(false);
      expect(queueGithubReply(db, target, "comment:model-off", [{ kind: "released", login: "off-gh" }], null, Date.now())).toBe(false);
      expect(replies(recipient).map((r) => r.idempotency_key)).not.toContain("github_reply:comment:model-off");
    } finally {
      env.GITHUB_REPLIES = was;
    }
  });
});
