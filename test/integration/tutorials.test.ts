// Tutorials and translations through their pages' loaders and actions, against the real
// migrated and seeded database: who may write, review and publish; revisions and their diffs;
// translations going outdated; the tutorial bounty; Markdown that stays safe.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { listAudit } from "~/app/models/audit.server";
import { applyIntent, getBounty, webBountyActor } from "~/app/models/bounties.server";
import {
  BODY_MAX,
  NOTE_MAX,
  SUMMARY_MAX,
  TARGETS_MAX,
  TITLE_MAX,
  actOnTutorial,
  createTutorial,
  diffRevisions,
  listTutorialBountyOptions,
  listWork,
  publishedTutorialFacts,
  startTranslation,
} from "~/app/models/tutorials.server";
import { loader as targetLoader } from "~/app/routes/targets.$slug";
import * as tutorialPage from "~/app/routes/tutorials.$slug";
import * as editPage from "~/app/routes/tutorials.$slug_.edit";
import * as historyPage from "~/app/routes/tutorials.$slug_.history";
import * as translationPage from "~/app/routes/tutorials.$slug_.translations.$lang";
import * as translationEdit from "~/app/routes/tutorials.$slug_.translations.$lang_.edit";
import * as listPage from "~/app/routes/tutorials._index";
import * as newPage from "~/app/routes/tutorials.new";
import * as feed from "~/app/routes/tutorials[.]atom";
import { seedCatalog } from "~/db/seed";
import { contentDigest } from "../support/fingerprint";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";
import type { PublicUser } from "~/app/models/users.server";

type Person = { user: PublicUser; cookie: string };
const person = async (roles: ("ssc" | "admin")[] = []): Promise<Person> => {
  const user = await makeUser(roles);
  return { user, cookie: await cookieFor(user.id) };
};
let documenter: Person, ssc: Person, sscAuthor: Person, admin: Person, stranger: Person, translator: Person;

beforeAll(async () => {
  [documenter, ssc, sscAuthor, admin, stranger, translator] = [
    await person(),
    await person(["ssc"]),
    await person(["ssc"]),
    await person(["admin"]),
    await person(),
    await person(),
  ];
});

/** A form post with repeated fields (checkbox lists). */
function post(cookie: string | null, fields: Record<string, string | readonly string[]>): RequestInit {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const init = formInit(cookie, {});
  return { ...init, body: body.toString() };
}
const get = (cookie: string | null, headers: Record<string, string> = {}): RequestInit => ({ headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
const json = async (res: Response) => (await res.json()) as Record<string, unknown> & { message?: string; fieldErrors?: Record<string, string> };
const q = <T>(sql: string, ...args: unknown[]) => db.$client.prepare(sql).get(...args) as T;

const BODY =
  '## Install SPIRE\n\nRun the server.\n\n```bash\necho "start" # then\nspire-server run -config server.conf\n```\n\n## Register Envoy\n\nCreate an entry.\n';
const fields = (over: Record<string, string | readonly string[]> = {}) => ({
  title: "Envoy and SPIRE in ten minutes",
  summary: "Envoy gets its certificates from SPIRE.",
  body: BODY,
  targets: ["envoy"],
  personas: ["documenter", "sysadmin"],
  bountyId: "",
  note: "",
  ...over,
});

async function createDraft(who: Person, over: Record<string, string | readonly string[]> = {}): Promise<string> {
  const res = await call(newPage.action, "/tutorials/new", {}, post(who.cookie, fields(over)));
  expect(res.status, JSON.stringify(res.status === 302 ? "" : await res.clone().text())).toBe(302);
  return res.headers.get("location")!.replace("/tutorials/", "");
}
const act = (who: Person | null, slug: string, intent: string, extra: Record<string, string> = {}) =>
  call(tutorialPage.action, `/tutorials/${slug}`, { slug }, post(who?.cookie ?? null, { intent, ...extra }));
const view = (who: Person | null, slug: string, headers: Record<string, string> = {}) =>
  call(tutorialPage.loader, `/tutorials/${slug}`, { slug }, get(who?.cookie ?? null, headers));
const edit = (who: Person, slug: string, over: Record<string, string | readonly string[]> = {}) =>
  call(editPage.action, `/tutorials/${slug}/edit`, { slug }, post(who.cookie, fields(over)));
const audits = (action: string, entityId: string | number) =>
  q<{ n: number }>("select count(*) as n from audit_log where action = ? and entity_id = ?", action, String(entityId)).n;
const tutorialId = (slug: string) => q<{ id: number }>("select id from tutorials where slug = ?", slug).id;

describe("writing a tutorial", () => {
  it("any signed-in person starts a draft; its first revision is stored with its rendering", async () => {
    const slug = await createDraft(documenter);
    expect(slug).toBe("envoy-and-spire-in-ten-minutes");
    const row = q<{ status: string; number: number; body_html: string; toc_json: string; author_user_id: number }>(
      "select t.status, r.number, r.body_html, r.toc_json, r.author_user_id from tutorials t join tutorial_revisions r on r.id = t.current_revision_id where t.slug = ?",
      slug,
    );
    expect(row).toMatchObject({ status: "draft", number: 1, author_user_id: documenter.user.id });
    expect(row.body_html).toContain('<code class="language-bash"><span class="hljs-built_in">echo</span> <span class="hljs-string">&quot;start&quot;</span>');
    expect(JSON.parse(row.toc_json)).toEqual([
      { level: 2, id: "s-install-spire", text: "Install SPIRE" },
      { level: 2, id: "s-register-envoy", text: "Register Envoy" },
    ]);
    expect(audits("tutorial.created", tutorialId(slug))).toBe(1);
  });

  it("a form without targets, or with an unknown one, is refused naming the field, and nothing changes", async () => {
    const before = contentDigest(db.$client);
    for (const [over, field] of [
      [{ targets: [] }, "targets"],
      [{ targets: ["no-such-target"] }, "targets"],
      [{ personas: [] }, "personas"],
      [{ title: "" }, "title"],
      [{ body: "x".repeat(100_001) }, "body"],
      [{ bountyId: "abc" }, "bountyId"],
    ] as const) {
      const res = await call(newPage.action, "/tutorials/new", {}, post(documenter.cookie, fields(over)));
      expect(res.status, field).toBe(400);
      expect(Object.keys((await json(res)).fieldErrors ?? {}), field).toEqual([field]);
    }
    expect(contentDigest(db.$client)).toBe(before);
  });

  it("a draft is seen only by its authors, SSC members and admins; anyone else gets 404", async () => {
    const slug = await createDraft(documenter, { title: "A private draft" });
    expect((await view(null, slug)).status).toBe(404);
    expect((await view(stranger, slug)).status).toBe(404);
    expect((await view(documenter, slug)).status).toBe(200);
    expect((await view(ssc, slug)).status).toBe(200);
    expect((await view(admin, slug)).status).toBe(200);
    // and nobody else may act on it or edit it either
    expect((await act(stranger, slug, "submit")).status).toBe(404);
    expect((await edit(stranger, slug)).status).toBe(404);
  });
});

describe("review and publication", () => {
  it("draft → in review → published, by an SSC member who did not write it; each move audited", async () => {
    const slug = await createDraft(documenter, { title: "Publish me" });
    const id = tutorialId(slug);
    expect((await act(documenter, slug, "publish")).status).toBe(403); // not a reviewer
    expect((await act(ssc, slug, "publish")).status).toBe(409); // a draft is not in review
    expect((await act(stranger, slug, "submit")).status).toBe(404);
    expect((await act(documenter, slug, "submit")).status).toBe(302);
    const before = contentDigest(db.$client);
    const refused = await act(documenter, slug, "publish");
    expect(refused.status).toBe(403);
    expect((await json(refused)).message).toMatch(/Only SSC members and admins publish/);
    expect(contentDigest(db.$client)).toBe(before);
    expect((await act(ssc, slug, "publish")).status).toBe(302);
    expect(q<{ status: string; published_by_user_id: number }>("select status, published_by_user_id from tutorials where id = ?", id)).toEqual({
      status: "published",
      published_by_user_id: ssc.user.id,
    });
    expect([audits("tutorial.submit", id), audits("tutorial.publish", id)]).toEqual([1, 1]);
    expect((await view(null, slug)).status).toBe(200);
  });

  it("an SSC member cannot publish their own tutorial; another one can", async () => {
    const slug = await createDraft(sscAuthor, { title: "Written by the SSC" });
    await act(sscAuthor, slug, "submit");
    const res = await act(sscAuthor, slug, "publish");
    expect(res.status).toBe(403);
    expect((await json(res)).message).toMatch(/Someone other than its authors/);
    expect(q<{ status: string }>("select status from tutorials where slug = ?", slug).status).toBe("in_review");
    expect((await act(ssc, slug, "publish")).status).toBe(302);
  });

  it("an admin who edits a draft becomes one of its authors, and can no longer publish it", async () => {
    const slug = await createDraft(documenter, { title: "Fixed by an admin" });
    expect((await edit(admin, slug, { title: "Fixed by an admin", body: `${BODY}\nA fix.\n` })).status).toBe(302);
    await act(documenter, slug, "submit");
    expect((await act(admin, slug, "publish")).status).toBe(403);
    const page = await json(await view(ssc, slug));
    expect((page.tutorial as { authors: { username: string }[] }).authors.map((a) => a.username)).toEqual([documenter.user.username, admin.user.username]);
  });

  it("sending back and unpublishing need a reason; unpublished, it is hidden again", async () => {
    const slug = await createDraft(documenter, { title: "Short lived" });
    await act(documenter, slug, "submit");
    expect((await act(ssc, slug, "send_back")).status).toBe(422);
    expect((await act(ssc, slug, "send_back", { reason: "Add the agent's configuration." })).status).toBe(302);
    await act(documenter, slug, "submit");
    await act(ssc, slug, "publish");
    expect((await act(documenter, slug, "unpublish", { reason: "mine" })).status).toBe(403);
    expect((await act(ssc, slug, "unpublish")).status).toBe(422);
    expect((await act(ssc, slug, "unpublish", { reason: "It describes a removed flag." })).status).toBe(302);
    expect(q<{ status: string; unpublished_reason: string }>("select status, unpublished_reason from tutorials where slug = ?", slug)).toEqual({
      status: "unpublished",
      unpublished_reason: "It describes a removed flag.",
    });
    expect((await view(null, slug)).status).toBe(404);
  });
});

describe("revisions", () => {
  it("every save is a revision; an unchanged save is refused; the history shows a line diff between any two", async () => {
    const slug = await createDraft(documenter, { title: "Revised often" });
    expect((await edit(documenter, slug, { title: "Revised often" })).status).toBe(422);
    expect(
      (await edit(documenter, slug, { title: "Revised often", body: BODY.replace("Run the server.", "Start the server first."), note: "clearer" })).status,
    ).toBe(302);
    expect(
      (await edit(documenter, slug, { title: "Revised often", body: `${BODY.replace("Run the server.", "Start the server first.")}\n## Check it\n` })).status,
    ).toBe(302);
    expect(q<{ n: number }>("select count(*) as n from tutorial_revisions where tutorial_id = ?", tutorialId(slug)).n).toBe(3);
    const res = await call(historyPage.loader, `/tutorials/${slug}/history?from=1&to=3`, { slug }, get(documenter.cookie));
    const history = (await json(res)) as {
      revisions: { number: number; note: string | null }[];
      diff: { rows: { kind: string; text?: string }[]; added: number; removed: number };
    };
    expect(history.revisions.map((r) => [r.number, r.note])).toEqual([
      [3, null],
      [2, "clearer"],
      [1, null],
    ]);
    expect(history.diff.rows).toContainEqual(expect.objectContaining({ kind: "removed", text: "Run the server." }));
    expect(history.diff.rows).toContainEqual(expect.objectContaining({ kind: "added", text: "Start the server first." }));
    expect(history.diff.rows).toContainEqual(expect.objectContaining({ kind: "added", text: "## Check it" }));
    expect((await call(historyPage.loader, `/tutorials/${slug}/history?from=9`, { slug }, get(documenter.cookie))).status).toBe(400);
    expect((await call(historyPage.loader, `/tutorials/${slug}/history`, { slug }, get(null))).status).toBe(404);
  });

  it("a revision cannot be rewritten or deleted", () => {
    expect(() => db.$client.prepare("update tutorial_revisions set body = 'x'").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from tutorial_revisions").run()).toThrow(/append-only/);
  });

  it("only its authors and admins edit it (403 for an SSC member who may read it)", async () => {
    const slug = await createDraft(documenter, { title: "Not yours" });
    expect((await call(editPage.loader, `/tutorials/${slug}/edit`, { slug }, get(ssc.cookie))).status).toBe(403);
    expect((await edit(ssc, slug, { body: "replaced" })).status).toBe(403);
    expect((await call(editPage.loader, `/tutorials/${slug}/edit`, { slug }, get(documenter.cookie))).status).toBe(200);
  });
});

describe("the history page and the review buttons, exactly", () => {
  it("compares the newest revision with the one before by default; one revision, or the same twice, shows no diff; a bad number is a 400 naming its parameter", async () => {
    const slug = await createDraft(documenter, { title: "History edges" });
    const history = async (query: string) => call(historyPage.loader, `/tutorials/${slug}/history${query}`, { slug }, get(documenter.cookie));
    const picked = async (query: string) => {
      const h = (await json(await history(query))) as { from: number; to: number; diff: unknown };
      return [h.from, h.to, h.diff === null ? "no diff" : "diff"];
    };
    expect(await picked("")).toEqual([1, 1, "no diff"]);
    for (const line of ["Run it.", "Run it now."])
      expect((await edit(documenter, slug, { title: "History edges", body: BODY.replace("Run the server.", line) })).status).toBe(302);
    expect(await picked("")).toEqual([2, 3, "diff"]);
    expect(await picked("?from=&to=")).toEqual([2, 3, "diff"]);
    expect(await picked("?from=1")).toEqual([1, 3, "diff"]);
    expect(await picked("?to=2")).toEqual([2, 2, "no diff"]);
    expect(await picked("?from=3&to=3")).toEqual([3, 3, "no diff"]);
    const refused: [string, string][] = [
      ["?from=abc", 'from: "abc" is not a revision of this tutorial (1 to 3).'],
      ["?to=4", 'to: "4" is not a revision of this tutorial (1 to 3).'],
      ["?from=%202", 'from: " 2" is not a revision of this tutorial (1 to 3).'],
      ["?from=2%20", 'from: "2 " is not a revision of this tutorial (1 to 3).'],
      [`?to=${"9".repeat(30)}`, `to: "${"9".repeat(20)}" is not a revision of this tutorial (1 to 3).`],
    ];
    for (const [query, message] of refused) {
      const res = await history(query);
      expect(res.status, query).toBe(400);
      expect((await json(res)).message).toBe(message);
    }
  });

  it("offers each viewer the buttons they may press, and a refused move answers with its sentence and the form's empty field errors", async () => {
    const slug = await createDraft(documenter, { title: "Buttons" });
    const controls = async (who: Person) => {
      const page = (await json(await view(who, slug))) as { canEdit: boolean; intents: string[] };
      return [page.canEdit, page.intents];
    };
    expect(await controls(documenter)).toEqual([true, ["submit"]]);
    expect(await controls(admin)).toEqual([true, []]);
    const before = contentDigest(db.$client);
    const early = await act(ssc, slug, "publish");
    expect(early.status).toBe(409);
    expect(await json(early)).toEqual({ fieldErrors: {}, message: "You can't publish a tutorial that is a draft." });
    const unknown = await act(documenter, slug, "dance");
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toBe("Unknown action.");
    expect(contentDigest(db.$client)).toBe(before);
  });
});

describe("the tutorial bounty", () => {
  const seededBounty = () => q<{ id: number }>("select id from bounties where seed_key = 'tutorial:istio'").id;

  it("is completed when the tutorial that answers it is published, credited to its author, with a timeline event and an audit record", async () => {
    const bountyId = seededBounty();
    const slug = await createDraft(documenter, { title: "Istio with SPIRE", targets: ["istio"], bountyId: String(bountyId) });
    await act(documenter, slug, "submit");
    expect(getBounty(db, bountyId)!.status).toBe("open");
    await act(ssc, slug, "publish");
    const bounty = getBounty(db, bountyId)!;
    expect(bounty).toMatchObject({ status: "completed", completedByUserId: documenter.user.id });
    expect(bounty.events[0]).toMatchObject({ type: "completed", actorUserId: ssc.user.id });
    expect(bounty.events[0]!.note).toContain("Istio with SPIRE");
    expect(audits("bounty.completed_by_publication", bountyId)).toBe(1);
  });

  it("must be a tutorial bounty on one of its targets, and not one someone else has claimed", async () => {
    const cilium = q<{ id: number }>("select id from bounties where seed_key = 'tutorial:cilium'").id;
    const docsBounty = q<{ id: number }>("select id from bounties where kind <> 'tutorial' and status = 'open' limit 1").id;
    for (const [over, message] of [
      [{ targets: ["envoy"], bountyId: String(cilium) }, /one of the tutorial's targets/],
      [{ targets: ["envoy"], bountyId: String(docsBounty) }, /open tutorial bounty/],
    ] as const) {
      const res = await call(newPage.action, "/tutorials/new", {}, post(documenter.cookie, fields(over)));
      expect(res.status).toBe(400);
      expect((await json(res)).fieldErrors?.bountyId).toMatch(message);
    }
    applyIntent(db, webBountyActor({ ...stranger.user, roles: [] }), cilium, "claim");
    const res = await call(newPage.action, "/tutorials/new", {}, post(documenter.cookie, fields({ targets: ["cilium"], bountyId: String(cilium) })));
    expect((await json(res)).fieldErrors?.bountyId).toMatch(/Someone else holds a claim/);
  });
});

describe("a tutorial bounty someone claimed", () => {
  /** Open tutorial bounties not used by the tests above, with their target's slug. */
  const spareBounties = () =>
    db.$client
      .prepare(
        "select b.id, t.slug from bounties b join targets t on t.id = b.target_id where b.seed_key like 'tutorial:%' and b.seed_key not in ('tutorial:istio', 'tutorial:cilium') and b.status = 'open' order by b.id",
      )
      .all() as { id: number; slug: string }[];
  const claimOf = (bountyId: number) =>
    q<{ user_id: number; end_reason: string | null } | undefined>(
      "select user_id, end_reason from claims where bounty_id = ? order by id desc limit 1",
      bountyId,
    );

  it("is left alone when someone else claimed it after the draft was written: publishing does not complete it over their claim", async () => {
    const [spare] = spareBounties();
    const slug = await createDraft(documenter, { title: `Over a claim ${spare!.slug}`, targets: [spare!.slug], bountyId: String(spare!.id) });
    applyIntent(db, webBountyActor({ ...stranger.user, roles: [] }), spare!.id, "claim");
    await act(documenter, slug, "submit");
    expect((await act(ssc, slug, "publish")).status).toBe(302);
    expect(q<{ status: string }>("select status from tutorials where slug = ?", slug).status).toBe("published");
    expect(getBounty(db, spare!.id)).toMatchObject({ status: "claimed", completedByUserId: null });
    expect(claimOf(spare!.id)).toMatchObject({ user_id: stranger.user.id, end_reason: null });
    expect(audits("bounty.completed_by_publication", spare!.id)).toBe(0);
  });

  it("is completed when its author holds the claim: the claim ends as completed, and the author (not the publisher) is told", async () => {
    const [, spare] = spareBounties();
    const slug = await createDraft(documenter, { title: `Own claim ${spare!.slug}`, targets: [spare!.slug], bountyId: String(spare!.id) });
    applyIntent(db, webBountyActor({ ...documenter.user, roles: [] }), spare!.id, "claim");
    await act(documenter, slug, "submit");
    await act(ssc, slug, "publish");
    expect(getBounty(db, spare!.id)).toMatchObject({ status: "completed", completedByUserId: documenter.user.id, completedByGithubLogin: null });
    expect(claimOf(spare!.id)).toMatchObject({ user_id: documenter.user.id, end_reason: "completed" });
    const audit = q<{ before_json: string; after_json: string; entity_type: string }>(
      "select before_json, after_json, entity_type from audit_log where action = 'bounty.completed_by_publication' and entity_id = ?",
      String(spare!.id),
    );
    expect(audit.entity_type).toBe("bounty");
    expect(JSON.parse(audit.before_json)).toEqual({ status: "claimed" });
    expect(JSON.parse(audit.after_json)).toEqual({ status: "completed", credit: documenter.user.id });
    const event = getBounty(db, spare!.id)!.events[0]!;
    expect(event).toMatchObject({ type: "completed" });
    expect(JSON.parse(event.linksJson!)).toEqual([expect.stringMatching(new RegExp(`/tutorials/${slug}$`))]);
    const told = (userId: number) =>
      db.$client.prepare("select title, link from notifications where user_id = ? and kind = 'work_completed'").all(userId) as {
        title: string;
        link: string;
      }[];
    expect(told(documenter.user.id)).toContainEqual({ title: `Your work is completed: ${getBounty(db, spare!.id)!.title}`, link: `/bounties/${spare!.id}` });
    expect(told(ssc.user.id)).toEqual([]);
  });

  it("that is already completed stays as it was when another tutorial for it is published", async () => {
    const [, , spare] = spareBounties();
    const first = await createDraft(documenter, { title: `First ${spare!.slug}`, targets: [spare!.slug], bountyId: String(spare!.id) });
    const second = await createDraft(stranger, { title: `Second ${spare!.slug}`, targets: [spare!.slug], bountyId: String(spare!.id) });
    await act(documenter, first, "submit");
    await act(stranger, second, "submit");
    await act(ssc, first, "publish");
    await act(ssc, second, "publish");
    expect(getBounty(db, spare!.id)).toMatchObject({ status: "completed", completedByUserId: documenter.user.id });
    expect(audits("bounty.completed_by_publication", spare!.id)).toBe(1);
  });
});

describe("translations", () => {
  let slug = "";
  const tPath = (lang: string) => `/tutorials/${slug}/translations/${lang}`;
  const translate = (who: Person, lang: string, over: Record<string, string> = {}) =>
    call(
      translationEdit.action,
      `${tPath(lang)}/edit`,
      { slug, lang },
      post(who.cookie, {
        title: "Envoy und SPIRE",
        summary: "Envoy holt seine Zertifikate von SPIRE.",
        body: "## SPIRE installieren\n\nDen Server starten.\n",
        note: "",
        ...over,
      }),
    );
  const actOn = (who: Person, lang: string, intent: string) => call(translationPage.action, tPath(lang), { slug, lang }, post(who.cookie, { intent }));
  const read = (who: Person | null, lang: string) => call(translationPage.loader, tPath(lang), { slug, lang }, get(who?.cookie ?? null));

  beforeAll(async () => {
    slug = await createDraft(documenter, { title: "To be translated" });
  });

  it("only a published tutorial can be translated", async () => {
    expect((await translate(translator, "de")).status).toBe(404);
    await act(documenter, slug, "submit");
    await act(ssc, slug, "publish");
  });

  it("the language must be a BCP 47 tag: the translate form names the field; the URL answers 404", async () => {
    const before = contentDigest(db.$client);
    const res = await act(translator, slug, "translate", { lang: "german!" });
    expect(res.status).toBe(400);
    expect((await json(res)).fieldErrors?.lang).toMatch(/not a language tag/);
    const missing = await translate(translator, "not_a_tag");
    expect(missing.status).toBe(404);
    expect((await json(missing)).message).toBe("There is no such translation.");
    expect(contentDigest(db.$client)).toBe(before);
    const ok = await act(translator, slug, "translate", { lang: "DE" });
    expect(ok.headers.get("location")).toBe(`/tutorials/${slug}/translations/de/edit`);
    // a tag spelled otherwise is sent to its canonical spelling
    const redirect = await call(translationEdit.loader, `/tutorials/${slug}/translations/de-ch/edit`, { slug, lang: "de-ch" }, get(translator.cookie));
    expect(redirect.headers.get("location")).toBe(`/tutorials/${slug}/translations/de-CH/edit`);
  });

  it("a translation records the source revision it was made from, and follows the same review rules", async () => {
    expect((await translate(translator, "de")).status).toBe(302);
    const row = q<{ status: string; source_revision_id: number; current: number }>(
      "select t.status, r.source_revision_id, s.current_revision_id as current from tutorials t join tutorial_revisions r on r.id = t.current_revision_id join tutorials s on s.id = t.source_tutorial_id where s.slug = ? and t.lang = 'de'",
      slug,
    );
    expect(row).toMatchObject({ status: "draft" });
    expect(row.source_revision_id).toBe(row.current);
    // someone else's draft translation: they cannot see it, and cannot start a second one
    const second = await translate(stranger, "de");
    expect(second.status).toBe(409);
    expect((await json(second)).message).toMatch(/already/);
    expect((await translate(translator, "de")).status).toBe(422); // nothing changed
    expect((await read(null, "de")).status).toBe(404);
    expect((await actOn(translator, "de", "submit")).status).toBe(302);
    expect((await actOn(translator, "de", "publish")).status).toBe(403);
    expect((await actOn(ssc, "de", "publish")).status).toBe(302);
    expect((await read(null, "de")).status).toBe(200);
    const list = await json(await call(listPage.loader, "/tutorials?lang=de", {}, get(null)));
    expect((list.cards as { slug: string; lang: string; outdated: boolean }[]).find((c) => c.slug === slug)).toMatchObject({ lang: "de", outdated: false });
  });

  it("a second translation into the same language is refused: improve the first", () => {
    const text = { title: "Noch eine", summary: "Zweite", body: "Text" };
    expect(() => startTranslation(db, webBountyActor({ ...stranger.user, roles: [] }), tutorialId(slug), "de", text)).toThrow(/already/);
    expect(() => startTranslation(db, webBountyActor({ ...stranger.user, roles: [] }), tutorialId(slug), "en", text)).toThrow(/written in that language/);
  });

  it("when the source is revised the translation is outdated, showing the source's diff, until the translator brings it up to date", async () => {
    expect(
      (await edit(documenter, slug, { title: "To be translated", body: BODY.replace("Create an entry.", "Create a registration entry for Envoy.") })).status,
    ).toBe(302);
    const page = await json(await read(null, "de"));
    const freshness = page.freshness as { outdated: boolean; translatedFrom: number; sourceNow: number; diff: { rows: { kind: string; text?: string }[] } };
    expect(freshness).toMatchObject({ outdated: true, translatedFrom: 1, sourceNow: 2 });
    expect(freshness.diff.rows).toContainEqual(expect.objectContaining({ kind: "removed", text: "Create an entry." }));
    expect(freshness.diff.rows).toContainEqual(expect.objectContaining({ kind: "added", text: "Create a registration entry for Envoy." }));
    const list = await json(await call(listPage.loader, "/tutorials?lang=de", {}, get(null)));
    const coverage = (list.coverage as { rows: { lang: string; upToDate: number; outdated: number; missing: number }[] }).rows.find((r) => r.lang === "de")!;
    expect(coverage.outdated).toBe(1);
    const source = await json(await view(null, slug));
    expect((source.translations as { lang: string; outdated: boolean }[])[0]).toMatchObject({ lang: "de", outdated: true });

    const told = q<{ title: string; link: string } | undefined>(
      "select title, link from notifications where user_id = ? and kind = 'watched_change' order by id desc",
      translator.user.id,
    );
    expect(told).toEqual({ title: "Your translation (de) is outdated: To be translated", link: `/tutorials/${slug}/translations/de` });

    expect((await translate(translator, "de", { body: "## SPIRE installieren\n\nDen Server starten. Einen Eintrag für Envoy anlegen.\n" })).status).toBe(302);
    const after = await json(await read(null, "de"));
    expect(after.freshness).toMatchObject({ outdated: false, translatedFrom: 2, sourceNow: 2 });
    const list2 = await json(await call(listPage.loader, "/tutorials?lang=de", {}, get(null)));
    const coverage2 = list2.coverage as { published: number; rows: { lang: string; upToDate: number; outdated: number; missing: number }[] };
    const row = coverage2.rows.find((r) => r.lang === "de")!;
    expect(row).toMatchObject({ upToDate: 1, outdated: 0 });
    expect(row.missing).toBe(coverage2.published - 1); // every other published tutorial is missing in German
  });

  it("the tutorial page offers the reader's languages from Accept-Language, and every translation", async () => {
    const page = await view(null, slug, { "Accept-Language": "de-CH, fr;q=0.8" });
    expect(page.headers.get("Vary")).toMatch(/Accept-Language/);
    const data = await json(page);
    expect(data.yours).toEqual([{ lang: "de", name: "German" }]);
    expect((await json(await view(null, slug, { "Accept-Language": "ja" }))).yours).toEqual([]);
  });

  it("the Atom feed lists new tutorials, and with ?lang their translations", async () => {
    const all = await (await call(feed.loader, "/tutorials.atom", {}, get(null))).text();
    expect(all).toContain("<title>To be translated (Envoy)</title>");
    expect(all).not.toContain("Publish me</title>".replace("Publish me", "A private draft"));
    const de = await (await call(feed.loader, "/tutorials.atom?lang=de", {}, get(null))).text();
    expect(de).toContain(`/tutorials/${slug}/translations/de</id>`);
    expect((await call(feed.loader, "/tutorials.atom?lang=%3Cx%3E", {}, get(null))).status).toBe(400);
  });

  it("the list refuses a target that is not in the catalog, as the bounty board does", async () => {
    const res = await call(listPage.loader, "/tutorials?target=nope", {}, get(null));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'target: "nope" is not a target in the catalog.' });
    expect((await call(listPage.loader, "/tutorials?target=envoy", {}, get(null))).status).toBe(200);
  });

  it("tells the road-to-done ladder, per target, where its published tutorial and translation are", () => {
    const envoy = q<{ id: number }>("select id from targets where slug = 'envoy'").id;
    const kafka = q<{ id: number }>("select id from targets where slug = 'kafka'").id;
    const facts = publishedTutorialFacts([envoy, kafka], db);
    expect(facts.get(envoy)?.publishedTutorialUrl).toMatch(/^\/tutorials\//);
    expect(facts.get(envoy)?.translatedTutorialUrl).toBe(`/tutorials/${slug}/translations/de`);
    expect(facts.has(kafka)).toBe(false);
  });
});

describe("Markdown from users stays safe", () => {
  const hostile = '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))\n\n<a href="javascript:alert(2)">raw</a>\n';
  const isSafe = (html: string) => {
    expect(html).not.toMatch(/<script|<img|href="javascript|<a href="javascript/i);
    expect(html).toContain("&lt;script&gt;");
  };

  it("in tutorials and in translations, as stored and as served", async () => {
    const slug = await createDraft(documenter, { title: "Hostile", body: hostile });
    await act(documenter, slug, "submit");
    await act(ssc, slug, "publish");
    isSafe(((await json(await view(null, slug))).tutorial as { revision: { bodyHtml: string } }).revision.bodyHtml);
    const res = await call(
      translationEdit.action,
      `/tutorials/${slug}/translations/fr/edit`,
      { slug, lang: "fr" },
      post(translator.cookie, { title: "Hostile", summary: "Résumé", body: hostile, note: "" }),
    );
    expect(res.status).toBe(302);
    const stored = q<{ body_html: string }>(
      "select r.body_html from tutorials t join tutorial_revisions r on r.id = t.current_revision_id where t.lang = 'fr' and t.source_tutorial_id = ?",
      tutorialId(slug),
    );
    isSafe(stored.body_html);
  });
});

describe("the seed's tutorials", () => {
  it("are published for Envoy, Ghostunnel and spiffe-helper, listed on their targets' pages, and never written over", async () => {
    const seeded = db.$client.prepare("select slug, status from tutorials where seed_key is not null order by id").all() as { slug: string; status: string }[];
    expect(seeded).toHaveLength(3);
    expect(seeded.every((t) => t.status === "published")).toBe(true);
    const envoy = seeded.find((t) => t.slug.startsWith("envoy"))!.slug;
    expect((await edit(admin, envoy, { title: "Envoy with SPIRE's SDS (edited)", targets: ["envoy", "spire"], personas: ["sysadmin"] })).status).toBe(302);
    expect(seedCatalog(db).tutorials).toBe(0);
    expect(
      q<{ title: string }>("select r.title from tutorials t join tutorial_revisions r on r.id = t.current_revision_id where t.slug = ?", envoy).title,
    ).toBe("Envoy with SPIRE's SDS (edited)");
    const target = await json(await call(targetLoader, "/targets/ghostunnel", { slug: "ghostunnel" }, get(null)));
    expect((target.tutorials as { title: string }[]).map((t) => t.title)).toContain("Ghostunnel with SPIRE: mutual TLS for a plain-TCP service");
  });
});

describe("tutorials, in the model", () => {
  const actor = (p: Person) => webBountyActor({ ...p.user, roles: p.user.roles });
  const text = { title: "Model Tutorial", summary: "You will have SPIRE issuing SVIDs to Envoy.", body: "## Steps\n\nRun it.\n" };
  const purpose = { targetSlugs: ["envoy"], personas: ["sysadmin" as const] };
  const write = (who: Person, over: Partial<Parameters<typeof createTutorial>[2]> = {}) => createTutorial(db, actor(who), { ...text, ...purpose, ...over });
  const newest = (userId: number) =>
    db.$client.prepare("select kind, title, body, link from notifications where user_id = ? order by id desc limit 1").get(userId) as
      Record<string, string> | undefined;
  const lastAudit = (id: number) => listAudit(db, { entityType: "tutorial", entityId: String(id) })[0]!;

  it("refuses text and purpose it cannot keep, naming the field and the rule", () => {
    const cases: [Partial<Parameters<typeof createTutorial>[2]>, string][] = [
      [{ title: "  " }, "Fill in the title."],
      [{ title: "x".repeat(TITLE_MAX + 1) }, `The title is at most ${TITLE_MAX} characters.`],
      [{ summary: " " }, "Fill in the summary: a sentence on what the reader will have running."],
      [{ summary: "x".repeat(SUMMARY_MAX + 1) }, `The summary is at most ${SUMMARY_MAX} characters.`],
      [{ body: "\n" }, "Write the tutorial itself (Markdown)."],
      [{ body: "x".repeat(BODY_MAX + 1) }, "The tutorial is at most 100,000 characters."],
      [{ note: "x".repeat(NOTE_MAX + 1) }, `The note on what changed is at most ${NOTE_MAX} characters.`],
      [{ targetSlugs: [] }, "Choose at least one target the tutorial is for."],
      [{ targetSlugs: ["envoy", "no-such-target"] }, "Choose the targets from the list."],
      [{ personas: [] }, "Choose at least one persona the tutorial is for."],
      [{ personas: ["wizard" as never] }, "Choose the personas from the list."],
    ];
    const before = contentDigest(db.$client);
    for (const [over, message] of cases) expect(() => write(documenter, over), message).toThrow(message);
    expect(contentDigest(db.$client)).toBe(before);
    const many = db.$client
      .prepare("select slug from targets limit ?")
      .pluck()
      .all(TARGETS_MAX + 1) as string[];
    expect(() => write(documenter, { targetSlugs: many })).toThrow(`Choose at most ${TARGETS_MAX} targets.`);
    expect(() => write(documenter, { targetSlugs: many.slice(0, TARGETS_MAX), title: "Ten targets are fine" })).not.toThrow();
    expect(() => createTutorial(db, { userId: null, label: "Club Zero", source: "system", roles: [] }, { ...text, ...purpose })).toThrow(
      "Sign in to write tutorials.",
    );
    expect(() => write(documenter, { title: "x".repeat(TITLE_MAX), body: "x".repeat(10) })).not.toThrow();
  });

  it("makes each slug from the title, unique with -2, never a reserved one, and 'tutorial' when the title has no letters; records who created it", () => {
    const first = write(documenter, { title: "Slug Check" });
    const second = write(documenter, { title: "Slug Check" });
    expect([first.slug, second.slug]).toEqual(["slug-check", "slug-check-2"]);
    expect(write(documenter, { title: "New" }).slug).toBe("new-2");
    expect(write(documenter, { title: "!!!" }).slug).toMatch(/^tutorial(-\d+)?$/);
    const audit = lastAudit(second.id);
    expect(audit.action).toBe("tutorial.created");
    expect(JSON.parse(audit.afterJson!)).toEqual({ slug: "slug-check-2", revision: 1 });
  });

  it("tells reviewers (never an author) of a submission, and the authors of each decision in words, with its audit record", () => {
    const draft = write(sscAuthor, { title: "Told Of Each Step" });
    const link = `/tutorials/${draft.slug}`;
    actOnTutorial(db, actor(sscAuthor), draft.id, "submit");
    expect(newest(ssc.user.id)).toEqual({
      kind: "review_needed",
      title: "A tutorial waits for review: Told Of Each Step",
      body: `@${sscAuthor.user.username} sent "Told Of Each Step" for review. Publish it, or send it back with what needs doing.`,
      link,
    });
    expect(newest(sscAuthor.user.id)?.title).not.toBe("A tutorial waits for review: Told Of Each Step");
    expect(lastAudit(draft.id)).toMatchObject({ action: "tutorial.submit", beforeJson: '{"status":"draft"}', afterJson: '{"status":"in_review"}' });

    actOnTutorial(db, actor(ssc), draft.id, "send_back", "  Add the SPIRE version.  ");
    expect(newest(sscAuthor.user.id)).toEqual({
      kind: "work_sent_back",
      title: "Sent back: Told Of Each Step",
      body: `@${ssc.user.username} sent back "Told Of Each Step". They said: "Add the SPIRE version."`,
      link,
    });
    expect(JSON.parse(lastAudit(draft.id).afterJson!)).toEqual({ status: "draft", reason: "Add the SPIRE version." });

    actOnTutorial(db, actor(sscAuthor), draft.id, "submit");
    actOnTutorial(db, actor(ssc), draft.id, "publish");
    expect(newest(sscAuthor.user.id)).toEqual({
      kind: "work_completed",
      title: "Published: Told Of Each Step",
      body: `@${ssc.user.username} published "Told Of Each Step".`,
      link,
    });
    const published = q<{ published_at: number; first_published_at: number; published_by_user_id: number }>(
      "select published_at, first_published_at, published_by_user_id from tutorials where id = ?",
      draft.id,
    );
    expect(published.published_by_user_id).toBe(ssc.user.id);

    expect(() => actOnTutorial(db, actor(ssc), draft.id, "unpublish", "x".repeat(NOTE_MAX + 1))).toThrow(`The reason is at most ${NOTE_MAX} characters.`);
    expect(() => actOnTutorial(db, actor(ssc), draft.id, "unpublish", "   ")).toThrow("Say why, so the authors know what to do next.");
    actOnTutorial(db, actor(ssc), draft.id, "unpublish", "x".repeat(NOTE_MAX), published.published_at + 10);
    expect(newest(sscAuthor.user.id)).toMatchObject({ kind: "work_sent_back", title: "Unpublished: Told Of Each Step" });
    expect(newest(sscAuthor.user.id)!.body).toMatch(new RegExp(`^@${ssc.user.username} unpublished "Told Of Each Step"\\. They said: "x{${NOTE_MAX}}"$`));
    expect(q<{ unpublished_reason: string }>("select unpublished_reason from tutorials where id = ?", draft.id).unpublished_reason).toBe("x".repeat(NOTE_MAX));

    // published again later, it keeps the date it was first published
    actOnTutorial(db, actor(sscAuthor), draft.id, "submit", null, published.published_at + 20);
    actOnTutorial(db, actor(ssc), draft.id, "publish", null, published.published_at + 30);
    const again = q<{ published_at: number; first_published_at: number; unpublished_reason: string | null }>(
      "select published_at, first_published_at, unpublished_reason from tutorials where id = ?",
      draft.id,
    );
    expect(again).toEqual({ published_at: published.published_at + 30, first_published_at: published.first_published_at, unpublished_reason: null });
  });

  it("a translation cannot be published while the tutorial it translates is not", () => {
    const source = write(documenter, { title: "Source For Translation" });
    actOnTutorial(db, actor(documenter), source.id, "submit");
    actOnTutorial(db, actor(ssc), source.id, "publish");
    const translation = startTranslation(db, actor(translator), source.id, "fr", { title: "Traduction", summary: "Un résumé.", body: "## Étapes\n" });
    actOnTutorial(db, actor(translator), translation.id, "submit");
    actOnTutorial(db, actor(ssc), source.id, "unpublish", "Out of date.");
    const before = contentDigest(db.$client);
    expect(() => actOnTutorial(db, actor(ssc), translation.id, "publish")).toThrow(
      "The tutorial it translates is not published, so neither can the translation be.",
    );
    expect(contentDigest(db.$client)).toBe(before);
  });
});

describe("what is in the works", () => {
  const actor = (p: Person) => webBountyActor({ ...p.user, roles: p.user.roles });
  const input = (title: string) => ({
    title,
    summary: "You will have it running.",
    body: "## Steps\n",
    targetSlugs: ["envoy"],
    personas: ["sysadmin" as const],
  });

  it("a writer sees their own unpublished work, newest first; a reviewer also sees what waits for review, oldest first; nobody else's drafts", async () => {
    const writer = await person();
    const reviewer = await person(["ssc"]);
    const t0 = Date.now();
    const older = createTutorial(db, actor(writer), input("Works Older"), t0);
    const newer = createTutorial(db, actor(writer), input("Works Newer"), t0 + 1_000);
    const done = createTutorial(db, actor(writer), input("Works Done"), t0 + 2_000);
    actOnTutorial(db, actor(writer), done.id, "submit", null, t0 + 3_000);
    actOnTutorial(db, actor(reviewer), done.id, "publish", null, t0 + 4_000);
    actOnTutorial(db, actor(writer), older.id, "submit", null, t0 + 5_000);

    const mine = listWork(db, { userId: writer.user.id, roles: [] });
    expect(mine.mine).toEqual([
      { title: "Works Older", link: `/tutorials/${older.slug}`, status: "in_review", lang: "en" },
      { title: "Works Newer", link: `/tutorials/${newer.slug}`, status: "draft", lang: "en" },
    ]);
    expect(mine.waiting).toEqual([]);
    const forReviewer = listWork(db, { userId: reviewer.user.id, roles: ["ssc"] });
    expect(forReviewer.mine).toEqual([]);
    expect(forReviewer.waiting).toContainEqual({ title: "Works Older", link: `/tutorials/${older.slug}`, lang: "en" });
    expect(forReviewer.waiting.map((w) => w.title)).not.toContain("Works Newer");
    expect(listWork(db, { userId: null, roles: [] })).toEqual({ mine: [], waiting: [] });
  });

  it("the bounty menu offers open tutorial bounties only; a diff needs both revisions to exist", async () => {
    const options = listTutorialBountyOptions(db);
    const kinds = db.$client.prepare(`select distinct kind, status from bounties where id in (${options.map((o) => o.id).join(",")})`).all() as {
      kind: string;
      status: string;
    }[];
    expect(options.length).toBeGreaterThan(0);
    expect(kinds.every((k) => k.kind === "tutorial" && ["open", "claimed", "in_progress", "in_review"].includes(k.status))).toBe(true);
    expect(options.map((o) => o.title)).toEqual([...options.map((o) => o.title)].sort());
    const writer = await person();
    const t = createTutorial(db, actor(writer), input("Diffed"));
    expect(diffRevisions(db, t.id, 1, 2)).toBeNull();
    expect(diffRevisions(db, t.id, 2, 1)).toBeNull();
    expect(diffRevisions(db, t.id, 1, 1)).not.toBeNull();
  });
});
