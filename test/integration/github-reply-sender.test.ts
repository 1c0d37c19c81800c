// The github_comment channel's sender (app/github/replies.server.ts) in this process, against
// the fake api.github.com: one comment per outbox row, never a second one for a row an earlier
// attempt already posted, and each refusal GitHub gives worded for the admin's outbox page,
// permanent or worth another try. (Through a killed and restarted server:
// github-replies-server.test.ts.)
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import type { PermanentSendError as PermanentSendErrorClass, Sender } from "~/app/jobs/smtp.server";
import type { replyMarker as replyMarkerOf } from "~/app/lib/github-replies";
import type { OutboxRow } from "~/app/models/outbox.server";

const TOKEN = "ghp_replySenderToken000000000000000000";
const REPO = "spiffe/spire";

// app/env.server.ts reads these when it is first imported (below, once the fake has its port);
// put back for whichever file runs next in this worker
const previous = vi.hoisted(() => ({ token: process.env.GITHUB_TOKEN, api: process.env.GITHUB_API_URL }));
afterAll(() => {
  for (const [name, value] of [
    ["GITHUB_TOKEN", previous.token],
    ["GITHUB_API_URL", previous.api],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

let fake: FakeGithub;
let sender: Sender;
let PermanentSendError: typeof PermanentSendErrorClass;
let replyMarker: typeof replyMarkerOf;

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  process.env.GITHUB_TOKEN = TOKEN;
  process.env.GITHUB_API_URL = fake.url;
  ({ PermanentSendError } = await import("~/app/jobs/smtp.server"));
  ({ replyMarker } = await import("~/app/lib/github-replies"));
  sender = (await import("~/app/github/replies.server")).createGithubCommentSender();
});
let stopped = false;
afterAll(() => (stopped ? undefined : fake.stop()));

let nextKey = 1;
/** An outbox row of the github_comment channel, as the outbox job hands it to the sender. */
function row(number: number, extra: Partial<OutboxRow> = {}): OutboxRow {
  const key = `comment:${nextKey++}`;
  const now = Date.now();
  return {
    id: nextKey,
    channel: "github_comment",
    idempotencyKey: `github_reply:${key}`,
    recipientUserId: null,
    recipient: `${REPO}#${number}`,
    kind: "github_reply",
    subject: `Reply on ${REPO}#${number}`,
    textBody: `@evan claimed this until Dec 7.\n\n${replyMarker(key)}`,
    htmlBody: null,
    headersJson: null,
    messageId: `<${key}@club-zero>`,
    state: "sending",
    attempts: 1,
    nextAttemptAt: now,
    leaseUntil: now + 60_000,
    lastError: null,
    createdAt: now,
    sentAt: null,
    ...extra,
  };
}
const commentsOn = (number: number) => fake.comments.list.filter((c) => c.repo === REPO && c.number === number);
const posts = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"));

describe("posting a reply", () => {
  it("the reply is posted once as the row's text, with Club Zero's credentials", async () => {
    const message = row(101);
    await sender.send(message);
    expect(commentsOn(101).map((c) => c.body)).toEqual([message.textBody]);
    const post = posts().at(-1)!;
    expect(post.path).toBe(`/repos/${REPO}/issues/101/comments`);
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post.body)).toEqual({ body: message.textBody });
    // a first attempt has nothing to look for
    expect(fake.requests.some((r) => r.method === "GET" && r.path.startsWith(`/repos/${REPO}/issues/101/comments`))).toBe(false);
    expect(sender.channel).toBe("github_comment");
    expect(sender.close()).toBeUndefined();
  });

  it("a later attempt whose reply an earlier one posted finds it, even pages back, and posts nothing", async () => {
    const message = row(102);
    await sender.send(message);
    // 150 newer comments: the reply is on the first of two pages of 100; then one on the second page
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    for (let i = 0; i < 150; i++)
      fake.comments.list.push({ id: 1_800_000_000 + i, repo: REPO, number: 102, body: `+1 (${i})`, login: "someone", createdAt: at, updatedAt: at });
    const before = posts().length;
    await sender.send({ ...message, attempts: 2 });
    expect(posts().length).toBe(before);
    const looked = fake.requests.filter((r) => r.method === "GET" && r.path.startsWith(`/repos/${REPO}/issues/102/comments`));
    expect(looked).toHaveLength(1);
    const since = new URL(looked[0]!.path, fake.url).searchParams;
    expect(since.get("per_page")).toBe("100");
    // it looks back an hour before the row was queued (clocks differ)
    expect(since.get("since")).toBe(new Date(message.createdAt - 3_600_000).toISOString());

    const late = row(102);
    fake.comments.list.push({ id: 1_800_001_000, repo: REPO, number: 102, body: late.textBody, login: "club-zero-bot", createdAt: at, updatedAt: at });
    const from = fake.requests.length;
    await sender.send({ ...late, attempts: 3 });
    expect(posts().length).toBe(before);
    expect(fake.requests.slice(from).map((r) => new URL(r.path, fake.url).searchParams.get("page"))).toEqual([null, "2"]);
  });

  it("a later attempt that finds no earlier reply posts it, once", async () => {
    const message = row(103, { attempts: 4 });
    fake.comments.list.push({
      id: 1_800_002_000,
      repo: REPO,
      number: 103,
      body: "Another reply: <!-- club-zero:reply:comment:0 -->",
      login: "club-zero-bot",
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    await sender.send(message);
    expect(commentsOn(103).filter((c) => c.body === message.textBody)).toHaveLength(1);
  });
});

describe("looking for an earlier reply", () => {
  it("reads at most ten pages of comments, then posts", async () => {
    const message = row(107, { attempts: 2 });
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    for (let i = 0; i < 1_050; i++)
      fake.comments.list.push({ id: 1_810_000_000 + i, repo: REPO, number: 107, body: `+1 (${i})`, login: "someone", createdAt: at, updatedAt: at });
    const from = fake.requests.length;
    await sender.send(message);
    const looked = fake.requests.slice(from).filter((r) => r.method === "GET");
    expect(looked).toHaveLength(10);
    expect(commentsOn(107).filter((c) => c.body === message.textBody)).toHaveLength(1);
  });
});

describe("when it cannot post", () => {
  const failure = async (message: OutboxRow) => {
    const error = await sender.send(message).then(
      () => null,
      (e: unknown) => e as Error,
    );
    if (!error) throw new Error("the send was expected to fail");
    return { permanent: error instanceof PermanentSendError, message: error.message };
  };

  it("a recipient that names no issue is refused for good, before asking GitHub", async () => {
    const from = fake.requests.length;
    expect(await failure(row(1, { recipient: "spiffe/spire" }))).toEqual({ permanent: true, message: '"spiffe/spire" does not name an issue.' });
    expect(fake.requests.length).toBe(from);
  });

  it("GitHub's refusals that will not change are permanent; the others are tried again", async () => {
    const cases: [Parameters<FakeGithub["answerNext"]>[0], { permanent: boolean; message: string }][] = [
      [
        { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } },
        { permanent: true, message: "The issue does not exist or the credentials cannot see it (404)." },
      ],
      [
        { status: 410, body: { message: "This issue was deleted", status: "410" } },
        { permanent: true, message: "The issue does not exist or the credentials cannot see it (410)." },
      ],
      [
        { status: 403, headers: { "X-RateLimit-Remaining": "4990" }, body: { message: "Unable to create comment because issue is locked.", status: "403" } },
        { permanent: true, message: "GitHub refused the comment (403): the issue may be locked, or the credentials may not write issues." },
      ],
      [
        { status: 422, body: { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "custom", field: "body" }], status: "422" } },
        { permanent: true, message: "GitHub refused the comment as invalid (422)." },
      ],
      [
        {
          status: 403,
          headers: { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 600) },
          body: { message: "API rate limit exceeded" },
        },
        { permanent: false, message: "GitHub's rate limit was reached while posting the reply; it will be tried again." },
      ],
      [
        { status: 403, headers: { "Retry-After": "60" }, body: { message: "You have exceeded a secondary rate limit." } },
        { permanent: false, message: "GitHub's rate limit was reached while posting the reply; it will be tried again." },
      ],
      [
        { status: 429, headers: { "Retry-After": "30" }, body: "" },
        { permanent: false, message: "GitHub's rate limit was reached while posting the reply; it will be tried again." },
      ],
      [
        { status: 401, body: { message: "Bad credentials", status: "401" } },
        { permanent: false, message: "GitHub refused the credentials (401) while posting the reply; it will be tried again." },
      ],
      [
        { status: 502, body: { message: "Server Error" } },
        { permanent: false, message: "GitHub answered 502 while posting the reply; it will be tried again." },
      ],
      [
        { status: 503, headers: { "Retry-After": "120" }, body: { message: "Service Unavailable" } },
        { permanent: false, message: "GitHub answered 503 while posting the reply; it will be tried again." },
      ],
      [
        { status: 200, body: { id: 1 } },
        { permanent: false, message: "GitHub answered 200 while posting the reply; it will be tried again." },
      ],
    ];
    for (const [answer, expected] of cases) {
      fake.answerNext(answer);
      expect(await failure(row(104)), `GitHub's ${answer.status}`).toEqual(expected);
    }
    expect(commentsOn(104)).toEqual([]);
  });

  it("looking for an earlier reply can fail too, and says so; nothing is posted", async () => {
    const before = posts().length;
    fake.answerNext({ status: 502, body: { message: "Server Error" } });
    expect(await failure(row(105, { attempts: 2 }))).toEqual({
      permanent: false,
      message: "GitHub answered 502 while looking for an earlier attempt's reply; it will be tried again.",
    });
    fake.answerNext({ status: 200, body: { message: "Moved Permanently" } });
    expect(await failure(row(105, { attempts: 2 }))).toEqual({
      permanent: false,
      message: "GitHub's list of comments did not look like one; it will be tried again.",
    });
    expect(posts().length).toBe(before);
  });

  // last: the fake stays stopped
  it("a GitHub that cannot be reached is tried again later", async () => {
    await fake.stop();
    stopped = true;
    expect(await failure(row(106))).toEqual({ permanent: false, message: "GitHub could not be reached while posting the reply; it will be tried again." });
    expect(await failure(row(106, { attempts: 2 }))).toEqual({
      permanent: false,
      message: "GitHub could not be reached while looking for an earlier attempt's reply; it will be tried again.",
    });
  });
});
