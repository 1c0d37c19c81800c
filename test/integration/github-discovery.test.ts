// Discovery: GitHub's issue search (its own 30-a-minute limit) finds upstream issues mentioning
// SPIFFE, SPIRE or workload identity; SSC members and admins link them or dismiss them for good.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { createGithubAuth } from "~/app/github/auth.server";
import { discoverIssues } from "~/app/github/discovery.server";
import { listDiscoveryRepos, listSuggestions } from "~/app/models/github-suggestions.server";
import { getIssue } from "~/app/models/github.server";
import { action as suggestionsAction, loader as suggestionsLoader } from "~/app/routes/suggestions";
import { loader as targetLoader } from "~/app/routes/targets.$slug";
import { staleTargetCounts } from "../support/counts";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

const TOKEN = "ghp_discoveryTestToken0000000000000000000";
let fake: FakeGithub;
const run = (options: Parameters<typeof discoverIssues>[1] = {}) =>
  discoverIssues(db, { auth: createGithubAuth({ apiUrl: fake.url, token: TOKEN }), apiUrl: fake.url, spacingMs: 0, maxWaitMs: 0, ...options });

// two targets with upstream repositories; the second has an issue linked already
const [a, b] = db.$client
  .prepare(
    `select t.slug, t.repo, (select gi.number from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = t.id and lower(gi.repo) = lower(t.repo) limit 1) as linked
     from targets t where t.repo is not null and (select count(*) from targets x where lower(x.repo) = lower(t.repo)) = 1 order by linked is null, t.slug limit 2`,
  )
  .all() as { slug: string; repo: string; linked: number | null }[];

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  fake.putIssue(a!.repo, { number: 9101, title: "Accept SPIFFE SVIDs for client authentication", state: "open" });
  fake.putIssue(a!.repo, { number: 9102, title: "Crash on start-up", state: "open", body: "Nothing about identity here." });
  fake.putIssue(a!.repo, { number: 9103, title: "SPIRE plugin", state: "closed" });
  fake.putIssue(a!.repo, {
    number: 9104,
    title: "mTLS between replicas",
    state: "open",
    body: "Uses workload identity from the platform.",
    pull: { mergedAt: null },
  });
  fake.putIssue(b!.repo, { number: b!.linked!, title: "SPIFFE support (linked already)", state: "open" });
});
afterAll(() => fake.stop());

describe("discovery", () => {
  it("keeps to the search API's own limit: stops when it is spent, sends nothing more, and goes on after the reset", { retry: 2 }, async () => {
    fake.setSearchLimit({ remaining: 5, resetInSeconds: 2 });
    const from = fake.requests.length;
    const first = await run();
    expect(first.searched).toBe(5);
    expect(first.waiting).toHaveLength(first.repos - 5);
    const sent = fake.requests.slice(from).filter((r) => r.path.startsWith("/search/issues"));
    expect(sent).toHaveLength(5);
    expect(sent.every((r) => r.status === 200)).toBe(true);

    const early = fake.requests.length;
    expect((await run()).searched).toBe(0);
    expect(fake.requests.slice(early).filter((r) => r.path.startsWith("/search/"))).toHaveLength(0);

    await new Promise((r) => setTimeout(r, Math.max(...first.waiting.map((w) => w.until)) - Date.now() + 100));
    fake.setSearchLimit({ limit: 1000, remaining: 1000, resetInSeconds: 60 });
    const rest = await run();
    expect(rest.waiting).toEqual([]);
    expect(rest.failed).toEqual([]);
    expect(rest.searched).toBe(first.repos);
  });

  it("suggests open items that mention SPIFFE, SPIRE or workload identity, not closed, unrelated or already linked ones", () => {
    expect(fake.searches).toContain(`repo:${a!.repo.toLowerCase()} is:open SPIFFE OR SPIRE OR "workload identity"`);
    const found = listSuggestions(db).map((s) => `${s.repo.toLowerCase()}#${s.number} for ${s.targetSlug}`);
    expect(found.sort()).toEqual([`${a!.repo.toLowerCase()}#9101 for ${a!.slug}`, `${a!.repo.toLowerCase()}#9104 for ${a!.slug}`]);
  });

  it("searching again suggests nothing twice", async () => {
    const again = await run();
    expect(again.searched).toBe(again.repos);
    expect(again.suggested).toBe(0);
    expect(listSuggestions(db)).toHaveLength(2);
  });
});

describe("the Suggested issues queue", () => {
  const post = async (cookie: string, fields: Record<string, string>) => call(suggestionsAction, "/suggestions", {}, formInit(cookie, fields));

  it("a contributor can neither see nor decide, and nothing changes", async () => {
    const contributor = await cookieFor((await makeUser()).id);
    const before = contentDigest(db.$client);
    expect((await call(suggestionsLoader, "/suggestions", {}, { headers: { Cookie: contributor } })).status).toBe(403);
    const id = String(listSuggestions(db)[0]!.id);
    expect((await post(contributor, { id, decision: "link" })).status).toBe(403);
    expect(contentDigest(db.$client)).toBe(before);
  });

  it("an SSC member links one in one click: it is on the target's page, with the audit record", async () => {
    const ssc = await makeUser(["ssc"]);
    const cookie = await cookieFor(ssc.id);
    const page = await (await call(suggestionsLoader, "/suggestions", {}, { headers: { Cookie: cookie } })).json();
    const pick = page.suggestions.find((s: { number: number }) => s.number === 9101);
    const res = await post(cookie, { id: String(pick.id), decision: "link" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/suggestions");
    expect(getIssue(db, a!.repo, 9101)).toMatchObject({ title: "Accept SPIFFE SVIDs for client authentication", state: "open", kind: "issue" });
    const target = await (await call(targetLoader, `/targets/${a!.slug}`, { slug: a!.slug })).json();
    expect(target.target.issues.map((i: { number: number }) => i.number)).toContain(9101);
    const audit = db.$client
      .prepare("select actor_label as actor, after_json as after from audit_log where action = 'github.suggestion_linked' and entity_id = ?")
      .get(String(pick.id)) as { actor: string; after: string };
    expect(audit.actor).toBe(`@${ssc.username}`);
    expect(JSON.parse(audit.after)).toMatchObject({ status: "linked" });
    expect(staleTargetCounts()).toEqual([]);
    // deciding it again is refused, and says why
    const twice = await post(cookie, { id: String(pick.id), decision: "dismiss" });
    expect(twice.status).toBe(409);
    expect((await twice.json()).message).toBe("This suggestion was linked already.");
  });

  it("a dismissed suggestion leaves the queue and is never suggested again", async () => {
    const admin = await cookieFor((await makeUser(["admin"])).id);
    const pr = listSuggestions(db).find((s) => s.number === 9104)!;
    expect((await post(admin, { id: String(pr.id), decision: "dismiss" })).status).toBe(302);
    expect(listSuggestions(db)).toEqual([]);
    fake.editIssue(a!.repo, 9104, { title: "mTLS between replicas (SPIFFE)" });
    await run();
    expect(listSuggestions(db)).toEqual([]);
  });

  it("a bad decision is a 400 naming the field, and changes nothing", async () => {
    const admin = await cookieFor((await makeUser(["admin"])).id);
    const before = contentDigest(db.$client);
    const res = await post(admin, { id: "1", decision: "merge" });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("Decision must be link or dismiss.");
    expect(contentDigest(db.$client)).toBe(before);
  });
  it("searches every upstream repository a target lists, and none of a retired target", () => {
    const targetId = db.$client.prepare("select id from targets where slug = ?").pluck().get(a!.slug) as number;
    const retired = db.$client
      .prepare(
        "select id, repo from targets t where repo is not null and slug not in (?, ?) and (select count(*) from target_repositories x where lower(x.repo) = lower(t.repo)) = 1 order by slug limit 1",
      )
      .get(a!.slug, b!.slug) as {
      id: number;
      repo: string;
    };
    db.$client.prepare("insert into target_repositories (target_id, repo, position) values (?, 'Acme/Second-Upstream', 9)").run(targetId);
    db.$client.prepare("update targets set retired_at = 1 where id = ?").run(retired.id);
    try {
      const repos = listDiscoveryRepos(db).map((r) => r.repo);
      expect(repos).toContain("acme/second-upstream");
      expect(repos).toContain(a!.repo.toLowerCase());
      expect(repos).not.toContain(retired.repo.toLowerCase());
    } finally {
      db.$client.prepare("delete from target_repositories where target_id = ? and repo = 'Acme/Second-Upstream'").run(targetId);
      db.$client.prepare("update targets set retired_at = null where id = ?").run(retired.id);
    }
  });
});
