// Keeping the catalog in the app: who may add, edit, re-status and retire targets, what a
// renamed slug does, the status history and its evidence, suggestions through the proposals
// queue, what the seed leaves alone, and each target's road to "done" from real rows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, openDatabase } from "~/app/db.server";
import { listAudit, webPerson } from "~/app/models/audit.server";
import { createBounty, webBountyActor } from "~/app/models/bounties.server";
import { Forbidden } from "~/app/models/errors";
import { applySnapshot, linkIssueManually, recordRelease } from "~/app/models/github.server";
import { getLadders } from "~/app/models/ladder.server";
import { registerPackage } from "~/app/models/packages.server";
import { listQueue } from "~/app/models/queue.server";
import {
  acceptSuggestion,
  changeTargetStatus,
  createTarget,
  declineSuggestion,
  getSuggestionFor,
  restoreTarget,
  retireTarget,
  suggestTarget,
  updateTarget,
} from "~/app/models/target-edits.server";
import { findTarget, getCatalogStats, getTargetParts, listTargetOptions, listTargets } from "~/app/models/targets.server";
import * as bountyPage from "~/app/routes/bounties.$id";
import * as proposals from "~/app/routes/bounties.proposals";
import * as targetPage from "~/app/routes/targets.$slug";
import * as newBounty from "~/app/routes/targets.$slug_.bounties.new";
import * as editTarget from "~/app/routes/targets.$slug_.edit";
import * as catalog from "~/app/routes/targets._index";
import * as newTarget from "~/app/routes/targets.new";
import * as suggest from "~/app/routes/targets.suggest";
import * as suggestion from "~/app/routes/targets.suggestions.$id";
import { runMigrations } from "~/db/migrate";
import { seedCatalog, seedIfEmpty } from "~/db/seed";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";
import type { TargetInput } from "~/app/schemas/targets";
import type { Role } from "~/db/schema";

const cookies = { admin: "", ssc: "", contributor: "", other: "", packager: "" };
let admin: ReturnType<typeof webPerson>;
let packager: ReturnType<typeof webPerson>;
let contributorName = "";

beforeAll(async () => {
  const person = async (roles: Role[]) => {
    const user = await makeUser(roles.filter((r) => r !== "contributor") as never);
    return { user, cookie: await cookieFor(user.id), actor: webPerson({ ...user, roles }) };
  };
  const a = await person(["admin"]);
  const s = await person(["ssc"]);
  const c = await person([]);
  const o = await person([]);
  const p = await person(["packager"]);
  Object.assign(cookies, { admin: a.cookie, ssc: s.cookie, contributor: c.cookie, other: o.cookie, packager: p.cookie });
  admin = a.actor;
  packager = p.actor;
  contributorName = c.user.username;
});

const digest = () => contentDigest(db.$client);
const post = (handler: Parameters<typeof call>[0], url: string, params: Record<string, string>, cookie: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const init = formInit(cookie, {});
  return call(handler, url, params, { ...init, body: body.toString() });
};
const json = async (res: Response) => (await res.json()) as Record<string, unknown> & { fieldErrors: Record<string, string> };

const widgetForm = (over: Record<string, string | string[]> = {}) => ({
  name: "Widget Proxy",
  slug: "widget-proxy",
  category: "proxy",
  repos: "acme/widget-proxy\nacme/widget-helm",
  summary: "Widget Proxy is an **L7 proxy**; it could load SVIDs from the Workload API.",
  homepage: "https://widget.example.org/",
  personas: ["sysadmin", "developer"],
  "help-sysadmin": "Run it with spiffe-helper and report what breaks.",
  "help-developer": "",
  bridgeName: ["spiffe-helper", ""],
  bridgeUrl: ["https://github.com/spiffe/spiffe-helper", ""],
  bridgeNote: ["Writes the SVID to disk and signals a reload.", ""],
  status: "requested",
  evidence: "https://github.com/acme/widget-proxy/issues/42",
  ...over,
});

const input = (over: Partial<TargetInput> = {}): TargetInput => ({
  name: "Model Target",
  slug: `model-${Math.random().toString(36).slice(2, 8)}`,
  category: "database",
  repos: ["acme/model-db"],
  summary: "A database that could use SVIDs for client authentication.",
  homepage: null,
  personas: [{ slug: "sysadmin", helpText: null }],
  bridges: [],
  ...over,
});

describe("adding a target", () => {
  it("the catalog card shows a Markdown summary as text, not its source", () => {
    const t = createTarget(db, admin, input({ name: "Card Text", summary: "It speaks **mTLS** & [SPIFFE](https://spiffe.io/) <today>." }), {
      status: "none",
      evidenceUrl: null,
    });
    const row = listTargets(db, { sort: "name", page: 1, q: "card text" }).rows.find((r) => r.slug === t.slug)!;
    expect(row.summaryText).toBe("It speaks mTLS & SPIFFE <today>.");
    expect(row.summary).toBe("It speaks **mTLS** & [SPIFFE](https://spiffe.io/) <today>.");
  });

  it("an admin adds a target with its first status and evidence; the page renders the Markdown summary, personas' help and bridges", async () => {
    const res = await post(newTarget.action, "/targets/new", {}, cookies.admin, widgetForm());
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/targets/widget-proxy");
    const row = findTarget(db, "widget-proxy")!;
    expect(row).toMatchObject({ name: "Widget Proxy", status: "requested", repo: "acme/widget-proxy", retiredAt: null });
    expect(row.summaryHtml).toContain("<strong>L7 proxy</strong>");
    expect(getTargetParts(db, row.id)).toEqual({
      repos: ["acme/widget-proxy", "acme/widget-helm"],
      personaHelp: [
        { slug: "sysadmin", helpText: "Run it with spiffe-helper and report what breaks." },
        { slug: "developer", helpText: null },
      ],
      bridges: [{ name: "spiffe-helper", url: "https://github.com/spiffe/spiffe-helper", note: "Writes the SVID to disk and signals a reload." }],
    });
    const page = await json(await call(targetPage.loader, "/targets/widget-proxy", { slug: "widget-proxy" }));
    expect((page.history as { toStatus: string; evidenceUrl: string; actorUsername: string }[])[0]).toMatchObject({
      toStatus: "requested",
      evidenceUrl: "https://github.com/acme/widget-proxy/issues/42",
      actorUsername: admin.label.slice(1),
    });
    expect(listAudit(db, { entityType: "target", entityId: String(row.id) }).map((a) => a.action)).toEqual(["target.created"]);
  });

  it("bad input is refused with a message naming each field, and nothing changes", async () => {
    const before = digest();
    const res = await post(
      newTarget.action,
      "/targets/new",
      {},
      cookies.ssc,
      widgetForm({
        slug: "Not A Slug!",
        repos: "just-a-name",
        summary: "short",
        status: "native",
        evidence: "http://insecure.example.org/",
        bridgeName: ["Ghostunnel"],
        bridgeUrl: ["javascript:alert(1)"],
        bridgeNote: [""],
        personas: ["wizard"],
      }),
    );
    expect(res.status).toBe(400);
    const { fieldErrors } = await json(res);
    expect(fieldErrors.slug).toMatch(/slug/i);
    expect(fieldErrors.repos).toMatch(/owner\/name/);
    expect(fieldErrors.summary).toMatch(/summary/);
    expect(fieldErrors.evidence).toMatch(/https:\/\//);
    expect(fieldErrors.bridgeUrl).toMatch(/bridge 1 \(Ghostunnel\).*https/);
    expect(fieldErrors.personas).toMatch(/persona/);
    expect(digest()).toBe(before);
  });

  it("a status other than none needs evidence; a slug taken or reserved is refused on the slug field", async () => {
    const before = digest();
    const noEvidence = await post(newTarget.action, "/targets/new", {}, cookies.admin, widgetForm({ slug: "widget-two", evidence: "" }));
    expect(noEvidence.status).toBe(400);
    expect((await json(noEvidence)).fieldErrors.evidence).toMatch(/evidence/);
    const taken = await post(newTarget.action, "/targets/new", {}, cookies.admin, widgetForm({ slug: "kafka" }));
    expect(taken.status).toBe(400);
    expect((await json(taken)).fieldErrors.slug).toBe('The slug "kafka" is taken by Apache Kafka: choose another.');
    const reserved = await post(newTarget.action, "/targets/new", {}, cookies.admin, widgetForm({ slug: "suggest" }));
    expect((await json(reserved)).fieldErrors.slug).toMatch(/taken by a page/);
    expect(digest()).toBe(before);
  });

  it("contributors and packagers may not add, edit, re-status or retire targets, whichever door they use", async () => {
    const before = digest();
    for (const cookie of [cookies.contributor, cookies.packager]) {
      expect((await post(newTarget.action, "/targets/new", {}, cookie, widgetForm({ slug: "sneaky" }))).status).toBe(403);
      const params = { slug: "kafka" };
      for (const intent of ["save", "status", "retire"]) {
        expect(
          (await post(editTarget.action, "/targets/kafka/edit", params, cookie, { ...widgetForm({ slug: "kafka" }), intent, reason: "gone" })).status,
        ).toBe(403);
      }
    }
    const kafka = findTarget(db, "kafka")!;
    expect(() => createTarget(db, packager, input(), { status: "none", evidenceUrl: null })).toThrow(Forbidden);
    expect(() => updateTarget(db, packager, kafka.id, input({ slug: "kafka" }))).toThrow(Forbidden);
    expect(() => changeTargetStatus(db, packager, kafka.id, { status: "native", evidenceUrl: "https://example.org/", note: null })).toThrow(Forbidden);
    expect(() => retireTarget(db, packager, kafka.id, "no reason")).toThrow(Forbidden);
    expect(digest()).toBe(before);
  });
});

describe("editing a target", () => {
  it("a renamed slug keeps its old address answering with a permanent redirect, and no other target may take it", async () => {
    const t = createTarget(db, admin, input({ slug: "old-name" }), { status: "none", evidenceUrl: null });
    const res = await post(editTarget.action, "/targets/old-name/edit", { slug: "old-name" }, cookies.ssc, {
      ...widgetForm({ name: "New Name", slug: "new-name", personas: [], bridgeName: [], bridgeUrl: [], bridgeNote: [] }),
      intent: "save",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/targets/new-name");
    const old = await call(targetPage.loader, "/targets/old-name?page=1", { slug: "old-name" });
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe("/targets/new-name?page=1");
    expect((await call(editTarget.loader, "/targets/old-name/edit", { slug: "old-name" }, { headers: { Cookie: cookies.ssc } })).headers.get("location")).toBe(
      "/targets/new-name/edit",
    );
    const proposing = await call(
      newBounty.loader,
      "/targets/old-name/bounties/new?kind=tutorial",
      { slug: "old-name" },
      { headers: { Cookie: cookies.contributor } },
    );
    expect(proposing.status).toBe(301);
    expect(proposing.headers.get("location")).toBe("/targets/new-name/bounties/new?kind=tutorial");
    // a form still posted to the old address proposes the bounty on the renamed target
    const proposed = await post(newBounty.action, "/targets/old-name/bounties/new", { slug: "old-name" }, cookies.contributor, {
      title: "Document the renamed target",
      description: "Twenty characters or more of description.",
      kind: "docs",
    });
    expect(proposed.status).toBe(302);
    const onNew = db.$client.prepare("select count(*) from bounties where target_id = ? and title = 'Document the renamed target'").pluck().get(t.id);
    expect(onNew).toBe(1);

    const before = digest();
    expect(() => createTarget(db, admin, input({ slug: "old-name" }), { status: "none", evidenceUrl: null })).toThrow(/used to belong to another target/);
    expect(digest()).toBe(before);

    // a HEAD is sent on like a GET; a slug that never was a target's is a 404 that names it
    const head = await call(targetPage.loader, "/targets/old-name", { slug: "old-name" }, { method: "HEAD" });
    expect(head.status).toBe(301);
    expect(head.headers.get("location")).toBe("/targets/new-name");
    const unknown = await call(targetPage.loader, "/targets/never-was", { slug: "never-was" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'There is no target called "never-was" in the catalog.' });

    // renaming back frees the old slug from its redirect
    updateTarget(db, admin, t.id, input({ slug: "old-name", name: "Old Name" }));
    expect((await call(targetPage.loader, "/targets/old-name", { slug: "old-name" })).status).toBe(200);
    expect((await call(targetPage.loader, "/targets/new-name", { slug: "new-name" })).headers.get("location")).toBe("/targets/old-name");
    const actions = listAudit(db, { entityType: "target", entityId: String(t.id) }).map((a) => a.action);
    expect(actions).toEqual(["target.updated", "target.updated", "target.created"]);
  });

  it("every status change keeps a dated history entry with its evidence and who made it", async () => {
    const t = createTarget(db, admin, input(), { status: "none", evidenceUrl: null });
    const url = `/targets/${t.slug}/edit`;
    const res = await post(editTarget.action, url, { slug: t.slug }, cookies.ssc, {
      intent: "status",
      status: "partial",
      evidence: "https://github.com/acme/model-db/pull/7",
      note: "Client certs work; no SPIFFE ID checks yet.",
    });
    expect(res.status).toBe(302);
    expect(findTarget(db, t.slug)!.status).toBe("partial");

    // refused: an http link, no link, the same status again; nothing changes
    const before = digest();
    const insecure = await post(editTarget.action, url, { slug: t.slug }, cookies.ssc, { intent: "status", status: "native", evidence: "http://example.org/" });
    expect(insecure.status).toBe(400);
    expect((await json(insecure)).fieldErrors.evidence).toBe("Give the evidence as a full https:// link.");
    const none = await post(editTarget.action, url, { slug: t.slug }, cookies.ssc, { intent: "status", status: "native", evidence: "" });
    expect((await json(none)).fieldErrors.evidence).toMatch(/evidence/);
    const same = await post(editTarget.action, url, { slug: t.slug }, cookies.ssc, { intent: "status", status: "partial", evidence: "https://example.org/" });
    expect(same.status).toBe(409);
    expect((await json(same)).message).toMatch(/already "partial"/);
    expect(digest()).toBe(before);

    const page = await json(await call(targetPage.loader, `/targets/${t.slug}`, { slug: t.slug }));
    const history = page.history as {
      fromStatus: string | null;
      toStatus: string;
      evidenceUrl: string | null;
      actorUsername: string;
      createdAt: number;
      note: string;
    }[];
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.evidenceUrl])).toEqual([
      ["none", "partial", "https://github.com/acme/model-db/pull/7"],
      [null, "none", null],
    ]);
    expect(history[0]!.note).toBe("Client certs work; no SPIFFE ID checks yet.");
    expect(history[0]!.createdAt).toBeGreaterThan(Date.now() - 60_000);
    // the history cannot be rewritten
    expect(() => db.$client.prepare("update target_status_changes set evidence_url = null").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from target_status_changes").run()).toThrow(/append-only/);
    const audit = listAudit(db, { entityType: "target", entityId: String(t.id) })[0]!;
    expect(audit.action).toBe("target.status_changed");
    expect(JSON.parse(audit.afterJson!)).toMatchObject({ status: "partial", evidenceUrl: "https://github.com/acme/model-db/pull/7" });
  });
});

describe("labels on GitHub", () => {
  it("`club-zero` links issues from any of a target's upstream repositories, and `club-zero:<slug>` still works with the slug it had before a rename", () => {
    const t = createTarget(db, admin, input({ slug: "label-before", repos: ["acme/label-main", "acme/label-extra"] }), { status: "none", evidenceUrl: null });
    updateTarget(db, admin, t.id, input({ slug: "label-after", repos: ["acme/label-main", "acme/label-extra"] }));
    const snapshot = (repo: string, number: number, labels: string[]) => ({
      githubId: 77_000 + number,
      repo,
      number,
      kind: "issue" as const,
      title: `Labelled ${number}`,
      state: "open" as const,
      stateReason: null,
      labels,
      assignees: [],
      author: "octocat",
      url: `https://github.com/${repo}/issues/${number}`,
      updatedAt: Date.now(),
      mergedAt: null,
    });
    applySnapshot(db, snapshot("acme/label-extra", 1, ["club-zero"]));
    applySnapshot(db, snapshot("elsewhere/repo", 2, ["club-zero:label-before"]));
    applySnapshot(db, snapshot("elsewhere/repo", 3, ["club-zero"]));
    const linked = db.$client
      .prepare("select gi.number from target_issues ti join github_issues gi on gi.id = ti.issue_id where ti.target_id = ? order by gi.number")
      .pluck()
      .all(t.id);
    expect(linked).toEqual([1, 2]);
  });
});

describe("retiring a target", () => {
  it("leaves it out of the home page's counts and the pickers for new work (an edit still lists it)", () => {
    const t = createTarget(db, admin, input({ name: "Counted Then Not" }), { status: "requested", evidenceUrl: "https://example.org/ask" });
    const before = getCatalogStats(db);
    expect(listTargetOptions(db).map((o) => o.slug)).toContain(t.slug);
    retireTarget(db, admin, t.id, "Merged into another project.");
    const after = getCatalogStats(db);
    expect(after.targets).toBe(before.targets - 1);
    expect(after.byStatus.requested).toBe(before.byStatus.requested - 1);
    expect(listTargetOptions(db).map((o) => o.slug)).not.toContain(t.slug);
    expect(listTargetOptions(db, { includeRetired: true }).map((o) => o.slug)).toContain(t.slug);
  });

  it("drops it from the catalog's default view; its page still answers, saying retired; its bounties keep working; it takes no new ones", async () => {
    const t = createTarget(db, admin, input({ name: "Retiring Soon" }), { status: "none", evidenceUrl: null });
    const bounty = createBounty(db, webBountyActor({ id: admin.userId!, username: "x", roles: ["admin"] }), {
      targetId: t.id,
      title: "Write the first issue",
      description: "Open an upstream issue that asks for SPIFFE.",
      kind: "advocacy",
    });
    const noReason = await post(editTarget.action, `/targets/${t.slug}/edit`, { slug: t.slug }, cookies.admin, { intent: "retire", reason: "" });
    expect((await json(noReason)).fieldErrors.reason).toMatch(/why/i);
    const res = await post(editTarget.action, `/targets/${t.slug}/edit`, { slug: t.slug }, cookies.admin, {
      intent: "retire",
      reason: "Project archived upstream.",
    });
    expect(res.status).toBe(302);

    const q = { sort: "name" as const, page: 1, q: "retiring soon" };
    expect(listTargets(db, q).rows).toEqual([]);
    expect(listTargets(db, { ...q, retired: "only" }).rows.map((r) => r.slug)).toEqual([t.slug]);
    const page = await call(targetPage.loader, `/targets/${t.slug}`, { slug: t.slug });
    expect(page.status).toBe(200);
    expect(((await json(page)).target as { retiredAt: number | null }).retiredAt).not.toBeNull();

    const claim = await post(bountyPage.action, `/bounties/${bounty.id}`, { id: String(bounty.id) }, cookies.contributor, { intent: "claim" });
    expect(claim.status).toBe(302);
    const before = digest();
    const refused = await post(newBounty.action, `/targets/${t.slug}/bounties/new`, { slug: t.slug }, cookies.admin, {
      title: "Another one",
      description: "Twenty characters or more of description.",
      kind: "code",
    });
    expect(refused.status).toBe(409);
    expect((await json(refused)).fieldErrors.title).toMatch(/retired/);
    expect(digest()).toBe(before);
    expect(listAudit(db, { entityType: "target", entityId: String(t.id) })[0]).toMatchObject({
      action: "target.retired",
      afterJson: '{"reason":"Project archived upstream."}',
    });
  });
});

describe("suggesting a target", () => {
  it("a suggestion waits in the proposals queue, private to its suggester and the reviewers; accepting it creates the target", async () => {
    const res = await post(suggest.action, "/targets/suggest", {}, cookies.contributor, {
      name: "Valkey",
      category: "database",
      repos: "https://github.com/valkey-io/valkey",
      summary: "Valkey is a key-value store; TLS client auth could take SVIDs.",
      homepage: "",
    });
    expect(res.status).toBe(302);
    const id = Number(/\/targets\/suggestions\/(\d+)$/.exec(res.headers.get("location")!)![1]);

    const queue = listQueue(db, admin);
    expect(queue.targetSuggestions!.map((s) => [s.id, s.name, s.proposer])).toContainEqual([id, "Valkey", contributorName]);
    const listed = await json(await call(proposals.loader, "/bounties/proposals", {}, { headers: { Cookie: cookies.ssc } }));
    expect((listed.targetSuggestions as { id: number }[]).map((s) => s.id)).toContain(id);

    const view = (cookie: string) => call(suggestion.loader, `/targets/suggestions/${id}`, { id: String(id) }, { headers: { Cookie: cookie } });
    expect((await view(cookies.contributor)).status).toBe(200);
    expect((await view(cookies.other)).status).toBe(404);
    expect((await view(cookies.ssc)).status).toBe(200);

    // the suggester cannot accept their own; a bad slug is refused by name
    const before = digest();
    expect(
      (await post(suggestion.action, `/targets/suggestions/${id}`, { id: String(id) }, cookies.contributor, { intent: "accept", slug: "valkey" })).status,
    ).toBe(403);
    const bad = await post(suggestion.action, `/targets/suggestions/${id}`, { id: String(id) }, cookies.ssc, { intent: "accept", slug: "Val Key" });
    expect((await json(bad)).fieldErrors.slug).toMatch(/slug/);
    expect(digest()).toBe(before);

    const accepted = await post(suggestion.action, `/targets/suggestions/${id}`, { id: String(id) }, cookies.ssc, { intent: "accept", slug: "valkey" });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/targets/valkey");
    const target = findTarget(db, "valkey")!;
    expect(target).toMatchObject({ name: "Valkey", category: "database", status: "none", repo: "valkey-io/valkey" });
    expect(listQueue(db, admin).targetSuggestions!.map((s) => s.id)).not.toContain(id);
    const again = await post(suggestion.action, `/targets/suggestions/${id}`, { id: String(id) }, cookies.admin, {
      intent: "decline",
      reason: "Changed my mind.",
    });
    expect(again.status).toBe(409);
    expect(listAudit(db, { entityType: "target_suggestion", entityId: String(id) }).map((a) => a.action)).toEqual([
      "target_suggestion.accepted",
      "target_suggestion.created",
    ]);
  });

  it("declining needs a reason, which the suggester sees", async () => {
    const res = await post(suggest.action, "/targets/suggest", {}, cookies.contributor, {
      name: "Left Pad",
      category: "library",
      repos: "",
      summary: "A tiny library with no network identity at all, to be honest.",
    });
    const id = Number(/(\d+)$/.exec(res.headers.get("location")!)![1]);
    const before = digest();
    const noReason = await post(suggestion.action, `/targets/suggestions/${id}`, { id: String(id) }, cookies.admin, { intent: "decline", reason: "" });
    expect((await json(noReason)).fieldErrors.reason).toMatch(/why it is declined/);
    expect(digest()).toBe(before);
    await post(suggestion.action, `/targets/suggestions/${id}`, { id: String(id) }, cookies.admin, {
      intent: "decline",
      reason: "It has no network identity.",
    });
    const seen = await json(await call(suggestion.loader, `/targets/suggestions/${id}`, { id: String(id) }, { headers: { Cookie: cookies.contributor } }));
    expect(seen.suggestion).toMatchObject({ status: "declined", declineReason: "It has no network identity." });
  });

  it("a suggestion with bad fields is refused by name and stores nothing", async () => {
    const before = digest();
    const res = await post(suggest.action, "/targets/suggest", {}, cookies.contributor, { name: "", category: "Not Valid", repos: "a/b/c", summary: "" });
    expect(res.status).toBe(400);
    expect(Object.keys((await json(res)).fieldErrors).sort()).toEqual(["category", "name", "repos", "summary"]);
    expect((await call(suggest.action, "/targets/suggest", {}, formInit(null, { name: "x" }))).status).toBe(302);
    expect(digest()).toBe(before);
  });
});

describe("the seed and edits", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-seed-edits-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a re-seed or a restart never overwrites, re-adds or un-retires a target edited in the app", () => {
    const fresh = openDatabase(path.join(dir, "app.sqlite"));
    runMigrations(fresh);
    seedCatalog(fresh);
    const keeper = { userId: null, label: "cli", source: "cli" as const, roles: ["admin" as const] };
    const kafka = findTarget(fresh, "kafka")!;
    updateTarget(fresh, keeper, kafka.id, input({ name: "Apache Kafka", slug: "apache-kafka", summary: "Edited in the app: a summary the seed must keep." }));
    changeTargetStatus(fresh, keeper, kafka.id, { status: "partial", evidenceUrl: "https://kafka.apache.org/documentation/#security", note: null });
    const envoy = findTarget(fresh, "envoy")!;
    retireTarget(fresh, keeper, envoy.id, "Testing retirement.");
    const before = contentDigest(fresh.$client);

    expect(seedCatalog(fresh)).toMatchObject({ targets: 0, issues: 0, links: 0, bounties: 0 });
    expect(seedIfEmpty(fresh)).toBeNull();
    expect(contentDigest(fresh.$client)).toBe(before);
    expect(findTarget(fresh, "kafka")).toBeNull();
    expect(findTarget(fresh, "apache-kafka")).toMatchObject({
      name: "Apache Kafka",
      status: "partial",
      summary: "Edited in the app: a summary the seed must keep.",
    });
    expect(findTarget(fresh, "envoy")!.retiredAt).not.toBeNull();
    fresh.$client.close();
  });
});

describe("the road to done", () => {
  it("is computed from linked issues, merged pull requests, upstream releases and registered packages, and the catalog filters and sorts by it", async () => {
    const t = createTarget(db, admin, input({ name: "Ladder Climber", repos: ["acme/climber"] }), { status: "none", evidenceUrl: null });
    const reached = () => getLadders(db, [t.id]).get(t.id)!.reached;
    expect(reached()).toBe(0);

    linkIssueManually(db, admin, t.id, { repo: "acme/climber", number: 1 }, "issue");
    expect(reached()).toBe(2);

    const merged = Date.UTC(2026, 2, 1);
    linkIssueManually(db, admin, t.id, { repo: "acme/climber", number: 2 }, "pull");
    applySnapshot(db, {
      githubId: 99_002,
      repo: "acme/climber",
      number: 2,
      kind: "pull",
      title: "Load SVIDs from the Workload API",
      state: "merged",
      stateReason: null,
      labels: [],
      assignees: [],
      author: "octocat",
      url: "https://github.com/acme/climber/pull/2",
      updatedAt: merged,
      mergedAt: merged,
    });
    expect(reached()).toBe(3);

    // a release from before the merge does not ship it; the next one does
    recordRelease(
      db,
      { repo: "acme/climber", tag: "v1.0.0", name: null, url: "https://github.com/acme/climber/releases/tag/v1.0.0", publishedAt: merged - 1 },
      merged,
    );
    expect(reached()).toBe(3);
    recordRelease(
      db,
      { repo: "acme/climber", tag: "v1.1.0", name: null, url: "https://github.com/acme/climber/releases/tag/v1.1.0", publishedAt: merged + 1 },
      merged,
    );
    expect(reached()).toBe(4);

    // software built from this target (the seed's way of adding software; there is no form for it), then a package
    const softwareId = Number(
      db.$client
        .prepare("insert into software (slug, name, repo, target_id, created_at) values ('climber', 'Climber', 'acme/climber', ?, ?)")
        .run(t.id, Date.now()).lastInsertRowid,
    );
    const pkg = registerPackage(db, packager, {
      softwareId,
      distro: "debian",
      release: "trixie",
      packageName: "climber",
      version: "1.1.0-1",
      url: null,
      notes: null,
      origin: "distribution",
    });
    const ladder = getLadders(db, [t.id]).get(t.id)!;
    expect(ladder.reached).toBe(5);
    expect(ladder.rungs[4]!.evidence).toEqual({ label: "Climber 1.1.0-1 in Debian", url: `/packages/${pkg.id}` });
    expect(ladder.rungs[3]!.evidence!.url).toBe("https://github.com/acme/climber/releases/tag/v1.1.0");
    // the tutorial rungs wait for the tutorials (wired at merge)
    expect(ladder.next).toBe("documented");

    // many targets at once take another path (merged pull requests from their own index): same ladders
    const every = getLadders(db, null);
    expect(every.get(t.id)!.reached).toBe(5);
    const ids = [...every.keys()];
    expect(ids.length).toBeGreaterThan(50);
    const oneByOne = new Map(ids.flatMap((id) => [...getLadders(db, [id])]));
    expect(every).toEqual(oneByOne);

    const packaged = await json(await call(catalog.loader, "/targets?rung=packaged&sort=closest"));
    const rows = packaged.rows as { slug: string; ladderReached: number }[];
    expect(rows.map((r) => r.slug)).toContain(t.slug);
    expect(rows.every((r) => r.ladderReached >= 5)).toBe(true);
    const closest = (await json(await call(catalog.loader, "/targets?sort=closest"))).rows as { ladderReached: number }[];
    expect(closest.map((r) => r.ladderReached)).toEqual([...closest.map((r) => r.ladderReached)].sort((a, b) => b - a));
    expect((await call(catalog.loader, "/targets?rung=finished")).status).toBe(400);
  });

  it("an unmet rung offers the open bounty that would meet it", async () => {
    const t = createTarget(db, admin, input({ name: "Offer Target" }), { status: "none", evidenceUrl: null });
    const bounty = createBounty(db, webBountyActor({ id: admin.userId!, username: "x", roles: ["admin"] }), {
      targetId: t.id,
      title: "Package Offer Target for Debian",
      description: "Package it for Debian and register the package.",
      kind: "packaging",
    });
    const page = await json(await call(targetPage.loader, `/targets/${t.slug}`, { slug: t.slug }));
    expect(page.offered).toEqual({ packaging: { id: bounty.id, title: "Package Offer Target for Debian" } });
    expect((page.ladder as { next: string }).next).toBe("requested");
  });
});

describe("catalog edits, in the model: what each leaves, and what each refuses", () => {
  const audits = (entityType: string, id: number) => listAudit(db, { entityType, entityId: String(id) });
  const parsed = (json: string | null) => (json === null ? null : (JSON.parse(json) as unknown));

  it("adding a target records its whole snapshot: fields, repositories in order, personas and bridges, and its first status", () => {
    const t = createTarget(
      db,
      admin,
      input({
        name: "Snapshot DB",
        repos: ["acme/snap-db", "acme/snap-helm"],
        personas: [
          { slug: "sysadmin", helpText: "Try it." },
          { slug: "developer", helpText: null },
        ],
        bridges: [{ name: "spiffe-helper", url: "https://github.com/spiffe/spiffe-helper", note: "Writes files." }],
      }),
      { status: "requested", evidenceUrl: "https://example.org/issue/1" },
    );
    expect(t.repo).toBe("acme/snap-db");
    const [created] = audits("target", t.id);
    expect(created).toMatchObject({ action: "target.created", entityType: "target" });
    expect(parsed(created!.afterJson)).toEqual({
      name: "Snapshot DB",
      slug: t.slug,
      category: "database",
      summary: "A database that could use SVIDs for client authentication.",
      homepage: null,
      repos: ["acme/snap-db", "acme/snap-helm"],
      personas: [
        { slug: "sysadmin", helpText: "Try it." },
        { slug: "developer", helpText: null },
      ],
      bridges: [{ name: "spiffe-helper", url: "https://github.com/spiffe/spiffe-helper", note: "Writes files." }],
      status: "requested",
    });
    const history = db.$client.prepare("select from_status, to_status, note from target_status_changes where target_id = ?").all(t.id);
    expect(history).toEqual([{ from_status: null, to_status: "requested", note: "Status when added to the catalog." }]);
    const bare = createTarget(db, admin, input({ repos: [] }), { status: "none", evidenceUrl: null });
    expect(bare.repo).toBeNull();
  });

  it("a status other than none needs evidence; the same status twice is refused; a change records from what to what", () => {
    expect(() => createTarget(db, admin, input(), { status: "requested", evidenceUrl: null })).toThrow(
      "Give the evidence for this status as an https:// link.",
    );
    const t = createTarget(db, admin, input({ name: "Status Steps" }), { status: "none", evidenceUrl: null });
    expect(() => changeTargetStatus(db, admin, t.id, { status: "none", evidenceUrl: "https://example.org/x", note: null })).toThrow(
      `Status Steps's SPIFFE status is already "none".`,
    );
    changeTargetStatus(db, admin, t.id, { status: "requested", evidenceUrl: "https://example.org/ask", note: "Asked upstream." });
    const [changed] = audits("target", t.id);
    expect(changed).toMatchObject({ action: "target.status_changed" });
    expect(parsed(changed!.beforeJson)).toEqual({ status: "none" });
    expect(parsed(changed!.afterJson)).toEqual({ status: "requested", evidenceUrl: "https://example.org/ask", note: "Asked upstream." });
  });

  it("retiring twice, or restoring what is not retired, is refused by name; a restore brings it back and records when it had retired", () => {
    const t = createTarget(db, admin, input({ name: "Comes Back" }), { status: "none", evidenceUrl: null });
    expect(() => restoreTarget(db, admin, t.id)).toThrow("Comes Back is not retired.");
    retireTarget(db, admin, t.id, "Archived.", 1_000);
    expect(() => retireTarget(db, admin, t.id, "Again.")).toThrow("Comes Back is already retired.");
    restoreTarget(db, admin, t.id, 2_000);
    expect(findTarget(db, t.slug)!.retiredAt).toBeNull();
    const [restored] = audits("target", t.id);
    expect(restored).toMatchObject({ action: "target.restored", entityType: "target" });
    expect(parsed(restored!.beforeJson)).toEqual({ retiredAt: 1_000 });
    expect(() => retireTarget(db, admin, 999_999, "Nothing there.")).toThrow("There is no such target.");
    expect(() => restoreTarget(db, packager, t.id)).toThrow("Only SSC members and admins can change the catalog.");
  });

  it("a target renamed back to its own old slug takes it back, and the slug it left redirects; another target may take neither", () => {
    const t = createTarget(db, admin, input({ name: "Renamed Twice" }), { status: "none", evidenceUrl: null });
    const first = t.slug;
    const second = `${first}-new`;
    updateTarget(db, admin, t.id, input({ name: "Renamed Twice", slug: second }));
    updateTarget(db, admin, t.id, input({ name: "Renamed Twice", slug: first }));
    expect(findTarget(db, first)!.id).toBe(t.id);
    expect(db.$client.prepare("select slug from target_slug_redirects where target_id = ? order by slug").pluck().all(t.id)).toEqual([second]);
    const other = createTarget(db, admin, input({ name: "Other One" }), { status: "none", evidenceUrl: null });
    expect(() => updateTarget(db, admin, other.id, input({ name: "Other One", slug: first }))).toThrow(
      `The slug "${first}" is taken by Renamed Twice: choose another.`,
    );
    expect(() => updateTarget(db, admin, other.id, input({ name: "Other One", slug: second }))).toThrow(
      `The slug "${second}" used to belong to another target and still leads there: choose another.`,
    );
  });

  it("a suggestion: reviewers are told with a link; the suggester hears it was accepted or declined, and why; a decided one is not decided again", async () => {
    const suggester = await makeUser();
    const reviewer = await makeUser(["ssc"]);
    const keeper = webPerson({ ...reviewer, roles: ["ssc"] });
    const asked = webPerson({ ...suggester, roles: [] });
    const newest = (userId: number) =>
      db.$client.prepare("select kind, title, body, link from notifications where user_id = ? order by id desc limit 1").get(userId) as Record<string, string>;
    const a = suggestTarget(db, asked, {
      name: "Suggested A",
      category: "database",
      repos: ["acme/a", "acme/a-chart"],
      summary: "Could take SVIDs.",
      homepage: null,
    });
    expect(newest(reviewer.id)).toEqual({
      kind: "proposal_waiting",
      title: "A target suggestion is waiting: Suggested A",
      body: `@${suggester.username} suggested adding Suggested A to the catalog. Accept it to create the target, or decline it with a reason.`,
      link: `/targets/suggestions/${a.id}`,
    });
    expect(db.$client.prepare("select repos from target_suggestions where id = ?").pluck().get(a.id)).toBe("acme/a\nacme/a-chart");

    const target = acceptSuggestion(db, keeper, a.id, `suggested-a-${a.id}`);
    expect(getTargetParts(db, target.id).repos).toEqual(["acme/a", "acme/a-chart"]);
    expect(newest(suggester.id)).toEqual({
      kind: "watched_change",
      title: "Your suggestion Suggested A is in the catalog",
      body: `@${reviewer.username} accepted your suggestion: Suggested A is a target now.`,
      link: `/targets/${target.slug}`,
    });
    const [accepted] = audits("target_suggestion", a.id);
    expect(parsed(accepted!.afterJson)).toEqual({ targetId: target.id, slug: target.slug });
    const [created] = audits("target", target.id);
    expect(created).toMatchObject({ action: "target.created", entityType: "target" });
    expect(parsed(created!.afterJson)).toMatchObject({ status: "none", fromSuggestion: a.id, repos: ["acme/a", "acme/a-chart"] });
    expect(() => acceptSuggestion(db, keeper, a.id, "again")).toThrow("This suggestion was already accepted.");

    const b = suggestTarget(db, asked, { name: "Suggested B", category: "library", repos: [], summary: "Maybe.", homepage: null });
    declineSuggestion(db, keeper, b.id, "No network identity.");
    expect(newest(suggester.id)).toEqual({
      kind: "watched_change",
      title: "Your suggestion Suggested B was declined",
      body: `@${reviewer.username} declined it: No network identity.`,
      link: `/targets/suggestions/${b.id}`,
    });
    const [declined] = audits("target_suggestion", b.id);
    expect(declined).toMatchObject({ action: "target_suggestion.declined", entityType: "target_suggestion" });
    expect(parsed(declined!.afterJson)).toEqual({ reason: "No network identity." });
    expect(() => declineSuggestion(db, keeper, b.id, "Twice.")).toThrow("This suggestion was already declined.");
    expect(() => declineSuggestion(db, keeper, 999_999, "None.")).toThrow("There is no such suggestion.");
    expect(() =>
      suggestTarget(db, { userId: null, label: "anonymous", source: "web" }, { name: "X", category: "library", repos: [], summary: "x", homepage: null }),
    ).toThrow("Sign in to suggest a target.");
    expect(getSuggestionFor(db, { userId: null, roles: [] }, 999_999)).toBeNull();
  });
});
