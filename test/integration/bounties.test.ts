import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { db, openDatabase } from "~/app/db.server";
import { BOARD_PAGE_SIZE } from "~/app/lib/bounty-lifecycle";
import { renderMarkdown } from "~/app/lib/markdown.server";
import {
  applyIntent,
  createBounty,
  expireClaims,
  getBounty,
  getTargetProgress,
  isClaimant,
  listAppreciation,
  listBounties,
  listBountyTargetOptions,
  listMyWork,
  NOTE_WINDOW_MS,
  NOTES_PER_BOUNTY,
  NOTES_PER_PERSON,
  webBountyActor,
} from "~/app/models/bounties.server";
import { InvalidTransition, RateLimited } from "~/app/models/errors";
import { getTarget } from "~/app/models/targets.server";
import { loader as apiBounties } from "~/app/routes/api.bounties";
import { loader as apiTargets } from "~/app/routes/api.targets";
import { action as bountyAction, loader as bountyLoader } from "~/app/routes/bounties.$id";
import { loader as boardLoader } from "~/app/routes/bounties._index";
import { loader as feedLoader } from "~/app/routes/bounties[.]atom";
import { action as newBountyAction } from "~/app/routes/targets.$slug_.bounties.new";
import { findMigrationsFolder, runMigrations } from "~/db/migrate";
import { bounties } from "~/db/schema";
import { fingerprint } from "../support/fingerprint";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

const DAY = 86_400_000;

async function newBounty(overrides: Partial<Parameters<typeof createBounty>[2]> = {}) {
  const admin = await makeUser(["admin"]);
  return createBounty(db, webBountyActor(admin), {
    targetId: getTarget(db, "kafka")!.id,
    title: "Add SPIFFE mTLS to the Kafka broker",
    description: "Teach the broker to take SVIDs from the Workload API and check peer SPIFFE IDs.",
    kind: "code",
    ...overrides,
  });
}

const claimRows = (bountyId: number) =>
  db.$client.prepare("select * from claims where bounty_id = ? and ended_at is null").all(bountyId) as { user_id: number }[];

async function post(cookie: string, id: number, fields: Record<string, string>) {
  return call(bountyAction, `/bounties/${id}`, { id: String(id) }, formInit(cookie, fields));
}

describe("claiming", () => {
  it("20 simultaneous claims on one bounty: exactly one wins, the others are told who has it", async () => {
    const bounty = await newBounty();
    const users = await Promise.all(Array.from({ length: 20 }, () => makeUser()));
    const cookies = await Promise.all(users.map((u) => cookieFor(u.id)));
    const responses = await Promise.all(cookies.map((c) => post(c, bounty.id, { intent: "claim" })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 302)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const rows = claimRows(bounty.id);
    expect(rows).toHaveLength(1);
    const winner = users.find((u) => u.id === rows[0]!.user_id)!;
    const loser = responses.find((r) => r.status === 409)!;
    expect((await loser.json()).message).toBe(`@${winner.username} has already claimed this bounty.`);
  });

  it("each move answers with the bounty as it is now stored (claim, progress, submit, send back, complete)", async () => {
    const bounty = await newBounty();
    const dev = webBountyActor(await makeUser());
    const reviewer = webBountyActor(await makeUser(["ssc"]));
    const stored = (id: number) => db.select().from(bounties).where(eq(bounties.id, id)).get();
    const moves: [typeof dev, Parameters<typeof applyIntent>[3], Parameters<typeof applyIntent>[4]][] = [
      [dev, "claim", {}],
      [dev, "progress", { note: "Half way." }],
      [dev, "submit", { links: ["https://github.com/apache/kafka/pull/1"] }],
      [reviewer, "reopen", { reason: "Tests are missing." }],
      [dev, "submit", { links: ["https://github.com/apache/kafka/pull/2"] }],
      [reviewer, "complete", {}],
    ];
    let t = Date.UTC(2026, 5, 1);
    for (const [actor, intent, input] of moves) {
      t += 60_000;
      const { bounty: answered } = applyIntent(db, actor, bounty.id, intent, input, t);
      expect(answered, intent).toEqual(stored(bounty.id));
      expect(answered.updatedAt).toBe(t);
    }
    expect(stored(bounty.id)).toMatchObject({ status: "completed", completedByUserId: dev.userId, completedAt: t });
  });

  it("the database itself refuses a second active claim", async () => {
    const bounty = await newBounty();
    const [a, b] = [await makeUser(), await makeUser()];
    applyIntent(db, webBountyActor(a), bounty.id, "claim");
    expect(() =>
      db.$client.prepare("insert into claims (bounty_id, user_id, claimed_at, last_checkin_at, expires_at) values (?, ?, 0, 0, 0)").run(bounty.id, b.id),
    ).toThrow(/UNIQUE constraint failed/);
  });

  it("a user holds at most 3 active claims", async () => {
    const user = await makeUser();
    const actor = webBountyActor(user);
    for (let i = 0; i < 3; i++) applyIntent(db, actor, (await newBounty()).id, "claim");
    const fourth = await newBounty();
    const res = await post(await cookieFor(user.id), fourth.id, { intent: "claim" });
    expect(res.status).toBe(409);
    expect((await res.json()).message).toContain("You already hold 3 active claims");
    expect(claimRows(fourth.id)).toHaveLength(0);
  });

  it("a claim with no check-in for 14 days is released by itself, and the timeline says so", async () => {
    const bounty = await newBounty();
    const user = await makeUser();
    const t0 = Date.now();
    applyIntent(db, webBountyActor(user), bounty.id, "claim", {}, t0);
    expireClaims(db, t0 + 13 * DAY);
    expect(getBounty(db, bounty.id)!.status).toBe("claimed");
    expect(expireClaims(db, t0 + 14 * DAY + 1)).toBeGreaterThanOrEqual(1);
    const after = getBounty(db, bounty.id)!;
    expect(after.status).toBe("open");
    expect(after.claim).toBeNull();
    expect(after.events[0]).toMatchObject({ type: "expired", source: "system" });
    expect(after.events[0]!.note).toBe(`The claim by @${user.username} ran out after 14 days without a check-in, so the bounty is open again.`);
    // audited as the system's decision, and the claimant is told
    expect(
      db.$client
        .prepare("select actor_label as actor, before_json as b, after_json as a from audit_log where action = 'bounty.expire' and entity_id = ?")
        .all(String(bounty.id)),
    ).toEqual([{ actor: after.events[0]!.actorLabel, b: '{"status":"claimed"}', a: '{"status":"open"}' }]);
    expect(db.$client.prepare("select kind, title, body, link from notifications where user_id = ? and kind = 'claim_expired'").all(user.id)).toEqual([
      {
        kind: "claim_expired",
        title: `Your claim expired: ${bounty.title}`,
        body: `Your claim on "${bounty.title}" ran out after 14 days without a check-in, so the bounty is open again. Claim it again if you are still on it.`,
        link: `/bounties/${bounty.id}`,
      },
    ]);
  });

  it("a progress check-in extends the claim by another 14 days", async () => {
    const bounty = await newBounty();
    const actor = webBountyActor(await makeUser());
    const t0 = Date.now();
    applyIntent(db, actor, bounty.id, "claim", {}, t0);
    applyIntent(db, actor, bounty.id, "progress", { note: "Drafted the KIP." }, t0 + 10 * DAY);
    expireClaims(db, t0 + 20 * DAY);
    expect(getBounty(db, bounty.id)!.status).toBe("in_progress");
    expireClaims(db, t0 + 24 * DAY + 1);
    expect(getBounty(db, bounty.id)!.status).toBe("open");
  });

  it("work in review keeps its claim however long the review takes, and reading pages does not wait on the write lock for it", async () => {
    const bounty = await newBounty();
    const claimant = webBountyActor(await makeUser());
    const t0 = Date.now() - 30 * DAY;
    applyIntent(db, claimant, bounty.id, "claim", {}, t0);
    applyIntent(db, claimant, bounty.id, "submit", { links: ["https://github.com/apache/kafka/pull/2"] }, t0 + DAY);
    // another process is in the middle of a write: a page that asked for the lock would wait 5 s, then fail
    const other = openDatabase(db.$client.name);
    other.$client.exec("begin immediate");
    try {
      const started = performance.now();
      expect(expireClaims(db)).toBe(0);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      other.$client.exec("rollback");
      other.$client.close();
    }
    const after = getBounty(db, bounty.id)!;
    expect(after.status).toBe("in_review");
    expect(after.claim?.userId).toBe(claimant.userId);
  });

  it("an expired claim is released on read too, before anyone can act on stale state", async () => {
    const bounty = await newBounty();
    const first = await makeUser();
    applyIntent(db, webBountyActor(first), bounty.id, "claim", {}, Date.now() - 15 * DAY);
    const second = await makeUser();
    const res = await post(await cookieFor(second.id), bounty.id, { intent: "claim" });
    expect(res.status).toBe(302);
    expect(getBounty(db, bounty.id)!.claim?.userId).toBe(second.id);
  });
});

describe("who may do what on a bounty", () => {
  async function setup(status: "open" | "claimed" | "in_review") {
    const bounty = await newBounty();
    const claimant = await makeUser();
    if (status !== "open") applyIntent(db, webBountyActor(claimant), bounty.id, "claim");
    if (status === "in_review") applyIntent(db, webBountyActor(claimant), bounty.id, "submit", { links: ["https://github.com/apache/kafka/pull/1"] });
    return { bounty, claimant };
  }

  it.each([
    // intent, state, who, expected status
    ["claim", "open", "anonymous", 302],
    ["progress", "claimed", "other", 403],
    ["submit", "claimed", "other", 403],
    ["submit", "claimed", "ssc", 403],
    ["release", "claimed", "other", 403],
    ["complete", "in_review", "claimant", 403],
    ["complete", "in_review", "packager", 403],
    ["cancel", "open", "other", 403],
    ["reopen", "in_review", "claimant", 403],
    ["complete", "in_review", "ssc", 302],
    ["complete", "in_review", "admin", 302],
    ["progress", "claimed", "claimant", 302],
    ["release", "claimed", "claimant", 302],
    ["complete", "open", "admin", 409],
  ] as const)("%s on a %s bounty as %s → %i", async (intent, state, who, expected) => {
    const { bounty, claimant } = await setup(state);
    const cookie =
      who === "anonymous" ? "" : who === "claimant" ? await cookieFor(claimant.id) : await cookieFor((await makeUser(who === "other" ? [] : [who])).id);
    const res = await post(cookie, bounty.id, { intent, note: "Checked in.", reason: "Reason given." });
    expect(res.status).toBe(expected);
    if (who === "anonymous") expect(res.headers.get("location")).toMatch(/^\/login/);
    if (expected === 409) expect((await res.json()).message).toBe("You can't complete a bounty that is open and nobody has claimed it.");
  });

  it("an admin releasing someone else's claim must say why", async () => {
    const { bounty } = await setup("claimed");
    const cookie = await cookieFor((await makeUser(["admin"])).id);
    const res = await post(cookie, bounty.id, { intent: "release" });
    expect(res.status).toBe(422);
    expect((await post(cookie, bounty.id, { intent: "release", reason: "No activity upstream for months." })).status).toBe(302);
    const b = getBounty(db, bounty.id)!;
    expect(b.status).toBe("open");
    expect(b.events[0]).toMatchObject({ type: "released", note: "No activity upstream for months." });
  });

  it("submitting needs a link; a bad link is a 400 that changes nothing", async () => {
    const { bounty, claimant } = await setup("claimed");
    const cookie = await cookieFor(claimant.id);
    expect((await post(cookie, bounty.id, { intent: "submit" })).status).toBe(422);
    expect((await post(cookie, bounty.id, { intent: "submit", links: "javascript:alert(1)" })).status).toBe(400);
    expect(getBounty(db, bounty.id)!.status).toBe("claimed");
  });

  it("an unknown bounty id is a 404", async () => {
    const res = await call(bountyLoader, "/bounties/99999", { id: "99999" });
    expect(res.status).toBe(404);
    expect((await call(bountyLoader, "/bounties/abc", { id: "abc" })).status).toBe(404);
  });
});

describe("review rules", () => {
  it("an admin holding the claim cannot confirm their own work, and nothing completes before review", async () => {
    const bounty = await newBounty();
    const admin = await makeUser(["admin"]);
    const cookie = await cookieFor(admin.id);
    expect((await post(cookie, bounty.id, { intent: "claim" })).status).toBe(302);
    const early = await post(cookie, bounty.id, { intent: "complete" });
    expect(early.status).toBe(409);
    expect((await early.json()).message).toBe("You can't complete a bounty that is already claimed.");
    expect((await post(cookie, bounty.id, { intent: "submit", links: "https://github.com/apache/kafka/pull/5" })).status).toBe(302);
    const own = await post(cookie, bounty.id, { intent: "complete" });
    expect(own.status).toBe(403);
    expect((await own.json()).message).toBe("Someone else must review and confirm your own work.");
    expect(getBounty(db, bounty.id)!.status).toBe("in_review");
  });

  it("a claim sent back from a long review gets a fresh CLAIM_DAYS", async () => {
    const bounty = await newBounty();
    const dev = webBountyActor(await makeUser());
    const t0 = Date.now() - 30 * DAY;
    applyIntent(db, dev, bounty.id, "claim", {}, t0);
    applyIntent(db, dev, bounty.id, "submit", { links: ["https://example.org/pr/1"] }, t0 + DAY);
    applyIntent(db, webBountyActor(await makeUser(["ssc"])), bounty.id, "reopen", { reason: "Needs docs." });
    expireClaims(db);
    const after = getBounty(db, bounty.id)!;
    expect(after.status).toBe("in_progress");
    expect(after.claim!.expiresAt).toBeGreaterThan(Date.now() + 13 * DAY);
  });

  it("a proposal cannot be acted on by someone who cannot see it (404, not a hint)", async () => {
    const proposer = await makeUser();
    const bounty = createBounty(db, webBountyActor(proposer), {
      targetId: getTarget(db, "kafka")!.id,
      title: "Private proposal",
      description: "Only the proposer and the SSC see this.",
      kind: "docs",
    });
    const res = await post(await cookieFor((await makeUser()).id), bounty.id, { intent: "claim" });
    expect(res.status).toBe(404);
  });

  it("a POST that is not a form is refused with 415, another method with 405", async () => {
    const bounty = await newBounty();
    const cookie = await cookieFor((await makeUser()).id);
    const asJson = await call(
      bountyAction,
      `/bounties/${bounty.id}`,
      { id: String(bounty.id) },
      {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/json" },
        body: JSON.stringify({ intent: "claim" }),
      },
    );
    expect(asJson.status).toBe(415);
    const put = await call(
      bountyAction,
      `/bounties/${bounty.id}`,
      { id: String(bounty.id) },
      { method: "PUT", headers: { Cookie: cookie }, body: "intent=claim" },
    );
    expect(put.status).toBe(405);
    expect(getBounty(db, bounty.id)!.status).toBe("open");
  });

  it("control characters in a title do not break the Atom feed", async () => {
    await newBounty({ title: "Bell \u0007 and backspace \u0008 in a title" });
    const xml = await (await call(feedLoader, "/bounties.atom")).text();
    expect(xml).toContain("Bell  and backspace  in a title");
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it("/api/bounties refuses an unknown target like the board does", async () => {
    expect((await call(apiBounties, "/api/bounties?target=nope")).status).toBe(400);
  });
});

describe("the whole journey, with credit and a timeline", () => {
  it("claim → progress → submit → complete credits the claimant, newest event first", async () => {
    const bounty = await newBounty();
    const dev = await makeUser();
    const ssc = await makeUser(["ssc"]);
    const devActor = webBountyActor(dev);
    applyIntent(db, devActor, bounty.id, "claim");
    applyIntent(db, devActor, bounty.id, "progress", { note: "Opened KIP-1234.", links: ["https://cwiki.apache.org/KIP-1234"] });
    applyIntent(db, devActor, bounty.id, "submit", { links: ["https://github.com/apache/kafka/pull/9999"] });
    applyIntent(db, webBountyActor(ssc), bounty.id, "complete");
    const done = getBounty(db, bounty.id)!;
    expect(done.status).toBe("completed");
    expect(done.creditLabel).toBe(`@${dev.username}`);
    expect(done.events.map((e) => e.type)).toEqual(["completed", "submitted", "progress", "claimed", "created"]);
    expect(done.events.every((e) => e.source === "web")).toBe(true);
    expect(
      listAppreciation(db)
        .find((p) => p.username === dev.username)
        ?.work.map((w) => w.id),
    ).toContain(bounty.id);
    expect(() => applyIntent(db, devActor, bounty.id, "claim")).toThrow(InvalidTransition);
  });

  it("appreciation groups a GitHub login's work whatever its case (named as most recently credited), most contributions first", async () => {
    const github = { userId: null, label: "github:octo", source: "github" as const, roles: [] };
    const credit = (githubLogin: string) => ({ credit: { userId: null, githubLogin } });
    const [a, b, c] = [await newBounty({ title: "Thanks A" }), await newBounty({ title: "Thanks B" }), await newBounty({ title: "Thanks C" })];
    const t0 = Date.now();
    applyIntent(db, github, a.id, "upstream_complete", credit("zed-thanks"), t0);
    applyIntent(db, github, b.id, "upstream_complete", credit("Zed-Thanks"), t0 + 1);
    applyIntent(db, github, c.id, "upstream_complete", credit("amy-thanks"), t0 + 2);
    const people = listAppreciation(db).filter((p) => /thanks/i.test(p.label));
    expect(people.map((p) => [p.label, p.work.map((w) => w.title).sort()])).toEqual([
      ["@Zed-Thanks (GitHub)", ["Thanks A", "Thanks B"]],
      ["@amy-thanks (GitHub)", ["Thanks C"]],
    ]);
  });

  it("a reviewer can send submitted work back with a reason", async () => {
    const bounty = await newBounty();
    const dev = webBountyActor(await makeUser());
    applyIntent(db, dev, bounty.id, "claim");
    applyIntent(db, dev, bounty.id, "submit", { links: ["https://example.org/pr"] });
    const admin = webBountyActor(await makeUser(["admin"]));
    expect(() => applyIntent(db, admin, bounty.id, "reopen")).toThrow(/Say what still needs doing/);
    applyIntent(db, admin, bounty.id, "reopen", { reason: "Tests are missing." });
    expect(getBounty(db, bounty.id)!.status).toBe("in_progress");
  });
});

describe("proposals", () => {
  it("a contributor's bounty is a proposal only they and reviewers can see until accepted", async () => {
    const proposer = await makeUser();
    const res = await call(
      newBountyAction,
      "/targets/prometheus/bounties/new",
      { slug: "prometheus" },
      formInit(await cookieFor(proposer.id), {
        title: "Document scraping over SPIFFE mTLS",
        description: "Write the guide for scraping targets with SVIDs, end to end.",
        kind: "docs",
      }),
    );
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    expect(getBounty(db, id)).toMatchObject({ status: "proposed", personas: ["documenter"] });

    const stranger = await cookieFor((await makeUser()).id);
    expect((await call(bountyLoader, `/bounties/${id}`, { id: String(id) }, { headers: { Cookie: stranger } })).status).toBe(404);
    expect((await call(bountyLoader, `/bounties/${id}`, { id: String(id) })).status).toBe(404);
    expect((await call(bountyLoader, `/bounties/${id}`, { id: String(id) }, { headers: { Cookie: await cookieFor(proposer.id) } })).status).toBe(200);

    const ssc = await cookieFor((await makeUser(["ssc"])).id);
    expect((await post(ssc, id, { intent: "decline" })).status).toBe(422);
    expect((await post(ssc, id, { intent: "accept" })).status).toBe(302);
    expect(getBounty(db, id)!.status).toBe("open");
  });

  it("lists everyone sees (board, target page, API, feed) never include a proposal, whatever status is asked for", async () => {
    const proposer = await makeUser();
    const proposal = createBounty(db, webBountyActor(proposer), {
      targetId: getTarget(db, "kafka")!.id,
      title: "A private idea for Kafka",
      description: "Only the proposer and the reviewers may read this.",
      kind: "code",
    });
    expect(proposal.status).toBe("proposed");
    for (const status of ["proposed", "declined"] as const) {
      expect(listBounties(db, { status, page: 1 }).rows.map((r) => r.id)).not.toContain(proposal.id);
      expect(listBounties(db, { statuses: [status], target: "kafka", page: 1 }).total).toBe(0);
    }
    for (const res of [
      await call(boardLoader, "/bounties?q=private+idea"),
      await call(apiBounties, "/api/bounties?target=kafka"),
      await call(feedLoader, "/bounties.atom"),
    ]) {
      expect(await res.text()).not.toContain("A private idea for Kafka");
    }
  });

  it("refuses a bounty with missing fields, naming each, and writes nothing", async () => {
    const before = db.$client.prepare("select count(*) as n from bounties").get();
    const res = await call(
      newBountyAction,
      "/targets/kafka/bounties/new",
      { slug: "kafka" },
      formInit(await cookieFor((await makeUser(["admin"])).id), {
        title: "x",
        description: "short",
        kind: "knitting",
        github: "not a link",
      }),
    );
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()).fieldErrors).sort()).toEqual(["description", "github", "kind", "title"]);
    expect(db.$client.prepare("select count(*) as n from bounties").get()).toEqual(before);
  });
});

describe("markdown", () => {
  it("renders descriptions without letting HTML or script through", async () => {
    const bounty = await newBounty({
      description: "Hello <script>alert(1)</script> **bold** [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
    });
    const data = await (await call(bountyLoader, `/bounties/${bounty.id}`, { id: String(bounty.id) })).json();
    const html: string = data.bounty.descriptionHtml;
    expect(html).toContain("<strong>bold</strong>");
    expect(html).not.toMatch(/<script|<img|href="javascript:/i);
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("board, feed and API", () => {
  it("/bounties?persona=documenter&status=open shows only open documenter work", async () => {
    const data = await (await call(boardLoader, "/bounties?persona=documenter&status=open")).json();
    expect(data.total).toBeGreaterThan(0);
    for (const b of data.rows) {
      expect(b.status).toBe("open");
      expect(b.personas).toContain("documenter");
    }
  });

  it("the default board shows open and active work, not completed or cancelled", async () => {
    const bounty = await newBounty({ title: "Cancelled work that should not show" });
    applyIntent(db, webBountyActor(await makeUser(["admin"])), bounty.id, "cancel", { reason: "Duplicate." });
    const { rows } = listBounties(db, { page: 1, q: "should not show" });
    expect(rows).toEqual([]);
    expect(listBounties(db, { page: 1, q: "should not show", status: "cancelled" }).rows).toHaveLength(1);
  });

  it("the board's search ignores case and takes %, _ and \\ as themselves; the target filter and the pages count what they show", async () => {
    const titles = ["Board100% SVID coverage", "Board1000 SVID coverage", "Board_x under", "Boardax under", "Board\\path escape", "BOARD\\PATH other"];
    for (const title of titles) await newBounty({ title, description: "Board search." });
    const search = (q: string, extra: Partial<Parameters<typeof listBounties>[1]> = {}) =>
      listBounties(db, { page: 1, q, ...extra })
        .rows.map((r) => r.title)
        .sort();
    expect(search("board100%")).toEqual(["Board100% SVID coverage"]);
    expect(search("board_x")).toEqual(["Board_x under"]);
    expect(search("board\\path")).toEqual(["BOARD\\PATH other", "Board\\path escape"]);
    // the target filter narrows to that target's bounties, and a target with none shows none
    expect(search("svid coverage", { target: "kafka" })).toEqual(["Board100% SVID coverage", "Board1000 SVID coverage"]);
    expect(search("svid coverage", { target: "envoy" })).toEqual([]);

    // a second page starts where the first ended, and the total counts all of them
    const many = Array.from({ length: BOARD_PAGE_SIZE + 3 }, (_, i) => `Paged board bounty ${i}`);
    for (const title of many) await newBounty({ title });
    const first = listBounties(db, { page: 1, q: "paged board bounty" });
    const second = listBounties(db, { page: 2, q: "paged board bounty" });
    expect([first.total, second.total]).toEqual([many.length, many.length]);
    expect([first.rows.length, second.rows.length]).toEqual([BOARD_PAGE_SIZE, 3]);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.title))).toEqual(new Set(many));
  });

  it("the board's target menu lists the targets that have bounties by name, or nothing when more than fit", () => {
    const all = listBountyTargetOptions(db)!;
    const withBounties = db.$client.prepare("select t.slug, t.name from targets t where exists (select 1 from bounties b where b.target_id = t.id)").all() as {
      slug: string;
      name: string;
    }[];
    expect(all).toEqual([...withBounties].sort((a, b) => a.name.localeCompare(b.name)));
    expect(all.length).toBeGreaterThan(1);
    expect(listBountyTargetOptions(db, all.length)).toEqual(all);
    expect(listBountyTargetOptions(db, all.length - 1)).toBeNull();
  });

  it("only the person holding the claim is its claimant", async () => {
    const bounty = await newBounty();
    const [holder, other] = [webBountyActor(await makeUser()), webBountyActor(await makeUser())];
    expect(isClaimant(db, bounty.id, holder)).toBe(false);
    applyIntent(db, holder, bounty.id, "claim");
    expect([isClaimant(db, bounty.id, holder), isClaimant(db, bounty.id, other)]).toEqual([true, false]);
  });

  it("a target's progress counts completed work against all that is open, active or completed", async () => {
    const admin = webBountyActor(await makeUser(["admin"]));
    const dev = webBountyActor(await makeUser());
    const targetId = getTarget(db, "nats")!.id;
    const before = getTargetProgress(db, targetId);
    const [done, open, cancelled] = [await newBounty({ targetId }), await newBounty({ targetId }), await newBounty({ targetId })];
    applyIntent(db, dev, done.id, "claim");
    applyIntent(db, dev, done.id, "submit", { links: ["https://example.org/pr/5"] });
    applyIntent(db, admin, done.id, "complete");
    applyIntent(db, admin, cancelled.id, "cancel", { reason: "Duplicate." });
    createBounty(db, dev, { targetId, title: "A proposal", description: "Maybe.", kind: "docs" });
    expect(getTargetProgress(db, targetId)).toEqual({ completed: before.completed + 1, total: before.total + 2 });
    expect(open.status).toBe("open");
  });

  it("my work lists my claims by deadline, my proposals (declined too) and what I completed", async () => {
    const me = await makeUser();
    const actor = webBountyActor(me);
    const admin = webBountyActor(await makeUser(["admin"]));
    const t0 = Date.now();
    const [early, late, done] = [await newBounty({ title: "Mine early" }), await newBounty({ title: "Mine late" }), await newBounty({ title: "Mine done" })];
    applyIntent(db, actor, late.id, "claim", {}, t0);
    applyIntent(db, actor, early.id, "claim", {}, t0 - DAY);
    applyIntent(db, actor, done.id, "claim", {}, t0);
    applyIntent(db, actor, done.id, "submit", { links: ["https://example.org/pr/6"] }, t0);
    applyIntent(db, admin, done.id, "complete", {}, t0 + 1);
    const proposal = createBounty(db, actor, { targetId: getTarget(db, "kafka")!.id, title: "My idea", description: "Maybe.", kind: "docs" }, t0 + 1);
    const declined = createBounty(db, actor, { targetId: getTarget(db, "kafka")!.id, title: "My other idea", description: "Maybe.", kind: "docs" }, t0 + 5);
    applyIntent(db, admin, declined.id, "decline", { reason: "Out of scope." });
    const work = listMyWork(db, me.id);
    expect(work.claims.map((c) => c.title)).toEqual(["Mine early", "Mine late"]);
    expect(work.proposals.map((p) => [p.title, p.status])).toEqual([
      ["My other idea", "declined"],
      ["My idea", "proposed"],
    ]);
    expect(work.completed.map((c) => c.id)).toEqual([done.id]);
    expect(proposal.status).toBe("proposed");
  });

  it("cards carry the claim's freshness", async () => {
    const bounty = await newBounty({ title: "Freshness check bounty" });
    const dev = await makeUser();
    applyIntent(db, webBountyActor(dev), bounty.id, "claim", {}, Date.now() - 2 * DAY);
    const card = listBounties(db, { page: 1, q: "freshness check" }).rows[0]!;
    expect(card.claim?.label).toBe(`@${dev.username}`);
    expect(card.claim!.expiresAt - card.claim!.lastCheckinAt).toBe(14 * DAY);
  });

  it("a bad board filter is a 400 naming the value", async () => {
    const res = await call(boardLoader, "/bounties?kind=knitting");
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toContain('"knitting" is not a valid kind');
  });

  it("/bounties.atom lists new open bounties, optionally for one persona", async () => {
    const res = await call(feedLoader, "/bounties.atom?persona=documenter");
    expect(res.headers.get("content-type")).toContain("application/atom+xml");
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(xml).toContain("Write a tutorial: Envoy with SPIRE");
    expect(xml).not.toContain("Propose SPIFFE support upstream");
    expect((await call(feedLoader, "/bounties.atom?persona=wizard")).status).toBe(400);
  });

  it("/api/bounties and /api/targets answer JSON with the same filters", async () => {
    const bounties = await (await call(apiBounties, "/api/bounties?kind=tutorial")).json();
    expect(bounties.total).toBeGreaterThan(0);
    for (const b of bounties.bounties) expect(b.kind).toBe("tutorial");
    const targets = await (await call(apiTargets, "/api/targets?status=requested&q=prom")).json();
    expect(targets.targets.map((t: { slug: string }) => t.slug)).toContain("prometheus");
    expect((await call(apiTargets, "/api/targets?status=bogus")).status).toBe(400);
  });
});

describe("markdown is rendered once, when written", () => {
  it("a progress note and a description are stored with their HTML, and the page sends that HTML, not the source", async () => {
    const bounty = await newBounty({ description: "Teach the broker to read **SVIDs** from the Workload API socket." });
    const dev = webBountyActor(await makeUser());
    applyIntent(db, dev, bounty.id, "claim");
    applyIntent(db, dev, bounty.id, "progress", { note: "Opened *KIP-1234*." });
    const event = db.$client.prepare("select note, note_html from bounty_events where bounty_id = ? and type = 'progress'").get(bounty.id) as {
      note: string;
      note_html: string;
    };
    expect(event.note_html).toBe(renderMarkdown("Opened *KIP-1234*."));
    const row = db.$client.prepare("select description_html from bounties where id = ?").get(bounty.id) as { description_html: string };
    expect(row.description_html).toContain("<strong>SVIDs</strong>");

    const data = await (await call(bountyLoader, `/bounties/${bounty.id}`, { id: String(bounty.id) })).json();
    expect(data.bounty.descriptionHtml).toBe(row.description_html);
    expect(data.bounty.events[0].noteHtml).toBe("<p>Opened <em>KIP-1234</em>.</p>\n");
    expect(JSON.stringify(data)).not.toContain("Opened *KIP-1234*.");
  });

  it("the database refuses a note or a description without its HTML, and the timeline stays append-only", async () => {
    const bounty = await newBounty();
    const insert = db.$client.prepare(
      "insert into bounty_events (bounty_id, type, actor_label, source, note, note_html, created_at) values (?, 'progress', '@x', 'web', ?, ?, 0)",
    );
    expect(() => insert.run(bounty.id, "unrendered", null)).toThrow(/stored with its rendering/);
    expect(() => insert.run(bounty.id, null, "<p>html without a note</p>")).toThrow(/stored with its rendering/);
    expect(() =>
      db.$client
        .prepare(
          "insert into bounties (target_id, title, description, kind, status, created_at, updated_at) values (?, 'No HTML', 'Some words here', 'code', 'open', 0, 0)",
        )
        .run(bounty.targetId),
    ).toThrow(/stored with its rendering/);
    const created = db.$client.prepare("select id from bounty_events where bounty_id = ? and type = 'created'").get(bounty.id) as { id: number };
    const withNote = insert.run(bounty.id, "a note", "<p>a note</p>\n").lastInsertRowid;
    for (const change of ["note = 'forged'", "note_html = '<p>forged</p>'", "type = 'completed'", "note_html = null"]) {
      expect(() => db.$client.prepare(`update bounty_events set ${change} where id = ?`).run(withNote), change).toThrow(/append-only/);
    }
    expect(() => db.$client.prepare("update bounty_events set note_html = '<p>x</p>' where id = ?").run(created.id)).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from bounty_events where id = ?").run(withNote)).toThrow(/append-only/);
  });

  it("notes and descriptions written before the rendered columns get their HTML once, at migrate time", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-backfill-"));
    try {
      // The database as it was before migration 0017: apply only migrations 0000-0016.
      const old = path.join(dir, "migrations");
      fs.cpSync(findMigrationsFolder(), old, { recursive: true });
      const journalFile = path.join(old, "meta", "_journal.json");
      const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number }[] };
      journal.entries = journal.entries.filter((e) => e.idx <= 16);
      fs.writeFileSync(journalFile, JSON.stringify(journal));
      const legacy = openDatabase(path.join(dir, "legacy.sqlite"));
      migrate(legacy, { migrationsFolder: old });
      const sqlite = legacy.$client;
      sqlite.prepare("insert into targets (slug, name, category, status, summary) values ('t', 'T', 'c', 'none', 's')").run();
      const bountyId = sqlite
        .prepare(
          "insert into bounties (target_id, title, description, kind, status, created_at, updated_at) values (1, 'Old', 'An **old** description', 'code', 'open', 0, 0)",
        )
        .run().lastInsertRowid;
      const insertEvent = sqlite.prepare(
        "insert into bounty_events (bounty_id, type, actor_label, source, note, created_at) values (?, ?, '@old', 'web', ?, 0)",
      );
      sqlite.transaction(() => {
        for (let i = 0; i < 1_200; i++) insertEvent.run(bountyId, "progress", `note *${i}*`);
        insertEvent.run(bountyId, "claimed", null);
      })();

      runMigrations(legacy);
      expect(sqlite.prepare("select description_html from bounties").get()).toEqual({ description_html: "<p>An <strong>old</strong> description</p>\n" });
      expect(sqlite.prepare("select count(*) as n from bounty_events where note is not null and note_html is null").get()).toEqual({ n: 0 });
      expect(sqlite.prepare("select note_html from bounty_events where note = 'note *7*'").get()).toEqual({ note_html: "<p>note <em>7</em></p>\n" });
      expect(sqlite.prepare("select note_html from bounty_events where type = 'claimed'").get()).toEqual({ note_html: null });
      // and the timeline is append-only again
      expect(() => sqlite.prepare("update bounty_events set note_html = 'x' where note = 'note *7*'").run()).toThrow(/append-only/);
      sqlite.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the note rate limit", () => {
  const eventCount = (bountyId: number) => (db.$client.prepare("select count(*) as n from bounty_events where bounty_id = ?").get(bountyId) as { n: number }).n;

  it(`a note past ${NOTES_PER_BOUNTY} on one bounty in 10 minutes is refused with 429, Retry-After and a sentence, and changes nothing`, async () => {
    const bounty = await newBounty();
    const dev = await makeUser();
    const cookie = await cookieFor(dev.id);
    expect((await post(cookie, bounty.id, { intent: "claim" })).status).toBe(302);
    for (let i = 0; i < NOTES_PER_BOUNTY; i++) expect((await post(cookie, bounty.id, { intent: "progress", note: `Step ${i}` })).status).toBe(302);
    const claimBefore = db.$client.prepare("select * from claims where bounty_id = ?").all(bounty.id);
    const before = fingerprint(process.env.DATABASE_PATH!, ["login_failures", "sessions"]);
    const res = await post(cookie, bounty.id, { intent: "progress", note: "One more" });
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get("Retry-After"));
    expect(wait).toBeGreaterThan(540);
    expect(wait).toBeLessThanOrEqual(600);
    expect((await res.json()).message).toBe(
      `You have added ${NOTES_PER_BOUNTY} notes on this bounty in the last 10 minutes, the most allowed is ${NOTES_PER_BOUNTY}. Try again in 10 minutes.`,
    );
    expect(fingerprint(process.env.DATABASE_PATH!, ["login_failures", "sessions"])).toEqual(before);
    expect(db.$client.prepare("select * from claims where bounty_id = ?").all(bounty.id)).toEqual(claimBefore);
    expect(eventCount(bounty.id)).toBe(2 + NOTES_PER_BOUNTY);
  });

  it("the limit frees up as the oldest notes leave the 10-minute window; notes-free actions are never limited", async () => {
    const bounty = await newBounty();
    const dev = webBountyActor(await makeUser());
    const t0 = Date.now();
    applyIntent(db, dev, bounty.id, "claim", {}, t0);
    for (let i = 0; i < NOTES_PER_BOUNTY; i++) applyIntent(db, dev, bounty.id, "progress", { note: `Step ${i}` }, t0 + i * 1000);
    expect(() => applyIntent(db, dev, bounty.id, "progress", { note: "Too soon" }, t0 + NOTE_WINDOW_MS - 1)).toThrow(RateLimited);
    // links without a note are writing too: they count and are limited like notes
    expect(() => applyIntent(db, dev, bounty.id, "progress", { links: ["https://example.org/wip"] }, t0 + NOTE_WINDOW_MS - 1)).toThrow(RateLimited);
    applyIntent(db, dev, bounty.id, "progress", { note: "Step 10" }, t0 + NOTE_WINDOW_MS);
    expect(getBounty(db, bounty.id)!.events[0]!.note).toBe("Step 10");
    // a release (no text, no links) is never limited
    expect(() => applyIntent(db, dev, bounty.id, "release", {}, t0 + NOTE_WINDOW_MS + 1)).not.toThrow();
  });

  it("links-only check-ins count toward the limit, so a claimant cannot flood a timeline with links", async () => {
    const bounty = await newBounty();
    const dev = webBountyActor(await makeUser());
    const t0 = Date.now();
    applyIntent(db, dev, bounty.id, "claim", {}, t0);
    for (let i = 0; i < NOTES_PER_BOUNTY; i++) applyIntent(db, dev, bounty.id, "progress", { links: [`https://example.org/pr/${i}`] }, t0 + i);
    expect(() => applyIntent(db, dev, bounty.id, "progress", { links: ["https://example.org/pr/11"] }, t0 + 100)).toThrow(RateLimited);
    expect(eventCount(bounty.id)).toBe(2 + NOTES_PER_BOUNTY);
  });

  it("a note over 10,000 characters, a sixth link or a link over 2,000 characters is refused at every door, and nothing is written", async () => {
    const bounty = await newBounty();
    const dev = webBountyActor(await makeUser());
    applyIntent(db, dev, bounty.id, "claim", {});
    const before = eventCount(bounty.id);
    const long = `https://example.org/${"a".repeat(2_000)}`;
    expect(() => applyIntent(db, dev, bounty.id, "progress", { note: "x".repeat(10_001) })).toThrow("A note may be at most 10,000 characters.");
    expect(() => applyIntent(db, dev, bounty.id, "progress", { links: Array.from({ length: 6 }, (_, i) => `https://example.org/${i}`) })).toThrow(
      "Add at most 5 links.",
    );
    expect(() => applyIntent(db, dev, bounty.id, "progress", { links: [long] })).toThrow("Each link may be at most 2,000 characters.");
    expect(eventCount(bounty.id)).toBe(before);
    // the web form says the same before the model is asked
    const cookie = await cookieFor((await makeUser()).id);
    const res = await post(cookie, bounty.id, { intent: "progress", links: long });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("Each link may be at most 2,000 characters.");
  });

  it(`a person's notes across all bounties are limited to ${NOTES_PER_PERSON} in 10 minutes`, async () => {
    const dev = webBountyActor(await makeUser());
    const bounties = [await newBounty(), await newBounty(), await newBounty(), await newBounty()];
    const t0 = Date.now();
    let n = 0;
    for (const b of bounties.slice(0, 3)) {
      applyIntent(db, dev, b.id, "claim", {}, t0);
      for (let i = 0; i < NOTES_PER_BOUNTY && n < NOTES_PER_PERSON; i++, n++) applyIntent(db, dev, b.id, "progress", { note: `Note ${n}` }, t0 + n);
    }
    applyIntent(db, dev, bounties[0]!.id, "release", {}, t0 + 100);
    applyIntent(db, dev, bounties[3]!.id, "claim", {}, t0 + 100);
    expect(() => applyIntent(db, dev, bounties[3]!.id, "progress", { note: "The 31st" }, t0 + 200)).toThrow(
      `You have added ${NOTES_PER_PERSON} notes across all bounties in the last 10 minutes, the most allowed is ${NOTES_PER_PERSON}. Try again in 10 minutes.`,
    );
    expect(eventCount(bounties[3]!.id)).toBe(2);
  });
});
