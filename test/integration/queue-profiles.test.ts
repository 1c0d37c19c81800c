// The reviewers' queue and the contributors' public pages, against a real database.
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { cliActor, webPerson } from "~/app/models/audit.server";
import { applyIntent, createBounty, webBountyActor } from "~/app/models/bounties.server";
import { actOnExpense, createExpense } from "~/app/models/expenses.server";
import { recordDonation } from "~/app/models/ledger.server";
import { getSoftwareBySlug, registerPackage } from "~/app/models/packages.server";
import { getProfile } from "~/app/models/profiles.server";
import { countQueue, hasQueue, listQueue, queueAccess } from "~/app/models/queue.server";
import { suggestTarget } from "~/app/models/target-edits.server";
import { setDisabled } from "~/app/models/users.server";
import { action as queueAction, loader as queueLoader } from "~/app/routes/queue";
import { loader as profileLoader } from "~/app/routes/u.$username";
import { call } from "../support/remix";
import { cookieFor, formInit, makeUser } from "../support/users";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const trip = (title: string) =>
  ({
    kind: "pre_approval",
    title,
    event: "Meetup",
    category: "travel",
    amountCents: 1000,
    spentOn: "2026-06-01",
    description: "A trip.",
    bountyId: null,
    targetId: null,
    preApprovalId: null,
    publicRequester: false,
  }) as const;
const ledgerRows = () => db.$client.prepare("select count(*) from ledger_entries").pluck().get() as number;

recordDonation(db, cliActor, { date: "2026-01-01", donor: null, amountCents: 1_000_000, currency: "USD", reference: "QUEUE-1", note: null });

describe("the work queue", () => {
  it("lists each kind of waiting item oldest first, and only the kinds this person may act on", async () => {
    const requester = webPerson(await makeUser());
    const [sscA, sscB] = [webPerson(await makeUser(["ssc"])), webPerson(await makeUser(["ssc"]))];
    const admin = webPerson(await makeUser(["admin"]));
    const contributor = webPerson(await makeUser());
    const newer = createExpense(db, requester, trip("Queue newer"), [], true, T0 + 2 * DAY);
    const older = createExpense(db, requester, trip("Queue older"), [], true, T0 + DAY);
    const approved = createExpense(db, requester, trip("Queue approved"), [], true, T0);
    actOnExpense(db, sscA, approved.id, "approve", {}, T0 + 3 * DAY);
    actOnExpense(db, sscB, approved.id, "approve", {}, T0 + 3 * DAY);
    const kafka = db.$client.prepare("select id from targets where slug = 'kafka'").pluck().get() as number;
    const proposal = createBounty(db, webBountyActor({ ...(await makeUser()), roles: [] }), {
      targetId: kafka,
      title: "Queue proposal",
      description: "A proposal long enough to be one.",
      kind: "docs",
      personas: [],
    });

    const forSsc = listQueue(db, sscA);
    const waiting = forSsc.awaitingVote!.map((e) => e.title).filter((t) => t.startsWith("Queue"));
    expect(waiting).toEqual(["Queue older", "Queue newer"]);
    expect(forSsc.awaitingPayment!.map((e) => e.title)).toContain("Queue approved");
    expect(forSsc.proposals!.map((p) => p.id)).toContain(proposal.id);

    // admins do not vote, but pay and review
    const forAdmin = listQueue(db, admin);
    expect(forAdmin.awaitingVote).toBeNull();
    expect(forAdmin.awaitingPayment!.map((e) => e.title)).toContain("Queue approved");
    expect(forAdmin.inReview).not.toBeNull();

    // contributors have no queue at all
    expect(queueAccess(contributor)).toEqual({ bounties: false, votes: false, payments: false });
    expect(listQueue(db, contributor)).toEqual({ proposals: null, targetSuggestions: null, inReview: null, awaitingVote: null, awaitingPayment: null });
    expect(countQueue(db, contributor)).toBe(0);

    // the header's count is the sum of the lists
    const q = listQueue(db, sscA);
    expect(countQueue(db, sscA)).toBe(q.proposals!.length + q.inReview!.length + q.awaitingVote!.length + q.awaitingPayment!.length);
    // oldest by when it was filed, not by id: the older one was filed second
    expect(older.id).toBeGreaterThan(newer.id);
  });

  it("never asks someone to vote on or pay their own expense", async () => {
    const officer = webPerson(await makeUser(["ssc"]));
    const [sscA, sscB] = [webPerson(await makeUser(["ssc"])), webPerson(await makeUser(["ssc"]))];
    const own = createExpense(db, officer, trip("Queue own"), [], true);
    const ownApproved = createExpense(db, officer, trip("Queue own approved"), [], true);
    actOnExpense(db, sscA, ownApproved.id, "approve");
    actOnExpense(db, sscB, ownApproved.id, "approve");
    const q = listQueue(db, officer);
    expect(q.awaitingVote!.map((e) => e.id)).not.toContain(own.id);
    expect(q.awaitingPayment!.map((e) => e.id)).not.toContain(ownApproved.id);
    expect(listQueue(db, sscA).awaitingPayment!.map((e) => e.id)).toContain(ownApproved.id);
  });

  it("lists work in review with who submitted it, the longest-waiting first", async () => {
    const reviewer = webPerson(await makeUser(["admin"]));
    const worker = await makeUser();
    const actor = webBountyActor({ ...worker, roles: [] });
    const ids = db.$client.prepare("select id from bounties where status = 'open' order by id limit 2").pluck().all() as number[];
    for (const [i, id] of ids.entries()) {
      applyIntent(db, actor, id, "claim", {}, T0 + i * DAY);
      applyIntent(db, actor, id, "submit", { links: ["https://github.com/x/y/pull/1"] }, T0 + (5 - i) * DAY);
    }
    const inReview = listQueue(db, reviewer).inReview!.filter((b) => ids.includes(b.id));
    expect(inReview.map((b) => b.id)).toEqual([...ids].reverse());
    expect(inReview[0]!.claimant).toBe(`@${worker.username}`);
  });

  it("the header's count adds up every list the person has, suggestions and work in review included", async () => {
    const requester = webPerson(await makeUser());
    const ssc = webPerson(await makeUser(["ssc"]));
    const other = webPerson(await makeUser(["ssc"]));
    createExpense(db, requester, trip("Count vote"), [], true, T0);
    const approved = createExpense(db, requester, trip("Count pay"), [], true, T0);
    actOnExpense(db, ssc, approved.id, "approve", {}, T0 + DAY);
    actOnExpense(db, other, approved.id, "approve", {}, T0 + DAY);
    suggestTarget(db, requester, { name: "Counted Thing", category: "database", repos: [], summary: "A suggestion the count includes.", homepage: null });
    const worker = webBountyActor({ ...(await makeUser()), roles: [] });
    const open = db.$client.prepare("select id from bounties where status = 'open' order by id desc limit 1").pluck().get() as number;
    applyIntent(db, worker, open, "claim", {}, T0);
    applyIntent(db, worker, open, "submit", { links: ["https://github.com/x/y/pull/2"] }, T0 + DAY);

    const q = listQueue(db, ssc);
    const lengths = [q.proposals!, q.targetSuggestions!, q.inReview!, q.awaitingVote!, q.awaitingPayment!].map((list) => list.length);
    expect(lengths.every((n) => n > 0)).toBe(true);
    expect(countQueue(db, ssc)).toBe(lengths.reduce((sum, n) => sum + n, 0));
    // an admin has no votes to cast; their count is everything else
    const admin = webPerson(await makeUser(["admin"]));
    const forAdmin = listQueue(db, admin);
    expect(countQueue(db, admin)).toBe(
      forAdmin.proposals!.length + forAdmin.targetSuggestions!.length + forAdmin.inReview!.length + forAdmin.awaitingPayment!.length,
    );
    expect(hasQueue(admin)).toBe(true);
    expect(hasQueue(ssc)).toBe(true);
    expect(hasQueue(requester)).toBe(false);
  });

  it("GET /queue is for SSC members and admins; an admin pays from it once, and the ledger gets one entry", async () => {
    const requester = webPerson(await makeUser());
    const [sscA, sscB] = [webPerson(await makeUser(["ssc"])), webPerson(await makeUser(["ssc"]))];
    const expense = createExpense(db, requester, trip("Queue pay me"), [], true);
    actOnExpense(db, sscA, expense.id, "approve");
    actOnExpense(db, sscB, expense.id, "approve");
    const admin = await cookieFor((await makeUser(["admin"])).id);
    const contributor = await cookieFor((await makeUser()).id);

    expect((await call(queueLoader, "/queue", {}, { headers: { Cookie: contributor } })).status).toBe(403);
    const page = await call(queueLoader, "/queue", {}, { headers: { Cookie: admin } });
    expect(page.status).toBe(200);
    const data = (await page.json()) as { queue: { awaitingPayment: { id: number }[] } };
    expect(data.queue.awaitingPayment.map((e) => e.id)).toContain(expense.id);

    const before = ledgerRows();
    const missing = await call(queueAction, "/queue", {}, formInit(admin, { expenseId: String(expense.id), paymentReference: "", paidOn: "2026-06-10" }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { fieldErrors: Record<string, string> }).fieldErrors.paymentReference).toMatch(/payment reference/);
    expect(ledgerRows()).toBe(before);

    const refused = await call(
      queueAction,
      "/queue",
      {},
      formInit(contributor, { expenseId: String(expense.id), paymentReference: "X", paidOn: "2026-06-10" }),
    );
    expect(refused.status).toBe(403);
    expect(ledgerRows()).toBe(before);

    const paid = await call(queueAction, "/queue", {}, formInit(admin, { expenseId: String(expense.id), paymentReference: "EXP-1", paidOn: "2026-06-10" }));
    expect(paid.status).toBe(302);
    expect(paid.headers.get("location")).toBe("/queue");
    expect(paid.headers.get("set-cookie")).toMatch(/flash=/);
    expect(ledgerRows()).toBe(before + 1);
    const again = await call(queueAction, "/queue", {}, formInit(admin, { expenseId: String(expense.id), paymentReference: "EXP-1", paidOn: "2026-06-10" }));
    expect(again.status).toBe(302);
    expect(ledgerRows()).toBe(before + 1);
  });
});

describe("contributor pages", () => {
  it("list what a person completed, claims now and maintains, under the name they chose; never a private proposal", async () => {
    const person = await makeUser(["packager"]);
    const actor = webBountyActor(person);
    const reviewer = webBountyActor({ ...(await makeUser(["admin"])), roles: ["admin"] });
    const [done, held] = db.$client.prepare("select id from bounties where status = 'open' order by id desc limit 2").pluck().all() as number[];
    applyIntent(db, actor, done!, "claim");
    applyIntent(db, actor, done!, "submit", { links: ["https://github.com/x/y/pull/2"] });
    applyIntent(db, reviewer, done!, "complete");
    applyIntent(db, actor, held!, "claim");
    const kafka = db.$client.prepare("select id from targets where slug = 'kafka'").pluck().get() as number;
    const proposal = createBounty(db, actor, {
      targetId: kafka,
      title: "A private proposal",
      description: "Nobody else should see this one.",
      kind: "docs",
      personas: [],
    });
    const pkg = registerPackage(db, actor, {
      softwareId: getSoftwareBySlug(db, "spire-agent")!.id,
      distro: "alpine",
      release: "3.21",
      packageName: "spire-agent",
      version: "1.15.0-r0",
      url: null,
      notes: null,
      origin: "distribution",
    });

    const profile = getProfile(db, person.username.toUpperCase())!;
    expect(profile.displayName).toBe(person.displayName);
    expect(profile.completed.map((b) => b.id)).toEqual([done]);
    expect(profile.claims.map((b) => b.id)).toEqual([held]);
    expect(profile.claims.map((b) => b.id)).not.toContain(proposal.id);
    expect(profile.packages.map((p) => p.id)).toEqual([pkg.id]);

    const res = await call(profileLoader, `/u/${person.username}`, { username: person.username });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toContain("A private proposal");
  });

  it("a disabled account, or no account, has no page (404)", async () => {
    const gone = await makeUser();
    setDisabled(db, cliActor, gone.id, true);
    expect(getProfile(db, gone.username)).toBeNull();
    expect((await call(profileLoader, `/u/${gone.username}`, { username: gone.username })).status).toBe(404);
    expect((await call(profileLoader, "/u/nobody-here", { username: "nobody-here" })).status).toBe(404);
  });
});
