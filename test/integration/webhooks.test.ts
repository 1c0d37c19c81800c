import crypto from "node:crypto";
import { Webhooks } from "@octokit/webhooks";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUSY_TIMEOUT_MS, db } from "~/app/db.server";
import { MAX_GROUP, replayDelivery } from "~/app/github/receive.server";
import { signedBytes } from "~/app/github/verify.server";
import { PAYLOAD_MAX_CHARS } from "~/app/lib/payload-view";
import { cliActor } from "~/app/models/audit.server";
import { getBountyForIssue, getBounty, NOTES_PER_BOUNTY } from "~/app/models/bounties.server";
import { getDeliveryByGuid, getIssue, getRelease } from "~/app/models/github.server";
import { setDisabled } from "~/app/models/users.server";
import { loader as adminWebhooks } from "~/app/routes/admin.webhooks";
import { loader as rawPayload } from "~/app/routes/admin.webhooks_.$id.payload";
import { loader as bountyPage } from "~/app/routes/bounties.$id";
import { staleOpenFlags, staleTargetCounts } from "../support/counts";
import { fingerprint } from "../support/fingerprint";
import {
  applyRepo,
  commentEvent,
  deliveryHeaders,
  example,
  fixingPull,
  githubUserId,
  issuesEvent,
  pullEvent,
  sign,
  transferEvent,
  transferOpenedEvent,
  type IssueSpec,
} from "../support/github-webhooks";
import { call } from "../support/remix";
import { cookieFor, makeUser } from "../support/users";
import { webhook } from "../support/webhook-endpoint";

const SECRET = process.env.GITHUB_WEBHOOK_SECRET!;
const dbFile = process.env.DATABASE_PATH!;

async function deliver(event: string, payload: unknown, opts: { id?: string; headers?: Record<string, string>; body?: string } = {}) {
  const body = opts.body ?? JSON.stringify(payload);
  return call(
    webhook,
    "/webhooks/github",
    {},
    {
      method: "POST",
      headers: { ...deliveryHeaders(event, body, SECRET, opts.id), ...opts.headers },
      body,
    },
  );
}

let issueNo = 1000;
/** A fresh issue on Prometheus's upstream repository. */
function newIssue(extra: Partial<IssueSpec> = {}): IssueSpec {
  issueNo += 1;
  return { repo: "prometheus/prometheus", number: issueNo, title: `Support SPIFFE ${issueNo}`, updatedAt: "2026-01-01T10:00:00Z", ...extra };
}
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 10, minutes)).toISOString();

describe("signature vectors (WH-1)", () => {
  const bytesOf = (text: string) => new TextEncoder().encode(text);

  it.each([
    ["It's a Secret to Everybody", "Hello, World!", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"],
    ["mysecret", '{"foo":"bar"}', "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3"],
    ["It's a Secret to Everybody", '{"emoji":"😊 ünïcödé"}', "sha256=526b5c27ffd77910bb9a91dd5b03dc08f23f38447009cc27f5bf030d8a4cda53"],
  ])("secret %j over %j verifies", (secret, body, header) => {
    expect(signedBytes(bytesOf(body), header, [secret])).toBe(true);
  });

  it("a delivery signed by @octokit/webhooks verifies, and fails under another secret", async () => {
    const body = JSON.stringify(issuesEvent("opened", newIssue()));
    const header = await new Webhooks({ secret: "octokit-secret-0123456789abcdef0123" }).sign(body);
    expect(signedBytes(bytesOf(body), header, ["octokit-secret-0123456789abcdef0123"])).toBe(true);
    expect(signedBytes(bytesOf(body), header, ["another-secret-0123456789abcdef0123"])).toBe(false);
  });

  it("a re-serialised body no longer matches the signature of the bytes GitHub sent", () => {
    const raw = '{"name": "caf\\u00e9",  "n": 1}';
    const header = sign("mysecret", raw);
    expect(signedBytes(bytesOf(raw), header, ["mysecret"])).toBe(true);
    expect(signedBytes(bytesOf(JSON.stringify(JSON.parse(raw))), header, ["mysecret"])).toBe(false);
  });

  it("checks the raw bytes before they become text: GitHub's vector passes, one changed byte fails", () => {
    const bytes = bytesOf("Hello, World!");
    const header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(signedBytes(bytes, header, ["It's a Secret to Everybody"])).toBe(true);
    expect(signedBytes(bytes, header, ["another secret", "It's a Secret to Everybody"])).toBe(true);
    bytes[0] = bytes[0]! ^ 1;
    expect(signedBytes(bytes, header, ["It's a Secret to Everybody"])).toBe(false);
    expect(signedBytes(bytes, "sha256=nothex", ["It's a Secret to Everybody"])).toBe(false);
  });

  it("compares the whole digest: a signature wrong only in its first or its last byte is refused", () => {
    const bytes = bytesOf("Hello, World!");
    const good = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const flip = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);
    for (const at of [0, 1, 31, 32, 62, 63]) {
      expect(signedBytes(bytes, `sha256=${flip(good, at)}`, ["It's a Secret to Everybody"]), `hex digit ${at} changed`).toBe(false);
    }
  });

  it("refuses a missing, uppercase, short or sha1 header, and any header when no secret is set", () => {
    const bytes = bytesOf("Hello, World!");
    const good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    for (const header of [null, "", good.toUpperCase(), "sha256=757107ea", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d", `${good} `]) {
      expect(signedBytes(bytes, header, ["It's a Secret to Everybody"]), `header ${JSON.stringify(header)}`).toBe(false);
    }
    expect(signedBytes(bytes, good, [])).toBe(false);
  });

  it("accepts either secret during a rotation", () => {
    const keys = ["new-secret-0123456789abcdef0123456789", "old-secret-0123456789abcdef0123456789"];
    expect(signedBytes(bytesOf("{}"), sign(keys[0]!, "{}"), keys)).toBe(true);
    expect(signedBytes(bytesOf("{}"), sign(keys[1]!, "{}"), keys)).toBe(true);
    expect(signedBytes(bytesOf("{}"), sign("some-other-secret", "{}"), keys)).toBe(false);
  });
});

describe("the receiver refuses bad deliveries and writes nothing", () => {
  it("checks the signature before parsing: a signed non-JSON body is a 400 (WH-1)", async () => {
    const before = fingerprint(dbFile);
    const res = await deliver("ping", null, { body: "Hello, World!" });
    expect(res.status).toBe(400);
    expect(fingerprint(dbFile)).toEqual(before);
  });

  it("1,400 forged or malformed signatures: all 401, no 5xx, nothing written (WH-2, WH-3)", async () => {
    const body = JSON.stringify(issuesEvent("opened", newIssue({ labels: ["club-zero"] })));
    const before = fingerprint(dbFile);
    const bad: (string | null)[] = [
      ...Array.from({ length: 1000 }, () => `sha256=${crypto.randomBytes(32).toString("hex")}`),
      ...Array.from({ length: 100 }, () => null),
      ...Array.from({ length: 100 }, () => `sha256=${sign(SECRET, body).slice(7).toUpperCase()}`),
      ...Array.from({ length: 100 }, () => "sha256=abc"),
    ];
    const statuses = new Map<number, number>();
    for (const header of bad) {
      const headers: Record<string, string> = { ...deliveryHeaders("issues", body, SECRET) };
      if (header === null) delete headers["X-Hub-Signature-256"];
      else headers["X-Hub-Signature-256"] = header;
      const res = await call(webhook, "/webhooks/github", {}, { method: "POST", headers, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    for (let i = 0; i < 100; i++) {
      const headers: Record<string, string> = {
        ...deliveryHeaders("issues", body, SECRET),
        "X-Hub-Signature": `sha1=${crypto.randomBytes(20).toString("hex")}`,
      };
      delete headers["X-Hub-Signature-256"];
      const res = await call(webhook, "/webhooks/github", {}, { method: "POST", headers, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 1400 });
    expect(fingerprint(dbFile)).toEqual(before);
  });

  it("answers 405, 400 and 415 for the wrong method, missing headers and content type (WH-4)", async () => {
    const before = fingerprint(dbFile);
    expect((await call(webhook, "/webhooks/github")).status).toBe(405);
    const body = JSON.stringify(example("ping"));
    for (const missing of ["X-GitHub-Event", "X-GitHub-Delivery"]) {
      const headers = deliveryHeaders("ping", body, SECRET);
      delete headers[missing as keyof typeof headers];
      expect((await call(webhook, "/webhooks/github", {}, { method: "POST", headers, body })).status, missing).toBe(400);
    }
    for (const type of ["application/x-www-form-urlencoded", "text/plain", ""]) {
      const headers = { ...deliveryHeaders("ping", body, SECRET), "Content-Type": type };
      expect((await call(webhook, "/webhooks/github", {}, { method: "POST", headers, body })).status, type).toBe(415);
    }
    expect(fingerprint(dbFile)).toEqual(before);
  });

  it("stores a signed payload that does not fit the schema as `invalid`, with no effect (WH-13)", async () => {
    const before = fingerprint(dbFile, ["login_failures", "webhook_deliveries"]);
    const id = crypto.randomUUID();
    const res = await deliver("issues", { action: "opened", issue: { id: "not a number" }, repository: {} }, { id });
    expect(res.status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "invalid" });
    expect(fingerprint(dbFile, ["login_failures", "webhook_deliveries"])).toEqual(before);
  });
});

describe("events", () => {
  it("ping answers 200 and remembers the hook, with no other effect (WH-12)", async () => {
    const id = crypto.randomUUID();
    const res = await deliver("ping", example("ping"), { id });
    expect(res.status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed", event: "ping" });
    expect(db.$client.prepare("select count(*) as n from github_hooks").get()).toEqual({ n: 1 });
  });

  it.each([
    ["star", "created"],
    ["issues", "pinned"],
    ["label", "created"],
    ["pull_request", "synchronize"],
  ])("%s.%s is stored as ignored and changes nothing (WH-11)", async (event, action) => {
    const before = fingerprint(dbFile, ["login_failures", "webhook_deliveries"]);
    const id = crypto.randomUUID();
    expect((await deliver(event, example(event, action), { id })).status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "ignored", action });
    expect(fingerprint(dbFile, ["login_failures", "webhook_deliveries"])).toEqual(before);
  });

  it("every GitHub example of a handled event is accepted and none fails", async () => {
    const handled: [string, string[]][] = [
      ["issues", ["opened", "edited", "reopened", "labeled", "unlabeled", "assigned", "unassigned", "deleted", "transferred"]],
      ["issue_comment", ["created"]],
      ["pull_request", ["opened", "reopened", "closed"]],
      ["release", ["published", "released"]],
    ];
    for (const [event, actions] of handled) {
      for (const action of actions) {
        const id = crypto.randomUUID();
        const res = await deliver(event, example(event, action), { id });
        expect(res.status, `${event}.${action}`).toBe(200);
        expect(getDeliveryByGuid(db, id)?.status, `${event}.${action}`).toBe("processed");
      }
    }
  });

  it("a club-zero-labelled issue on a target's repo becomes a bounty; /claim claims it for the GitHub login", async () => {
    const spec = newIssue({ labels: ["club-zero", "club-zero/docs"], title: "Document SPIFFE scraping" });
    await deliver("issues", issuesEvent("labeled", spec));
    const bounty = getBountyForIssue(db, spec.repo, spec.number)!;
    expect(bounty).toMatchObject({ status: "open", kind: "docs", title: "Document SPIFFE scraping" });
    const detail = getBounty(db, bounty.id)!;
    expect(detail.target.slug).toBe("prometheus");

    await deliver("issue_comment", commentEvent({ ...spec, updatedAt: at(5) }, { id: 501, body: "I'll take it\n/claim", login: "octocat", createdAt: at(5) }));
    const claimed = getBounty(db, bounty.id)!;
    expect(claimed.status).toBe("claimed");
    expect(claimed.claim).toMatchObject({ githubLogin: "octocat", userId: null, label: "@octocat (GitHub)" });
    expect(claimed.events[0]).toMatchObject({ type: "claimed", source: "github", actorLabel: "@octocat (GitHub)" });
  });

  it("a /claim shown as Markdown code (fenced, indented, inline, or an HTML comment) claims nothing", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const bodies = [
      "To take a bounty, comment:\n\n```\n/claim\n```",
      "Or with tildes:\n~~~\n/claim\n~~~",
      "Indented:\n\n    /claim",
      "Type ``\n/claim\n`` on its own line",
      "<!--\n/claim\n-->",
    ];
    for (const [i, body] of bodies.entries()) {
      const id = crypto.randomUUID();
      const res = await deliver("issue_comment", commentEvent(spec, { id: 520 + i, body, login: "octocat", createdAt: at(1 + i) }), { id });
      expect(res.status).toBe(200);
    }
    const b = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
    expect(b.status).toBe("open");
    expect(b.claim).toBeNull();
  });

  it("a label club-zero:<slug> links an issue in any repository to that target", async () => {
    const spec = newIssue({ repo: "someone/exporter", labels: ["club-zero:grafana", "club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const bounty = getBountyForIssue(db, spec.repo, spec.number)!;
    expect(getBounty(db, bounty.id)!.target.slug).toBe("grafana");
  });

  it("an issue without the club-zero label is mirrored but no bounty appears", async () => {
    const spec = newIssue({ labels: ["bug"] });
    await deliver("issues", issuesEvent("opened", spec));
    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({ title: spec.title, state: "open" });
    expect(getBountyForIssue(db, spec.repo, spec.number)).toBeNull();
  });

  it("a refused command is recorded on the timeline with the reason; bots are ignored", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 601, body: "/claim", login: "alice-gh", createdAt: at(1) }));
    await deliver("issue_comment", commentEvent(spec, { id: 602, body: "/claim", login: "bob-gh", createdAt: at(2) }));
    const id = crypto.randomUUID();
    await deliver("issue_comment", commentEvent(spec, { id: 603, body: "/release", login: "helper[bot]", createdAt: at(3), type: "Bot" }), { id });
    expect(getDeliveryByGuid(db, id)?.status).toBe("ignored");
    const b = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
    expect(b.claim?.githubLogin).toBe("alice-gh");
    expect(b.events[0]).toMatchObject({ type: "refused", actorLabel: "@bob-gh (GitHub)" });
    expect(b.events[0]!.note).toBe("/claim refused: @alice-gh (GitHub) has already claimed this bounty.");
  });

  it("a disabled account's /claim from its verified GitHub login creates no claim, and the refusal is on the timeline", async () => {
    const user = await makeUser();
    db.$client.prepare("update users set github_login = 'gone-gh', github_id = ?, github_verified = 1 where id = ?").run(githubUserId("gone-gh"), user.id);
    setDisabled(db, cliActor, user.id, true);
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const id = getBountyForIssue(db, spec.repo, spec.number)!.id;
    const res = await deliver("issue_comment", commentEvent(spec, { id: 651, body: "/claim", login: "Gone-GH", createdAt: at(1) }));
    expect(res.status).toBe(200);
    expect(db.$client.prepare("select count(*) as n from claims where bounty_id = ?").get(id)).toEqual({ n: 0 });
    const b = getBounty(db, id)!;
    expect(b.status).toBe("open");
    expect(b.events[0]).toMatchObject({ type: "refused", actorLabel: `@${user.username}`, source: "github" });
    expect(b.events[0]!.note).toBe(`/claim refused: @${user.username}'s Club Zero account is disabled, so it cannot act here.`);
  });

  it("a disabled account that renames its GitHub login is still that account (matched by GitHub's id): no claim", async () => {
    const user = await makeUser();
    const id = githubUserId("old-name-gh");
    db.$client.prepare("update users set github_login = 'old-name-gh', github_id = ?, github_verified = 1 where id = ?").run(id, user.id);
    setDisabled(db, cliActor, user.id, true);
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const bountyId = getBountyForIssue(db, spec.repo, spec.number)!.id;
    await deliver("issue_comment", commentEvent(spec, { id: 671, body: "/claim", login: "new-name-gh", userId: id, createdAt: at(1) }));
    expect(db.$client.prepare("select count(*) as n from claims where bounty_id = ?").get(bountyId)).toEqual({ n: 0 });
    expect(getBounty(db, bountyId)!.events[0]).toMatchObject({ type: "refused", actorLabel: `@${user.username}` });
  });

  it("someone who takes over a login an SSC member renamed away from acts only as that GitHub login, not as the member", async () => {
    const member = await makeUser(["ssc"]);
    db.$client
      .prepare("update users set github_login = 'taken-over-gh', github_id = ?, github_verified = 1 where id = ?")
      .run(githubUserId("taken-over-gh"), member.id);
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const bountyId = getBountyForIssue(db, spec.repo, spec.number)!.id;
    // the same login, but another GitHub account (another id)
    await deliver("issue_comment", commentEvent(spec, { id: 681, body: "/claim", login: "taken-over-gh", userId: 99_999_999_999, createdAt: at(1) }));
    const claim = db.$client.prepare("select user_id as userId, github_login as login from claims where bounty_id = ?").get(bountyId);
    expect(claim).toEqual({ userId: null, login: "taken-over-gh" });
  });

  it("a claim held by an account that is then disabled gets no /progress or /release from GitHub", async () => {
    const user = await makeUser();
    db.$client
      .prepare("update users set github_login = 'leaving-gh', github_id = ?, github_verified = 1 where id = ?")
      .run(githubUserId("leaving-gh"), user.id);
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const id = getBountyForIssue(db, spec.repo, spec.number)!.id;
    await deliver("issue_comment", commentEvent(spec, { id: 661, body: "/claim", login: "leaving-gh", createdAt: at(1) }));
    const claim = db.$client.prepare("select id, user_id as userId, last_checkin_at as checkin, ended_at as endedAt from claims where bounty_id = ?").get(id);
    expect(claim).toMatchObject({ userId: user.id, endedAt: null });
    setDisabled(db, cliActor, user.id, true);
    await deliver("issue_comment", commentEvent(spec, { id: 662, body: "/progress still on it\n/release", login: "leaving-gh", createdAt: at(2) }));
    expect(db.$client.prepare("select id, user_id as userId, last_checkin_at as checkin, ended_at as endedAt from claims where bounty_id = ?").get(id)).toEqual(
      claim,
    );
    const b = getBounty(db, id)!;
    expect(b.status).toBe("claimed");
    expect(b.events.slice(0, 2).map((e) => [e.type, e.note])).toEqual([
      ["refused", `/release refused: @${user.username}'s Club Zero account is disabled, so it cannot act here.`],
      ["refused", `/progress refused: @${user.username}'s Club Zero account is disabled, so it cannot act here.`],
    ]);
  });

  it("an issue or pull request whose html_url is not a GitHub page is stored with its own GitHub address instead", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    const opened = issuesEvent("opened", spec);
    opened.issue.html_url = "javascript:alert(1)";
    await deliver("issues", opened);
    expect(getIssue(db, spec.repo, spec.number)!.url).toBe(`https://github.com/${spec.repo}/issues/${spec.number}`);
    const bounty = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
    expect(bounty.description).not.toContain("javascript:");
    const fix = fixingPull(spec);
    const pr = pullEvent("opened", fix);
    pr.pull_request.html_url = "https://evil.example/github.com/pull/1";
    await deliver("pull_request", pr);
    expect(getIssue(db, spec.repo, fix.number)!.url).toBe(`https://github.com/${spec.repo}/pull/${fix.number}`);
    const events = getBounty(db, bounty.id)!.events;
    expect(events[0]).toMatchObject({ type: "submitted", linksJson: JSON.stringify([`https://github.com/${spec.repo}/pull/${fix.number}`]) });
    const release = example("release", "published");
    applyRepo(release, "spiffe/links-test");
    release.release.tag_name = "v1.0.0";
    release.release.html_url = "data:text/html,<script>alert(1)</script>";
    release.release.draft = false;
    release.release.prerelease = false;
    await deliver("release", release);
    expect(getRelease(db, "spiffe/links-test")).toMatchObject({ url: "https://github.com/spiffe/links-test/releases/tag/v1.0.0" });
  });

  it("a PR that fixes the issue moves it to review; merged completes it with credit to the claimant", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 701, body: "/claim", login: "carol-gh", createdAt: at(1) }));
    const pr = fixingPull(spec, { author: "dan-gh" });
    await deliver("pull_request", pullEvent("opened", pr));
    const id = getBountyForIssue(db, spec.repo, spec.number)!.id;
    expect(getBounty(db, id)!.status).toBe("in_review");
    await deliver("pull_request", pullEvent("closed", { ...pr, merged: true, updatedAt: at(20) }));
    const done = getBounty(db, id)!;
    expect(done.status).toBe("completed");
    expect(done.creditLabel).toBe("@carol-gh (GitHub)");
  });

  it("with nobody holding a claim, the merged PR's author gets the credit whether issues.closed or the merged pull_request.closed arrives first", async () => {
    const credits: (string | null)[] = [];
    for (const issueFirst of [true, false]) {
      const spec = newIssue({ labels: ["club-zero"] });
      await deliver("issues", issuesEvent("labeled", spec));
      const pr = fixingPull(spec, { author: "fay-gh" });
      await deliver("pull_request", pullEvent("opened", pr));
      const closed = () => deliver("issues", issuesEvent("closed", { ...spec, state: "closed", stateReason: "completed", updatedAt: at(21) }));
      const merged = () => deliver("pull_request", pullEvent("closed", { ...pr, merged: true, updatedAt: at(20) }));
      if (issueFirst) await closed();
      await merged();
      if (!issueFirst) await closed();
      await merged(); // GitHub redelivers: still one credit
      const b = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
      expect(b.status, issueFirst ? "issue closed first" : "PR merged first").toBe("completed");
      credits.push(b.creditLabel);
    }
    expect(credits).toEqual(["@fay-gh (GitHub)", "@fay-gh (GitHub)"]);
  });

  it("a PR whose id equals an issue's id is a different item: the issue's mirror row and bounty stay as they were", async () => {
    const spec = newIssue({ labels: ["club-zero"], id: 4_242_000_000 + issueNo });
    await deliver("issues", issuesEvent("labeled", spec));
    const pr = {
      repo: spec.repo,
      id: spec.id!,
      number: 9700 + spec.number,
      title: "Unrelated refactor",
      body: "No issue here.",
      author: "pat-gh",
      updatedAt: at(20),
    };
    expect((await deliver("pull_request", pullEvent("opened", pr))).status).toBe(200);

    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({ kind: "issue", title: spec.title, githubId: spec.id, state: "open" });
    expect(getIssue(db, pr.repo, pr.number)).toMatchObject({ kind: "pull", title: "Unrelated refactor", githubId: pr.id });
    expect(getBountyForIssue(db, spec.repo, spec.number)).toMatchObject({ status: "open", title: spec.title });

    await deliver("issues", issuesEvent("edited", { ...spec, title: "Support SPIFFE, renamed", updatedAt: at(30) }));
    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({ kind: "issue", title: "Support SPIFFE, renamed" });
    expect(getIssue(db, pr.repo, pr.number)).toMatchObject({ kind: "pull", title: "Unrelated refactor" });
  });

  it("a PR closed without merging sends the work back; closing the issue as not planned cancels", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const pr = fixingPull(spec, { body: `closes ${spec.repo}#${spec.number}`, author: "erin-gh" });
    await deliver("pull_request", pullEvent("opened", pr));
    const id = getBountyForIssue(db, spec.repo, spec.number)!.id;
    expect(getBounty(db, id)!.status).toBe("in_review");
    await deliver("pull_request", pullEvent("closed", { ...pr, updatedAt: at(11) }));
    expect(getBounty(db, id)!.status).toBe("open");
    await deliver("issues", issuesEvent("closed", { ...spec, state: "closed", stateReason: "not_planned", updatedAt: at(30) }));
    expect(getBounty(db, id)!.status).toBe("cancelled");
    await deliver("issues", issuesEvent("reopened", { ...spec, updatedAt: at(40) }));
    expect(getBounty(db, id)!.status).toBe("open");
    // the catalog's per-target counts follow every link and state change
    expect(staleTargetCounts()).toEqual([]);
    expect(staleOpenFlags()).toEqual([]);
  });

  it("a published release is remembered as the repository's latest; an older one does not replace it", async () => {
    const newer = example("release", "published");
    applyRepo(newer, "spiffe/spire");
    newer.release.tag_name = "v1.15.2";
    newer.release.published_at = "2026-10-01T00:00:00Z";
    newer.release.prerelease = false;
    newer.release.draft = false;
    await deliver("release", newer);
    const older = structuredClone(newer);
    older.release.tag_name = "v1.14.9";
    older.release.published_at = "2026-09-01T00:00:00Z";
    await deliver("release", older);
    expect(getRelease(db, "spiffe/spire")).toMatchObject({ tag: "v1.15.2" });
  });

  it("a pre-release promoted to a release (`released`, no second `published`) becomes the latest release", async () => {
    const pre = example("release", "published");
    applyRepo(pre, "spiffe/spire-promoted");
    Object.assign(pre.release, { tag_name: "v2.0.0", published_at: "2026-10-01T00:00:00Z", prerelease: true, draft: false });
    await deliver("release", pre);
    expect(getRelease(db, "spiffe/spire-promoted")).toBeNull();
    const promoted = structuredClone(pre);
    promoted.action = "released";
    promoted.release.prerelease = false;
    const id = crypto.randomUUID();
    expect((await deliver("release", promoted, { id })).status).toBe(200);
    expect(getDeliveryByGuid(db, id)?.status).toBe("processed");
    expect(getRelease(db, "spiffe/spire-promoted")).toMatchObject({ tag: "v2.0.0" });
  });

  it("a backport published after a newer release (v1.9.3 after v1.10.0) does not replace the latest release", async () => {
    const newer = example("release", "published");
    applyRepo(newer, "spiffe/spire-backports");
    Object.assign(newer.release, { tag_name: "v1.10.0", published_at: "2026-10-01T00:00:00Z", prerelease: false, draft: false });
    await deliver("release", newer);
    const backport = structuredClone(newer);
    Object.assign(backport.release, { tag_name: "v1.9.3", published_at: "2026-10-05T00:00:00Z" });
    await deliver("release", backport);
    backport.action = "released";
    await deliver("release", backport);
    expect(getRelease(db, "spiffe/spire-backports")).toMatchObject({ tag: "v1.10.0" });
    const next = structuredClone(newer);
    Object.assign(next.release, { tag_name: "v1.10.1", published_at: "2026-10-06T00:00:00Z" });
    await deliver("release", next);
    expect(getRelease(db, "spiffe/spire-backports")).toMatchObject({ tag: "v1.10.1" });
  });
});

const bountyOf = (spec: IssueSpec) => getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
const bountiesOn = (number: number) => db.$client.prepare("select count(*) as n from bounties where github_number = ?").get(number) as { n: number };

describe("GitHub's semantics: moved issues, renamed repositories, closing keywords", () => {
  it("a transferred issue takes its bounty along: the new issue's events act on it, and the old mirror row is closed", async () => {
    const from = { repo: "etcd-io/etcd", number: 3101, labels: ["club-zero"], title: "SPIFFE peer auth", updatedAt: at(0) };
    const to = { repo: "etcd-io/etcd-transferred", number: 77, labels: ["club-zero"], title: "SPIFFE peer auth", updatedAt: at(5) };
    await deliver("issues", issuesEvent("labeled", from));
    await deliver("issue_comment", commentEvent({ ...from, updatedAt: at(1) }, { id: 3101_01, body: "/claim", login: "moss-gh", createdAt: at(1) }));
    const id = bountyOf(from).id;

    expect((await deliver("issues", transferEvent({ ...from, updatedAt: at(5) }, to))).status).toBe(200);
    expect(getBountyForIssue(db, to.repo, to.number)?.id).toBe(id);
    expect(getBountyForIssue(db, from.repo, from.number)).toBeNull();
    expect(getIssue(db, from.repo, from.number)).toMatchObject({ state: "closed", stateReason: "transferred" });
    expect(getIssue(db, to.repo, to.number)).toMatchObject({ state: "open", title: "SPIFFE peer auth" });
    const moved = getBounty(db, id)!;
    expect(moved.target.slug).toBe("etcd");
    expect(moved.events[0]).toMatchObject({ type: "linked", source: "github" });
    expect(moved.events[0]!.note).toBe("The issue moved on GitHub from etcd-io/etcd#3101 to etcd-io/etcd-transferred#77.");
    expect(JSON.parse(moved.events[0]!.linksJson!)).toEqual(["https://github.com/etcd-io/etcd-transferred/issues/77"]);
    // The move is on the audit log: by whom (the sender on GitHub), from which issue to which.
    expect(
      db.$client
        .prepare(
          "select actor_label as actor, source, before_json as before, after_json as after from audit_log where action = 'bounty.issue_transferred' and entity_id = ?",
        )
        .all(String(id)),
    ).toEqual([{ actor: "github:maintainer", source: "github", before: '{"issue":"etcd-io/etcd#3101"}', after: '{"issue":"etcd-io/etcd-transferred#77"}' }]);

    // the claimant's next command comes from the new issue
    await deliver(
      "issue_comment",
      commentEvent({ ...to, updatedAt: at(6) }, { id: 3101_02, body: "/progress ported the tests", login: "moss-gh", createdAt: at(6) }),
    );
    expect(getBounty(db, id)!.status).toBe("in_progress");
    await deliver("issues", issuesEvent("closed", { ...to, state: "closed", stateReason: "completed", updatedAt: at(9) }));
    expect(getBounty(db, id)).toMatchObject({ status: "completed", creditLabel: "@moss-gh (GitHub)" });
    expect(staleTargetCounts()).toEqual([]);
    expect(staleOpenFlags()).toEqual([]);
  });

  it("GitHub also sends `opened` for the moved issue, before or after `transferred`: either way one bounty, moved, even into a target's repository", async () => {
    for (const openedFirst of [true, false]) {
      const n = openedFirst ? 3201 : 3202;
      const from = { repo: "hashicorp/consul", number: n, labels: ["club-zero"], title: `SPIFFE CA ${n}`, updatedAt: at(0) };
      const to = { repo: "hashicorp/vault", number: n + 100, labels: ["club-zero"], title: `SPIFFE CA ${n}`, updatedAt: at(5) };
      await deliver("issues", issuesEvent("labeled", from));
      await deliver("issue_comment", commentEvent({ ...from, updatedAt: at(1) }, { id: n * 100, body: "/claim", login: "uma-gh", createdAt: at(1) }));
      const id = bountyOf(from).id;
      const opened = () => deliver("issues", transferOpenedEvent({ ...from, updatedAt: at(5) }, to));
      const transferred = () => deliver("issues", transferEvent({ ...from, updatedAt: at(5) }, to));
      if (openedFirst) await opened();
      await transferred();
      if (!openedFirst) await opened();
      const both = db.$client.prepare("select id, github_repo, github_number, status from bounties where title = ?").all(`SPIFFE CA ${n}`) as {
        id: number;
        github_repo: string;
        github_number: number;
        status: string;
      }[];
      expect(both, openedFirst ? "opened first" : "transferred first").toEqual([
        { id, github_repo: "hashicorp/vault", github_number: n + 100, status: "claimed" },
      ]);
      expect(getIssue(db, from.repo, from.number)).toMatchObject({ state: "closed", stateReason: "transferred" });
      expect(getBounty(db, id)!.events.filter((e) => e.type === "linked")).toHaveLength(1);
    }
    expect(staleTargetCounts()).toEqual([]);
  });

  it("a renamed repository (same id, new name) is the same repository: no second bounty, and its new issues reach the same target", async () => {
    const before = { repo: "vitessio/vitess", number: 4101, labels: ["club-zero"], title: "SPIFFE for vtgate", updatedAt: at(0) };
    await deliver("issues", issuesEvent("labeled", before));
    const id = bountyOf(before).id;
    const renamed = (payload: Record<string, unknown>) => {
      const p = payload as { repository: { id: number; full_name: string; name: string } };
      p.repository.id = Math.abs(crypto.createHash("sha256").update(before.repo).digest().readInt32BE(0));
      return p;
    };
    const after = { ...before, repo: "vitessio/vitess-renamed", updatedAt: at(2) };
    // GitHub keeps the issue's id and the repository's id through a rename
    const issueId = getIssue(db, before.repo, before.number)!.githubId!;
    await deliver("issue_comment", renamed(commentEvent({ ...after, id: issueId }, { id: 4101_01, body: "/claim", login: "ivy-gh", createdAt: at(2) })));
    expect(bountiesOn(before.number).n).toBe(1);
    expect(getBounty(db, id)).toMatchObject({ status: "claimed", githubRepo: "vitessio/vitess-renamed" });
    expect(getIssue(db, after.repo, after.number)).toMatchObject({ githubId: issueId });
    const audit = db.$client.prepare("select before_json, after_json from audit_log where action = 'github.repository_renamed' order by id desc").get() as {
      before_json: string;
      after_json: string;
    };
    expect(JSON.parse(audit.before_json)).toEqual({ repo: "vitessio/vitess" });

    const fresh = { repo: "vitessio/vitess-renamed", number: 4102, labels: ["club-zero"], title: "SPIFFE for vttablet", updatedAt: at(3) };
    await deliver("issues", renamed(issuesEvent("labeled", fresh)));
    expect(bountyOf(fresh).target.slug).toBe("vitess");
  });

  it("Fixes #N puts the bounty in review only from a PR into the default branch; a PR into another branch or a bare link is related", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const pr = (n: number, body: string, base?: string) => ({
      repo: spec.repo,
      id: 5_500_000 + spec.number * 10 + n,
      number: 20_000 + spec.number * 10 + n,
      title: `Attempt ${n}`,
      body,
      author: "kim-gh",
      updatedAt: at(10 + n),
      base,
    });
    const backport = pr(1, `Fixes #${spec.number}`, "release-2.55");
    const mention = pr(2, `Context: https://github.com/${spec.repo}/issues/${spec.number}`);
    const inTitle = { ...pr(3, "No keyword here."), title: `Fixes #${spec.number}` };
    for (const p of [backport, mention, inTitle]) await deliver("pull_request", pullEvent("opened", p));
    await deliver("pull_request", pullEvent("closed", { ...backport, merged: true, updatedAt: at(30) }));
    const id = getBountyForIssue(db, spec.repo, spec.number)!.id;
    expect(getBounty(db, id)!.status).toBe("open");

    const page = await (await call(bountyPage, `/bounties/${id}`, { id: String(id) })).json();
    expect(page.pulls.map((p: { number: number; relation: string }) => [p.number, p.relation]).sort()).toEqual(
      [backport, mention, inTitle].map((p) => [p.number, "related"]).sort(),
    );

    const fix = pr(4, `closes ${spec.repo}#${spec.number}`);
    await deliver("pull_request", pullEvent("opened", fix));
    expect(getBounty(db, id)!.status).toBe("in_review");
    const after = await (await call(bountyPage, `/bounties/${id}`, { id: String(id) })).json();
    expect(after.pulls.find((p: { number: number }) => p.number === fix.number).relation).toBe("fixes");

    // retargeted to another branch, it is only related from then on (an older event changes nothing back)
    await deliver("pull_request", pullEvent("edited", { ...fix, base: "release-2.55", updatedAt: at(40) }));
    await deliver("pull_request", pullEvent("opened", fix));
    const retargeted = await (await call(bountyPage, `/bounties/${id}`, { id: String(id) })).json();
    expect(retargeted.pulls.find((p: { number: number }) => p.number === fix.number).relation).toBe("related");
  });
});

describe("GitHub's semantics: edited and deleted comments, the label removed, a /claim before the bounty", () => {
  it("an edit that adds /claim claims; an edit that only changes other words acts on nothing again", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const comment = { id: 6_101, body: "I'd like to take this", login: "lee-gh", createdAt: at(1) };
    await deliver("issue_comment", commentEvent(spec, comment));
    expect(bountyOf(spec).status).toBe("open");
    await deliver(
      "issue_comment",
      commentEvent(spec, { ...comment, body: "I'd like to take this\n/claim" }, { action: "edited", updatedAt: at(2), previousBody: comment.body }),
    );
    expect(bountyOf(spec)).toMatchObject({ status: "claimed", claim: { githubLogin: "lee-gh" } });
    const events = bountyOf(spec).eventTotal;
    await deliver(
      "issue_comment",
      commentEvent(
        spec,
        { ...comment, body: "I'd like to take this!\n/claim" },
        { action: "edited", updatedAt: at(3), previousBody: "I'd like to take this\n/claim" },
      ),
    );
    // not a second claim, and not a refusal ("already claimed") either
    expect(bountyOf(spec).eventTotal).toBe(events);
  });

  it("deleting the comment that claimed releases the claim while the work is in hand; after submission the claim stands", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const claim = { id: 6_201, body: "/claim", login: "noa-gh", createdAt: at(1) };
    await deliver("issue_comment", commentEvent(spec, claim));
    await deliver("issue_comment", commentEvent(spec, { id: 6_202, body: "/progress started", login: "noa-gh", createdAt: at(2) }));
    // deleting another comment changes nothing
    await deliver("issue_comment", commentEvent(spec, { id: 6_202, body: "/progress started", login: "noa-gh", createdAt: at(2) }, { action: "deleted" }));
    expect(bountyOf(spec).status).toBe("in_progress");
    await deliver("issue_comment", commentEvent(spec, claim, { action: "deleted", sender: "maintainer" }));
    const released = bountyOf(spec);
    expect(released.status).toBe("open");
    expect(released.claim).toBeNull();
    expect(released.events[0]).toMatchObject({ type: "released", actorLabel: "github:maintainer" });
    expect(released.events[0]!.note).toBe("The comment that claimed this for @noa-gh was deleted on GitHub, so the claim is released.");

    const again = { id: 6_203, body: "/claim", login: "noa-gh", createdAt: at(3) };
    await deliver("issue_comment", commentEvent(spec, again));
    await deliver("issue_comment", commentEvent(spec, { id: 6_204, body: "/submit https://github.com/x/y/pull/1", login: "noa-gh", createdAt: at(4) }));
    await deliver("issue_comment", commentEvent(spec, again, { action: "deleted" }));
    const kept = bountyOf(spec);
    expect(kept).toMatchObject({ status: "in_review", claim: { githubLogin: "noa-gh" } });
    expect(kept.events[0]!.note).toBe("The comment that claimed this for @noa-gh was deleted on GitHub. The work is waiting for review, so the claim stands.");
  });

  it("removing the club-zero label cancels an open bounty (adding it back reopens it); claimed work keeps its claim, and the timeline says so", async () => {
    const open = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", open));
    await deliver("issues", issuesEvent("unlabeled", { ...open, labels: [], updatedAt: at(1) }, "maintainer"));
    const cancelled = bountyOf(open);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.events[0]!.note).toContain("The `club-zero` label was removed on GitHub");
    await deliver("issues", issuesEvent("labeled", { ...open, labels: ["club-zero"], updatedAt: at(2) }));
    expect(bountyOf(open).status).toBe("open");

    const claimed = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", claimed));
    await deliver("issue_comment", commentEvent(claimed, { id: 6_301, body: "/claim", login: "ola-gh", createdAt: at(1) }));
    await deliver("issues", issuesEvent("unlabeled", { ...claimed, labels: [], updatedAt: at(2) }, "maintainer"));
    const kept = bountyOf(claimed);
    expect(kept).toMatchObject({ status: "claimed", claim: { githubLogin: "ola-gh" } });
    expect(kept.events[0]).toMatchObject({ type: "linked", actorLabel: "github:maintainer" });
    expect(kept.events[0]!.note).toContain("Someone holds the claim, so the bounty stays as it is");
  });

  it("a /claim before the issue is a bounty claims nothing, then or later, and the delivery says why", async () => {
    const spec = newIssue({ labels: [] });
    await deliver("issues", issuesEvent("opened", spec));
    const id = crypto.randomUUID();
    await deliver("issue_comment", commentEvent(spec, { id: 6_401, body: "/claim", login: "pia-gh", createdAt: at(1) }), { id });
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed", error: "commands on an issue that is not a Club Zero bounty" });
    await deliver("issues", issuesEvent("labeled", { ...spec, labels: ["club-zero"], updatedAt: at(2) }));
    expect(bountyOf(spec)).toMatchObject({ status: "open", claim: null });
  });
});

describe("what a delivery leaves behind: the mirror, the audit log, the timeline", () => {
  const auditOf = (bountyId: number, action: string) =>
    db.$client
      .prepare("select actor_label as actor, source, after_json as after from audit_log where entity_type = 'bounty' and entity_id = ? and action = ?")
      .all(String(bountyId), action);

  it("the mirror keeps who opened the issue, who it is assigned to and its address; a ghost author and no assignees are kept as none", async () => {
    const spec = newIssue({ author: "opener-gh", assignees: ["ana-gh", "ben-gh"] });
    await deliver("issues", issuesEvent("opened", spec));
    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({
      kind: "issue",
      authorLogin: "opener-gh",
      assigneesJson: '["ana-gh","ben-gh"]',
      url: `https://github.com/${spec.repo}/issues/${spec.number}`,
    });
    // GitHub sends `user: null` for a deleted account and `assignees: null` on some older events
    const bare = newIssue();
    const payload = issuesEvent("opened", bare);
    payload.issue.user = null;
    payload.issue.assignees = null;
    expect((await deliver("issues", payload)).status).toBe(200);
    expect(getIssue(db, bare.repo, bare.number)).toMatchObject({ authorLogin: null, assigneesJson: "[]" });
  });

  it("the label removed from claimed work, and a claiming comment deleted after submission, are on the audit log with the bounty's status", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const claim = { id: 6_501, body: "/claim", login: "ria-gh", createdAt: at(1) };
    await deliver("issue_comment", commentEvent(spec, claim));
    const id = bountyOf(spec).id;
    await deliver("issues", issuesEvent("unlabeled", { ...spec, labels: [], updatedAt: at(2) }, "maintainer"));
    expect(auditOf(id, "bounty.label_removed")).toEqual([{ actor: "github:maintainer", source: "github", after: '{"status":"claimed"}' }]);

    await deliver("issue_comment", commentEvent(spec, { id: 6_502, body: "/submit https://github.com/x/y/pull/2", login: "ria-gh", createdAt: at(3) }));
    await deliver("issue_comment", commentEvent(spec, claim, { action: "deleted", sender: "ria-gh" }));
    expect(auditOf(id, "bounty.claim_comment_deleted")).toEqual([{ actor: "github:ria-gh", source: "github", after: '{"status":"in_review"}' }]);
    expect(bountyOf(spec)).toMatchObject({ status: "in_review", claim: { githubLogin: "ria-gh" } });
  });

  it("each command leaves its own trace: the /progress note, the /submit link, the /release reason; the delivery carries no note", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 6_601, body: "/claim", login: "sol-gh", createdAt: at(1) }));
    const progress = crypto.randomUUID();
    await deliver("issue_comment", commentEvent(spec, { id: 6_602, body: "/progress wired the SVID source", login: "sol-gh", createdAt: at(2) }), {
      id: progress,
    });
    expect(getDeliveryByGuid(db, progress)).toMatchObject({ status: "processed", error: null });
    expect(bountyOf(spec).events[0]).toMatchObject({ type: "progress", note: "wired the SVID source", linksJson: null });
    await deliver("issue_comment", commentEvent(spec, { id: 6_603, body: "/submit https://github.com/x/y/pull/3", login: "sol-gh", createdAt: at(3) }));
    const submitted = bountyOf(spec);
    expect(submitted.events[0]).toMatchObject({ type: "submitted", note: null });
    expect(JSON.parse(submitted.events[0]!.linksJson!)).toEqual(["https://github.com/x/y/pull/3"]);

    const other = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", other));
    await deliver("issue_comment", commentEvent(other, { id: 6_604, body: "/claim", login: "sol-gh", createdAt: at(1) }));
    await deliver("issue_comment", commentEvent(other, { id: 6_605, body: "/release", login: "sol-gh", createdAt: at(2) }));
    expect(bountyOf(other)).toMatchObject({ status: "open", claim: null });
    expect(bountyOf(other).events[0]).toMatchObject({ type: "released", note: "Released from GitHub.", actorLabel: "@sol-gh (GitHub)" });
  });

  it("a pull request's moves carry its address and who wrote it on the timeline: opened, merged, and credited after the issue closed first", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const pr = fixingPull(spec, { author: "gus-gh" });
    const prUrl = `https://github.com/${spec.repo}/pull/${pr.number}`;
    await deliver("pull_request", pullEvent("opened", pr));
    const review = bountyOf(spec).events[0]!;
    expect(review).toMatchObject({ type: "submitted", note: "Pull request by @gus-gh.", actorLabel: "github:gus-gh" });
    expect(JSON.parse(review.linksJson!)).toEqual([prUrl]);
    await deliver("pull_request", pullEvent("closed", { ...pr, merged: true, updatedAt: at(20) }));
    const done = bountyOf(spec);
    expect(done.events[0]).toMatchObject({ type: "completed", note: "The pull request was merged." });
    expect(JSON.parse(done.events[0]!.linksJson!)).toEqual([prUrl]);

    // the issue closed as completed before the merge arrived: the merge then credits its author, with the link
    const late = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", late));
    const latePr = fixingPull(late, { author: "hal-gh" });
    await deliver("pull_request", pullEvent("opened", latePr));
    await deliver("issues", issuesEvent("closed", { ...late, state: "closed", stateReason: "completed", updatedAt: at(15) }));
    await deliver("pull_request", pullEvent("closed", { ...latePr, merged: true, updatedAt: at(20) }));
    const credited = bountyOf(late);
    expect(credited.creditLabel).toBe("@hal-gh (GitHub)");
    expect(credited.events[0]).toMatchObject({ type: "linked", note: "The pull request by @hal-gh was merged; credited to its author." });
    expect(auditOf(credited.id, "bounty.upstream_credit")).toEqual([
      { actor: "github:hal-gh", source: "github", after: '{"completedByUserId":null,"completedByGithubLogin":"hal-gh"}' },
    ]);
    expect(JSON.parse(credited.events[0]!.linksJson!)).toEqual([`https://github.com/${late.repo}/pull/${latePr.number}`]);
  });

  it("the label added back reopens only a bounty its removal cancelled, on an open issue", async () => {
    // closed as not planned, then labelled again: still cancelled (the issue is closed, and the label did not cancel it)
    const closed = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", closed));
    await deliver("issues", issuesEvent("closed", { ...closed, state: "closed", stateReason: "not_planned", updatedAt: at(1) }));
    await deliver("issues", issuesEvent("labeled", { ...closed, state: "closed", stateReason: "not_planned", updatedAt: at(2) }));
    expect(bountyOf(closed).status).toBe("cancelled");

    // closed as not planned and reopened by a label on an open issue? no: the last cancellation was not the label's
    const notPlanned = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", notPlanned));
    await deliver("issues", issuesEvent("closed", { ...notPlanned, state: "closed", stateReason: "not_planned", updatedAt: at(1) }));
    await deliver("issues", issuesEvent("labeled", { ...notPlanned, state: "open", updatedAt: at(2) }));
    expect(bountyOf(notPlanned).status).toBe("cancelled");

    // removed while open, added back on the open issue: reopened, and the timeline says why
    const removed = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", removed));
    await deliver("issues", issuesEvent("unlabeled", { ...removed, labels: [], updatedAt: at(1) }));
    // another label added while it is cancelled changes nothing
    await deliver("issues", issuesEvent("labeled", { ...removed, labels: ["help wanted"], updatedAt: at(2) }));
    expect(bountyOf(removed).status).toBe("cancelled");
    await deliver("issues", issuesEvent("labeled", { ...removed, labels: ["help wanted", "club-zero"], updatedAt: at(3) }));
    const reopened = bountyOf(removed);
    expect(reopened.status).toBe("open");
    expect(reopened.events[0]).toMatchObject({ type: "reopened", actorLabel: "github:maintainer", note: "The `club-zero` label was added again on GitHub." });
  });
});

describe("the note rate limit through GitHub comments", () => {
  it(`past ${NOTES_PER_BOUNTY} notes in 10 minutes a login's commands are ignored: nothing on the timeline, the delivery says why`, async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 950_000, body: "/claim", login: "chatty-gh", createdAt: at(1) }));
    for (let i = 1; i <= NOTES_PER_BOUNTY; i++) {
      expect(
        (await deliver("issue_comment", commentEvent(spec, { id: 950_000 + i, body: `/progress step ${i}`, login: "chatty-gh", createdAt: at(1) }))).status,
      ).toBe(200);
    }
    const bountyId = getBountyForIssue(db, spec.repo, spec.number)!.id;
    const events = () => db.$client.prepare("select count(*) as n from bounty_events where bounty_id = ?").get(bountyId);
    const before = events();
    const id = crypto.randomUUID();
    // one note too many, and a command that would be refused (a second /claim) with a refusal note
    expect(
      (await deliver("issue_comment", commentEvent(spec, { id: 950_100, body: "/progress spam\n/claim", login: "chatty-gh", createdAt: at(2) }), { id }))
        .status,
    ).toBe(200);
    expect(events()).toEqual(before);
    const delivery = getDeliveryByGuid(db, id)!;
    expect(delivery.status).toBe("processed");
    expect(delivery.error).toMatch(
      /^\/progress ignored: You have added 10 notes on this bounty in the last 10 minutes, the most allowed is 10\. Try again in \d+ minutes?\.; \/claim ignored: /,
    );
    // someone else on the same bounty is not limited by chatty-gh's notes
    await deliver("issue_comment", commentEvent(spec, { id: 950_101, body: "/release", login: "other-gh", createdAt: at(3) }));
    expect(getBounty(db, bountyId)!.events[0]).toMatchObject({ type: "refused", actorLabel: "@other-gh (GitHub)" });
  });
});

describe("an admin reading stored deliveries", () => {
  it("a signed 3,000-level nested delivery is shown bounded, truncated, with the raw body one download away", async () => {
    const body = `{"zen":"deep","nested":${"[".repeat(3_000)}1${"]".repeat(3_000)}}`;
    const id = crypto.randomUUID();
    expect((await deliver("star", null, { id, body })).status).toBe(200);
    const stored = getDeliveryByGuid(db, id)!;
    expect(stored.payload).toBe(body);
    const admin = await cookieFor((await makeUser(["admin"])).id);

    const res = await call(adminWebhooks, `/admin/webhooks?show=${stored.id}`, {}, { headers: { Cookie: admin } });
    expect(res.status).toBe(200);
    const page = await res.text();
    // JSON.stringify(…, null, 2) made this 36 MB; now the whole loader answer stays near the 64 KiB cap
    expect(page.length).toBeLessThan(PAYLOAD_MAX_CHARS);
    const shown = JSON.parse(page).shown;
    expect(shown.truncated).toBe(true);
    expect(shown.payload).toContain('"zen": "deep"');
    expect(shown.payload).toContain("[… truncated: 1 item nested deeper than 20 levels]");
    expect(shown.bytes).toBe(body.length);

    const raw = await call(rawPayload, `/admin/webhooks/${stored.id}/payload`, { id: String(stored.id) }, { headers: { Cookie: admin } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("Content-Disposition")).toBe(`attachment; filename="delivery-${stored.id}.json"`);
    expect(raw.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(raw.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(body, "utf8"))).toBe(true);
  });

  it("a body starting with a UTF-8 byte-order mark is verified on its exact bytes, acted on, and kept byte for byte", async () => {
    const spec = newIssue({ labels: ["bug"] });
    const body = `\uFEFF${JSON.stringify(issuesEvent("opened", spec))}`;
    const withoutBom = deliveryHeaders("issues", body.slice(1), SECRET)["X-Hub-Signature-256"]!;
    expect((await deliver("issues", null, { body, headers: { "X-Hub-Signature-256": withoutBom } })).status).toBe(401);
    expect(getIssue(db, spec.repo, spec.number)).toBeNull();

    const id = crypto.randomUUID();
    expect((await deliver("issues", null, { id, body })).status).toBe(200);
    expect(getIssue(db, spec.repo, spec.number)).toMatchObject({ title: spec.title, state: "open" });
    const stored = getDeliveryByGuid(db, id)!;
    expect(stored.status).toBe("processed");
    expect(stored.payload).toBe(body);

    const admin = await cookieFor((await makeUser(["admin"])).id);
    const raw = await call(rawPayload, `/admin/webhooks/${stored.id}/payload`, { id: String(stored.id) }, { headers: { Cookie: admin } });
    expect(Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(body, "utf8"))).toBe(true);
    expect(replayDelivery(db, { userId: null, label: "@admin", source: "web" }, stored.id)).toEqual({ status: 200, body: { ok: true, outcome: "processed" } });
  });

  it("the raw body is for admins only: 403 for anyone else signed in, sign-in for a stranger, 404 for no such delivery", async () => {
    const id = crypto.randomUUID();
    await deliver("star", example("star", "created"), { id });
    const stored = getDeliveryByGuid(db, id)!;
    const url = `/admin/webhooks/${stored.id}/payload`;
    for (const roles of [[], ["ssc"], ["packager"]] as const) {
      const res = await call(rawPayload, url, { id: String(stored.id) }, { headers: { Cookie: await cookieFor((await makeUser([...roles])).id) } });
      expect(res.status, roles.join() || "contributor").toBe(403);
    }
    const stranger = await call(rawPayload, url, { id: String(stored.id) });
    expect(stranger.status).toBe(302);
    expect(stranger.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    const admin = await cookieFor((await makeUser(["admin"])).id);
    expect((await call(rawPayload, "/admin/webhooks/999999999/payload", { id: "999999999" }, { headers: { Cookie: admin } })).status).toBe(404);
    expect((await call(rawPayload, "/admin/webhooks/1e3/payload", { id: "1e3" }, { headers: { Cookie: admin } })).status).toBe(404);
  });
});

describe("exactly once", () => {
  it("the same delivery 50 times at once and 50 times after acts once (WH-7)", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const bountyId = getBountyForIssue(db, spec.repo, spec.number)!.id;
    const payload = commentEvent(spec, { id: 801, body: "/claim", login: "frank-gh", createdAt: at(1) });
    const id = crypto.randomUUID();
    const auditBefore = (db.$client.prepare("select count(*) as n from audit_log").get() as { n: number }).n;
    const concurrent = await Promise.all(Array.from({ length: 50 }, () => deliver("issue_comment", payload, { id })));
    const sequential = [];
    for (let i = 0; i < 50; i++) sequential.push(await deliver("issue_comment", payload, { id }));
    expect([...concurrent, ...sequential].every((r) => r.status === 200)).toBe(true);
    expect(db.$client.prepare("select count(*) as n from webhook_deliveries where delivery_id = ?").get(id)).toEqual({ n: 1 });
    expect(getBounty(db, bountyId)!.events.filter((e) => e.type === "claimed")).toHaveLength(1);
    expect((db.$client.prepare("select count(*) as n from audit_log").get() as { n: number }).n).toBe(auditBefore + 1);
    expect(await sequential[0]!.json()).toEqual({ ok: true, duplicate: true });
  });

  it("the same event under two delivery ids (org hook + repo hook) acts once (WH-9)", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const payload = commentEvent(spec, { id: 901, body: "/claim", login: "gina-gh", createdAt: at(1) });
    await deliver("issue_comment", payload);
    await deliver("issue_comment", payload);
    const b = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
    expect(b.events.filter((e) => e.type === "claimed")).toHaveLength(1);
    expect(b.events.filter((e) => e.type === "refused")).toHaveLength(0);
  });

  it("the same /progress under a second delivery id answers 200 and adds no second event (dedupe by comment)", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver("issue_comment", commentEvent(spec, { id: 911, body: "/claim", login: "hana-gh", createdAt: at(1) }));
    const progress = commentEvent(spec, { id: 912, body: "/progress halfway there", login: "hana-gh", createdAt: at(2) });
    const first = await deliver("issue_comment", progress);
    const second = await deliver("issue_comment", progress); // another hook, another GUID
    expect([first.status, second.status]).toEqual([200, 200]);
    const b = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
    expect(b.status).toBe("in_progress");
    expect(b.events.filter((e) => e.type === "progress")).toHaveLength(1);
    expect(db.$client.prepare("select status, count(*) as n from webhook_deliveries where payload like '%halfway there%' group by status").all()).toEqual([
      { status: "processed", n: 2 },
    ]);
  });

  it("a failed delivery is recorded as failed, answered 500, and processed on redelivery (WH-8)", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    const payload = issuesEvent("labeled", spec);
    const id = crypto.randomUUID();
    // A real failure inside the transaction: the database refuses new bounties for a moment.
    db.$client.exec("create trigger fail_bounties before insert on bounties begin select raise(abort, 'disk on fire'); end");
    const first = await deliver("issues", payload, { id });
    db.$client.exec("drop trigger fail_bounties");
    expect(first.status).toBe(500);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "failed", attempts: 1 });
    expect(getDeliveryByGuid(db, id)!.error).toContain("disk on fire");
    expect(getIssue(db, spec.repo, spec.number)).toBeNull(); // rolled back with the failure

    const again = await deliver("issues", payload, { id });
    expect(again.status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed", attempts: 2 });
    expect(db.$client.prepare("select count(*) as n from bounties where github_number = ?").get(spec.number)).toEqual({ n: 1 });
  });
});

describe("group commit", () => {
  it("deliveries that arrive together each act, fail or count as a duplicate on their own", async () => {
    const [a, b, bad] = [newIssue({ labels: ["club-zero"] }), newIssue({ labels: ["club-zero"] }), newIssue({ labels: ["club-zero"] })];
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    db.$client.exec(`create trigger fail_one before insert on bounties when new.github_number = ${bad.number} begin select raise(abort, 'disk on fire'); end`);
    const responses = await Promise.all([
      deliver("issues", issuesEvent("labeled", a), { id: ids[0] }),
      deliver("issues", issuesEvent("labeled", bad), { id: ids[2] }),
      deliver("issues", issuesEvent("labeled", b), { id: ids[1] }),
      deliver("issues", issuesEvent("labeled", a), { id: ids[0] }),
    ]);
    db.$client.exec("drop trigger fail_one");
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.map((r) => r.status)).toEqual([200, 500, 200, 200]);
    expect(bodies[3]).toEqual({ ok: true, duplicate: true });
    expect(getDeliveryByGuid(db, ids[0]!)).toMatchObject({ status: "processed", attempts: 1 });
    expect(getDeliveryByGuid(db, ids[1]!)).toMatchObject({ status: "processed" });
    expect(getDeliveryByGuid(db, ids[2]!)).toMatchObject({ status: "failed" });
    const bountiesFor = (n: number) => (db.$client.prepare("select count(*) as n from bounties where github_number = ?").get(n) as { n: number }).n;
    expect([bountiesFor(a.number), bountiesFor(b.number), bountiesFor(bad.number)]).toEqual([1, 1, 0]);
    expect(getIssue(db, bad.repo, bad.number)).toBeNull(); // its savepoint rolled back, not the group
  });

  it(`a burst larger than one group (${MAX_GROUP}) is applied in several commits, every delivery answered and recorded`, async () => {
    const specs = Array.from({ length: MAX_GROUP + 10 }, () => newIssue({ labels: ["club-zero"] }));
    const ids = specs.map(() => crypto.randomUUID());
    const responses = await Promise.all(specs.map((spec, i) => deliver("issues", issuesEvent("labeled", spec), { id: ids[i] })));
    expect(responses.map((r) => r.status)).toEqual(specs.map(() => 200));
    for (const id of ids) expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed", attempts: 1 });
    for (const spec of specs) expect(getBountyForIssue(db, spec.repo, spec.number)).not.toBeNull();
  });
});

describe("waiting for another process's write lock", () => {
  it("a delivery waits without stopping this process, and is applied once the other writer commits", async () => {
    const other = new Database(dbFile);
    other.exec("begin immediate");
    const spec = newIssue({ labels: ["club-zero"] });
    const id = crypto.randomUUID();
    let answered = false;
    const response = deliver("issues", issuesEvent("labeled", spec), { id }).then((r) => ((answered = true), r));
    // The event loop keeps turning while the lock is held: timers fire on time.
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(answered).toBe(false);
    expect(getDeliveryByGuid(db, id)).toBeNull();
    other.exec("commit");
    other.close();
    expect((await response).status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed", attempts: 1 });
    expect(getBountyForIssue(db, spec.repo, spec.number)).not.toBeNull();
  });

  it(`a lock held past ${BUSY_TIMEOUT_MS} ms is answered 500 (GitHub redelivers) and changes nothing`, async () => {
    const other = new Database(dbFile);
    other.exec("begin immediate");
    const before = fingerprint(dbFile);
    const spec = newIssue({ labels: ["club-zero"] });
    const id = crypto.randomUUID();
    try {
      const response = await deliver("issues", issuesEvent("labeled", spec), { id });
      expect(response.status).toBe(500);
    } finally {
      other.exec("rollback");
      other.close();
    }
    expect(fingerprint(dbFile)).toEqual(before);
    expect(getDeliveryByGuid(db, id)).toBeNull();
    // GitHub's redelivery then goes through.
    expect((await deliver("issues", issuesEvent("labeled", spec), { id })).status).toBe(200);
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed" });
  });
});

describe("replay", () => {
  it("an admin's replay re-runs a stored delivery through the same code, acts only once, and is audited", async () => {
    const spec = newIssue({ labels: ["club-zero"] });
    await deliver("issues", issuesEvent("labeled", spec));
    const id = crypto.randomUUID();
    await deliver("issue_comment", commentEvent(spec, { id: 990_001, body: "/claim", login: "replay-gh", createdAt: at(1) }), { id });
    const row = getDeliveryByGuid(db, id)!;
    const result = replayDelivery(db, { userId: null, label: "@admin", source: "web" }, row.id);
    expect(result).toEqual({ status: 200, body: { ok: true, outcome: "processed" } });
    expect(getDeliveryByGuid(db, id)).toMatchObject({ status: "processed", attempts: 2 });
    const bounty = getBounty(db, getBountyForIssue(db, spec.repo, spec.number)!.id)!;
    expect(bounty.events.filter((e) => e.type === "claimed")).toHaveLength(1);
    expect(
      db.$client.prepare("select action, actor_label from audit_log where entity_type = 'webhook_delivery' and entity_id = ?").all(String(row.id)),
    ).toEqual([{ action: "webhook.replayed", actor_label: "@admin" }]);
  });
});

describe("order independence (WH-10)", () => {
  it("any order, with duplicates, of opened → labelled → /claim → PR opened → PR merged → issue closed ends completed", async () => {
    let run = 0;
    const sequence = (spec: IssueSpec) => {
      const pr = fixingPull(spec, { id: 7_000_000 + spec.number, number: 50_000 + spec.number, author: "pat-gh" });
      return [
        ["issues", issuesEvent("opened", { ...spec, labels: [], updatedAt: at(0) })],
        ["issues", issuesEvent("labeled", { ...spec, labels: ["club-zero"], updatedAt: at(1) })],
        [
          "issue_comment",
          commentEvent(
            { ...spec, labels: ["club-zero"], updatedAt: at(2) },
            { id: 10_000_000 + spec.number, body: "/claim", login: "quinn-gh", createdAt: at(2) },
          ),
        ],
        ["pull_request", pullEvent("opened", { ...pr, updatedAt: at(3) })],
        ["pull_request", pullEvent("closed", { ...pr, merged: true, updatedAt: at(4) })],
        ["issues", issuesEvent("closed", { ...spec, labels: ["club-zero"], state: "closed", stateReason: "completed", updatedAt: at(5) })],
      ] as const;
    };
    const finalState = async (order: number[]) => {
      run += 1;
      const spec = newIssue();
      const events = sequence(spec);
      const ids = events.map(() => crypto.randomUUID());
      for (const i of order) await deliver(events[i]![0], events[i]![1], { id: ids[i] });
      const bounty = getBountyForIssue(db, spec.repo, spec.number);
      return bounty ? getBounty(db, bounty.id)!.status : "none";
    };
    const inOrder = await finalState([0, 1, 2, 3, 4, 5]);
    expect(inOrder).toBe("completed");
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 })
          .chain((dups) => fc.shuffledSubarray([0, 1, 2, 3, 4, 5, ...dups], { minLength: 6 + dups.length, maxLength: 6 + dups.length })),
        async (order) => {
          expect(await finalState(order)).toBe(inOrder);
        },
      ),
      { numRuns: 1000 },
    );
    expect(run).toBeGreaterThan(1000);
  }, 120_000);
});
