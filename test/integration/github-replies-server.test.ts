// Replies on GitHub through the real built server (build/server/index.js) on this file's
// database, against the fake api.github.com: a reply is posted exactly once even when the
// server is killed (kill -9) between queueing and posting, or after GitHub created the
// comment but before the server heard back; a failed post is retried; GITHUB_REPLIES=off
// and a missing token queue nothing.
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { commentEvent, deliveryHeaders, issuesEvent, type IssueSpec } from "../support/github-webhooks";
import { bootOnThisDatabase, killHard, until, type Booted } from "../support/server";
import type { ChildProcess } from "node:child_process";

const TOKEN = `ghp_${crypto.randomBytes(18).toString("hex")}`;
const SECRET = process.env.GITHUB_WEBHOOK_SECRET!;
const LEASE_MS = 1_500;
let github: FakeGithub;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  github = await startFakeGithub({ tokens: [TOKEN] });
});
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
  github.comments.hold(false);
  // a dead holder's leases would otherwise delay the next test by a lease
  db.$client.prepare("update jobs set holder = null, lease_until = 0").run();
});
afterAll(async () => {
  await github.stop();
});

/** The built server on this file's database. */
function boot(env: Record<string, string>): Promise<Booted> {
  return bootOnThisDatabase(
    {
      GITHUB_SYNC_MINUTES: "0",
      GITHUB_DISCOVERY_MINUTES: "0",
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: TOKEN,
      JOB_LEASE_MS: String(LEASE_MS),
      OUTBOX_POLL_MS: "200",
      ...env,
    },
    children,
  );
}

async function post(server: Booted, event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return fetch(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders(event, body, SECRET), body });
}

const replyRow = (key: string) =>
  db.$client.prepare("select state, attempts, last_error, next_attempt_at from outbox where idempotency_key = ?").get(`github_reply:${key}`) as
    { state: string; attempts: number; last_error: string | null; next_attempt_at: number } | undefined;
const repliesJob = () =>
  db.$client.prepare("select last_finished_at from jobs where name = 'github-replies'").get() as { last_finished_at: number | null } | undefined;
const postedWithKey = (key: string) => github.comments.list.filter((c) => c.body.includes(`<!-- club-zero:reply:${key} -->`));

let issueNo = 800;
let commentNo = 80_000;
/** A bounty on OpenFGA's repository, and a /claim on it acknowledged by `server`; returns the reply's key. */
async function claimThrough(server: Booted, login: string): Promise<{ key: string; spec: IssueSpec }> {
  issueNo += 1;
  commentNo += 1;
  const spec = {
    repo: "openfga/openfga",
    number: issueNo,
    labels: ["club-zero"],
    title: `SPIFFE for the OpenFGA server ${issueNo}`,
    updatedAt: "2026-01-01T10:00:00Z",
  };
  expect((await post(server, "issues", issuesEvent("labeled", spec))).status).toBe(200);
  const res = await post(server, "issue_comment", commentEvent(spec, { id: commentNo, body: "/claim", login, createdAt: "2026-01-01T10:01:00Z" }));
  expect(res.status).toBe(200);
  return { key: `comment:${commentNo}`, spec };
}

describe("a reply is posted exactly once", () => {
  it("killed between queueing and posting, the reply is posted once after a restart", async () => {
    // the first server looks at the outbox at start, then not for a minute
    const first = await boot({ OUTBOX_POLL_MS: "60000" });
    await until(() => repliesJob()?.last_finished_at, "the first github-replies run");
    const { key, spec } = await claimThrough(first, "quinn-gh");
    expect(replyRow(key)?.state).toBe("queued");
    await killHard(first.child);
    expect(postedWithKey(key)).toHaveLength(0);

    await boot({});
    await until(() => replyRow(key)?.state === "sent", "the reply to be marked sent");
    await new Promise((r) => setTimeout(r, 600)); // a few more polls: nothing is posted again
    const posted = postedWithKey(key);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ repo: spec.repo, number: spec.number });
    expect(posted[0]!.body).toMatch(/^Claimed by @quinn-gh until \d{4}-\d{2}-\d{2}\./);
    expect(replyRow(key)?.attempts).toBe(1);
  });

  it("killed after GitHub created the comment but before the server heard back, the restarted server finds it and does not post again", async () => {
    github.comments.hold(true);
    const postsBefore = github.comments.posts();
    const first = await boot({});
    const { key } = await claimThrough(first, "rae-gh");
    await until(() => github.comments.posts() > postsBefore && replyRow(key)?.state === "sending", "the post to be held by GitHub");
    expect(postedWithKey(key)).toHaveLength(1);
    await killHard(first.child);
    github.comments.hold(false);

    const listedBefore = github.requests.filter((r) => r.method === "GET" && r.path.includes("/comments?")).length;
    await boot({});
    await until(() => replyRow(key)?.state === "sent", "the reply to be marked sent after the lease ran out");
    await new Promise((r) => setTimeout(r, 600));
    expect(postedWithKey(key)).toHaveLength(1);
    expect(github.comments.posts()).toBe(postsBefore + 1);
    expect(replyRow(key)?.attempts).toBe(2);
    // the second attempt read the issue's comments instead of posting
    expect(github.requests.filter((r) => r.method === "GET" && r.path.includes("/comments?")).length).toBeGreaterThan(listedBefore);
  });

  it("a post GitHub fails (502) is tried again after a backoff, and then posted once", async () => {
    github.comments.failNext(1);
    const server = await boot({});
    const { key } = await claimThrough(server, "sol-gh");
    const failed = await until(() => {
      const row = replyRow(key);
      return row?.state === "queued" && row.attempts === 1 ? row : null;
    }, "the failed attempt to be recorded");
    expect(failed.last_error).toBe("GitHub answered 502 while posting the reply; it will be tried again.");
    expect(failed.next_attempt_at).toBeGreaterThan(Date.now() + 20_000);
    expect(postedWithKey(key)).toHaveLength(0);
    // the test plays the clock: the backoff is over
    db.$client.prepare("update outbox set next_attempt_at = 0 where idempotency_key = ?").run(`github_reply:${key}`);
    await until(() => replyRow(key)?.state === "sent", "the retry to be sent");
    expect(postedWithKey(key)).toHaveLength(1);
    expect(replyRow(key)?.attempts).toBe(2);
  });
});

describe("replies switched off", () => {
  it("with GITHUB_REPLIES=off, or without a token, a command is decided but nothing is queued or posted", async () => {
    const posts = github.comments.posts();
    const settings: Record<string, string>[] = [{ GITHUB_REPLIES: "off" }, { GITHUB_TOKEN: "" }];
    for (const env of settings) {
      const server = await boot(env);
      const { key } = await claimThrough(server, "tao-gh");
      const claimed = db.$client.prepare("select count(*) as n from claims where github_login = 'tao-gh' and ended_at is null").get() as { n: number };
      expect(claimed.n).toBeGreaterThan(0);
      expect(replyRow(key)).toBeUndefined();
      await killHard(server.child);
      db.$client.prepare("update claims set ended_at = 1, end_reason = 'released' where github_login = 'tao-gh' and ended_at is null").run();
    }
    expect(github.comments.posts()).toBe(posts);
  });
});
