import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { cliActor, webPerson } from "~/app/models/audit.server";
import { createBounty, webBountyActor } from "~/app/models/bounties.server";
import { actOnExpense, createExpense, getExpenseForViewer, InvalidCitation, type ExpenseInput } from "~/app/models/expenses.server";
import { getBalance, getFundSummary, importDonationsCsv, recordDonation, reverseEntry, verifyLedger } from "~/app/models/ledger.server";
import { getTarget } from "~/app/models/targets.server";
import { loader as fundApi } from "~/app/routes/api.fund";
import { action as expenseAction, loader as expenseLoader } from "~/app/routes/expenses.$id";
import { loader as receiptLoader } from "~/app/routes/expenses.$id.receipts.$receiptId";
import { action as newExpense } from "~/app/routes/expenses.new";
import { loader as fundCsv } from "~/app/routes/fund[.]csv";
import { runCli, runCliAsync } from "../support/cli";
import { file, jpegWithComment, pdfBytes, pdfWithLateHtml, pngBytes, pngWithTextChunk, realJpeg, realPng } from "../support/files";
import { call } from "../support/remix";
import { cookieFor, makeUser } from "../support/users";

const admin = webPerson({ id: 0, username: "nobody", roles: ["admin"] });
const ledgerCount = () => (db.$client.prepare("select count(*) as n from ledger_entries").get() as { n: number }).n;
let refNo = 0;
const donate = (cents: number) =>
  recordDonation(
    db,
    { ...admin, userId: null, label: "test" },
    { date: "2026-01-15", donor: "Test Donor", amountCents: cents, currency: "USD", reference: `TEST-${++refNo}`, note: null },
  );

const baseExpense: ExpenseInput = {
  kind: "pre_approval",
  title: "Trip to a SPIFFE meetup",
  event: "Meetup",
  category: "travel",
  amountCents: 3000,
  spentOn: "2026-06-01",
  description: "Travel to speak about SPIRE.",
  bountyId: null,
  targetId: null,
  preApprovalId: null,
  publicRequester: false,
};

function multipart(cookie: string, fields: Record<string, string>, files: File[] = []): RequestInit {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append("receipts", f);
  return { method: "POST", headers: { Cookie: cookie, Origin: "http://localhost:3000" }, body: form };
}

/**
 * A multipart body streamed 64 KiB at a time with no Content-Length: `parts` text parts of
 * `partBytes` each. Reports how many bytes the server pulled.
 */
function streamedTextParts(cookie: string, parts: number, partBytes: number) {
  const boundary = "----hostile";
  const enc = new TextEncoder();
  const piece = enc.encode("a".repeat(64 * 1024));
  let pulled = 0;
  let part = 0;
  let inPart = -1; // bytes of the current part's value sent so far; -1 = its header is next
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk: Uint8Array;
      if (part === parts) {
        chunk = enc.encode(`--${boundary}--\r\n`);
        part += 1;
      } else if (part > parts) return controller.close();
      else if (inPart === -1) {
        chunk = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n`);
        inPart = 0;
      } else if (inPart < partBytes) {
        chunk = piece.subarray(0, Math.min(piece.length, partBytes - inPart));
        inPart += chunk.length;
      } else {
        chunk = enc.encode("\r\n");
        inPart = -1;
        part += 1;
      }
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const init = {
    method: "POST",
    headers: { Cookie: cookie, Origin: "http://localhost:3000", "Content-Type": `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: "half",
  } as RequestInit;
  return { init, pulled: () => pulled };
}

const expenseCount = () => (db.$client.prepare("select count(*) as n from expenses").get() as { n: number }).n;
const uploadsList = () => (fs.existsSync(process.env.UPLOADS_DIR!) ? fs.readdirSync(process.env.UPLOADS_DIR!).sort() : []);

async function userWith(...roles: ("ssc" | "admin" | "packager")[]) {
  const u = await makeUser(roles);
  return { user: u, person: webPerson(u), cookie: await cookieFor(u.id) };
}

describe("the ledger", () => {
  it("sums the fund page's totals, years and chart from every entry, in whole cents", async () => {
    donate(1_001);
    const [ssc1, ssc2, requester] = [await userWith("ssc"), await userWith("ssc"), await userWith()];
    const trip = createExpense(db, requester.person, { ...baseExpense, amountCents: 777 }, [], true);
    actOnExpense(db, ssc1.person, trip.id, "approve");
    actOnExpense(db, ssc2.person, trip.id, "approve");
    actOnExpense(db, ssc1.person, trip.id, "pay", { paymentReference: "SUM-1", paidOn: "2026-02-03" });
    recordDonation(
      db,
      { ...admin, userId: null, label: "test" },
      { date: "2025-12-31", donor: "Year-end", amountCents: 2_002, currency: "USD", reference: `TEST-${++refNo}`, note: null },
    );
    const entries = db.$client.prepare("select kind, amount_cents as cents, occurred_on as date from ledger_entries order by occurred_on, id").all() as {
      kind: string;
      cents: number;
      date: string;
    }[];
    const summary = getFundSummary(db);
    const isOut = (e: { kind: string }) => e.kind === "reimbursement";
    expect(summary.donations).toBe(entries.filter((e) => !isOut(e)).reduce((s, e) => s + e.cents, 0));
    expect(summary.reimbursed).toBe(0 - entries.filter(isOut).reduce((s, e) => s + e.cents, 0));
    expect(summary.reimbursed).toBeGreaterThanOrEqual(777);
    expect(summary.balance).toBe(entries.reduce((s, e) => s + e.cents, 0));
    for (const y of summary.byYear) {
      const inYear = entries.filter((e) => e.date.startsWith(y.year));
      expect(y).toEqual({
        year: y.year,
        donations: inYear.filter((e) => !isOut(e)).reduce((s, e) => s + e.cents, 0),
        reimbursed: 0 - inYear.filter(isOut).reduce((s, e) => s + e.cents, 0),
      });
    }
    expect(summary.byYear.map((y) => y.year)).toEqual([...new Set(entries.map((e) => e.date.slice(0, 4)))].sort().reverse());
    // the chart ends at today's balance, and each point is the balance after that day's entries
    expect(summary.series.at(-1)).toEqual({ date: entries.at(-1)!.date, balance: summary.balance });
    expect(summary.step).toBe("day"); // few days here: one point per day
    for (const p of summary.series) expect(p.balance).toBe(entries.filter((e) => e.date <= p.date).reduce((s, e) => s + e.cents, 0));
  });

  it("stores only whole cents: a raw 1.5 is refused by the database (LG-1)", () => {
    expect(() =>
      db.$client
        .prepare("insert into ledger_entries (kind, amount_cents, currency, occurred_on, created_at) values ('donation', 1.5, 'USD', '2026-01-01', 0)")
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });

  it("is append-only, and a correction is a reversal that can be made once (LG-3)", () => {
    const entry = donate(4200);
    expect(() => db.$client.prepare("update ledger_entries set amount_cents = 1 where id = ?").run(entry.id)).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from ledger_entries where id = ?").run(entry.id)).toThrow(/append-only/);
    const before = getBalance(db);
    const reversal = reverseEntry(db, cliActor, entry.id, "entered twice");
    expect(reversal.amountCents).toBe(-4200);
    expect(getBalance(db)).toBe(before - 4200);
    expect(() => reverseEntry(db, cliActor, entry.id, "again")).toThrow(/already been reversed/);
  });

  it("imports donations from CSV all or nothing, naming the bad line and field", () => {
    const before = ledgerCount();
    const bad = "date,donor,amount,currency,reference\n2026-03-01,Ana,50.00,USD,CSV-1\n2026-03-02,Ben,1.005,USD,CSV-2\n";
    expect(() => importDonationsCsv(db, cliActor, bad)).toThrow('Line 3, field amount: "1.005" is not an amount like 25.00.');
    expect(ledgerCount()).toBe(before);
    const good = 'date,donor,amount,currency,reference\n2026-03-01,"Doe, Jane",50.00,USD,CSV-1\n2026-03-02,,12.5,USD,CSV-2\n2026-03-02,,12.5,USD,CSV-2\n';
    expect(importDonationsCsv(db, cliActor, good)).toEqual({ imported: 2, skipped: ["line 4: CSV-2 is already recorded"] });
    expect(importDonationsCsv(db, cliActor, good)).toEqual({
      imported: 0,
      skipped: ["line 2: CSV-1 is already recorded", "line 3: CSV-2 is already recorded", "line 4: CSV-2 is already recorded"],
    });
    expect(() => importDonationsCsv(db, cliActor, "date,donor,amount,currency,reference\n2026-13-01,X,5.00,USD,CSV-9\n")).toThrow(/Line 2, field date/);
    expect(() => importDonationsCsv(db, cliActor, "date,donor,amount,currency,reference\n2026-01-01,X,5.00,EUR,CSV-9\n")).toThrow(
      /Line 2, field currency: This fund is kept in USD/,
    );
  });
});

describe("expense approvals", () => {
  it("an SSC member cannot approve their own expense; two others can, then it is paid once (AU-11)", async () => {
    donate(100_000);
    const [requester, ssc2, ssc3, payer] = await Promise.all([userWith("ssc"), userWith("ssc"), userWith("ssc"), userWith("admin")]);
    const e = createExpense(db, requester.person, baseExpense, [], true);
    const post = (who: { cookie: string }, fields: Record<string, string>) =>
      call(expenseAction, `/expenses/${e.id}`, { id: String(e.id) }, multipart(who.cookie, fields));
    const own = await post(requester, { intent: "approve" });
    expect(own.status).toBe(403);
    expect((await own.json()).message).toBe("You cannot vote on your own expense.");
    expect((await post(ssc2, { intent: "approve" })).status).toBe(200);
    const twice = await post(ssc2, { intent: "approve" });
    expect(twice.status).toBe(409);
    expect((await twice.json()).message).toBe("You have already voted on this round.");
    expect((await post(ssc3, { intent: "approve" })).status).toBe(200);
    const balance = getBalance(db);
    // a month 13 matches YYYY-MM-DD but is no date: refused, nothing posted
    const entries = ledgerCount();
    const badDate = await post(payer, { intent: "pay", paymentReference: "EXP-1", paidOn: "2026-13-01" });
    expect(badDate.status).toBe(422);
    expect((await badDate.json()).message).toBe("Give the payment date as a real date, YYYY-MM-DD.");
    expect(ledgerCount()).toBe(entries);
    const paid = await post(payer, { intent: "pay", paymentReference: "EXP-1", paidOn: "2026-06-10" });
    expect((await paid.json()).message).toBe("Marked paid; the ledger entry is posted.");
    const again = await post(payer, { intent: "pay", paymentReference: "EXP-1", paidOn: "2026-06-10" });
    expect((await again.json()).message).toContain("Already paid");
    expect(getBalance(db)).toBe(balance - 3000);
    const illegal = await post(ssc3, { intent: "approve" });
    expect(illegal.status).toBe(409);
    expect((await illegal.json()).message).toBe("You can't approve an expense that is already paid.");
  });

  it("a rejection or a request for changes needs a reason; resubmitting starts a new round", async () => {
    const [requester, ssc] = await Promise.all([userWith(), userWith("ssc")]);
    const e = createExpense(db, requester.person, baseExpense, [], true);
    expect(() => actOnExpense(db, ssc.person, e.id, "changes")).toThrow("Say what needs to change.");
    actOnExpense(db, ssc.person, e.id, "changes", { reason: "Add the hotel receipt." });
    const resubmitted = actOnExpense(db, requester.person, e.id, "resubmit");
    expect(resubmitted.expense).toMatchObject({ status: "submitted", round: 2 });
    // the same member may vote again in the new round
    expect(actOnExpense(db, ssc.person, e.id, "approve").message).toContain("needs more");
  });

  it("with 100.00 available, 50 concurrent requests of 30.00 end with exactly three paid and 10.00 left (LG-4)", async () => {
    // a fresh fund for this test: spend down everything earlier tests left
    const [ssc1, ssc2, payer] = await Promise.all([userWith("ssc"), userWith("ssc"), userWith("admin")]);
    const balance = getBalance(db) - getFundSummary(db).committed;
    if (balance > 0) {
      const drain = createExpense(db, (await userWith()).person, { ...baseExpense, amountCents: balance }, [], true);
      actOnExpense(db, ssc1.person, drain.id, "approve");
      actOnExpense(db, ssc2.person, drain.id, "approve");
      actOnExpense(db, payer.person, drain.id, "pay", { paymentReference: "DRAIN", paidOn: "2026-06-01" });
    }
    expect(getFundSummary(db).available).toBe(0);
    donate(10_000);
    const requesters = await Promise.all(Array.from({ length: 50 }, () => userWith()));
    const ids = requesters.map((r) => createExpense(db, r.person, baseExpense, [], true).id);
    const post = (who: { cookie: string }, id: number, fields: Record<string, string>) =>
      call(expenseAction, `/expenses/${id}`, { id: String(id) }, multipart(who.cookie, fields));
    const before = getBalance(db);
    await Promise.all(
      ids.map(async (id) => {
        await Promise.all([post(ssc1, id, { intent: "approve" }), post(ssc2, id, { intent: "approve" })]);
        await post(payer, id, { intent: "pay", paymentReference: `P-${id}`, paidOn: "2026-06-02" });
      }),
    );
    const paid = db.$client.prepare(`select count(*) as n from expenses where status = 'paid' and id in (${ids.join(",")})`).get();
    expect(paid).toEqual({ n: 3 });
    expect(before - getBalance(db)).toBe(9000);
    expect(getFundSummary(db).available).toBe(1000);
    expect(verifyLedger(db)).toEqual([]);
  });

  it("20 concurrent approvals by one member and 20 concurrent payments act once (LG-5)", async () => {
    donate(50_000);
    const [requester, ssc1, ssc2, payer] = await Promise.all([userWith(), userWith("ssc"), userWith("ssc"), userWith("admin")]);
    const e = createExpense(db, requester.person, { ...baseExpense, amountCents: 1234 }, [], true);
    const post = (who: { cookie: string }, fields: Record<string, string>) =>
      call(expenseAction, `/expenses/${e.id}`, { id: String(e.id) }, multipart(who.cookie, fields));
    const votes = await Promise.all(Array.from({ length: 20 }, () => post(ssc1, { intent: "approve" })));
    expect(votes.filter((r) => r.status === 200)).toHaveLength(1);
    await post(ssc2, { intent: "approve" });
    await Promise.all(Array.from({ length: 20 }, () => post(payer, { intent: "pay", paymentReference: "ONCE", paidOn: "2026-06-03" })));
    expect(db.$client.prepare("select count(*) as n from ledger_entries where expense_id = ?").get(e.id)).toEqual({ n: 1 });
    expect(
      db.$client
        .prepare("select count(*) as n from audit_log where entity_type = 'expense' and entity_id = ? and action = 'expense.vote_approve'")
        .get(String(e.id)),
    ).toEqual({ n: 2 });
  });

  it("an SSC member cannot mark their own approved expense paid; the ledger is unchanged", async () => {
    donate(10_000);
    const [requester, ssc2, ssc3] = await Promise.all([userWith("ssc"), userWith("ssc"), userWith("ssc", "admin")]);
    const e = createExpense(db, requester.person, { ...baseExpense, amountCents: 2500 }, [], true);
    actOnExpense(db, ssc2.person, e.id, "approve");
    actOnExpense(db, ssc3.person, e.id, "approve");
    const page = await (await call(expenseLoader, `/expenses/${e.id}`, { id: String(e.id) }, { headers: { Cookie: requester.cookie } })).json();
    expect(page.can.pay).toBe(false);
    const [entries, balance] = [ledgerCount(), getBalance(db)];
    const own = await call(
      expenseAction,
      `/expenses/${e.id}`,
      { id: String(e.id) },
      multipart(requester.cookie, { intent: "pay", paymentReference: "SELF-1", paidOn: "2026-06-10" }),
    );
    expect(own.status).toBe(403);
    expect((await own.json()).message).toBe("You cannot mark your own expense paid: another SSC member or admin must pay it.");
    expect([ledgerCount(), getBalance(db)]).toEqual([entries, balance]);
    expect(db.$client.prepare("select status, payment_reference as ref from expenses where id = ?").get(e.id)).toEqual({ status: "approved", ref: null });
    expect(
      db.$client.prepare("select count(*) as n from audit_log where entity_type = 'expense' and entity_id = ? and action = 'expense.paid'").get(String(e.id)),
    ).toEqual({ n: 0 });
    // someone else with the pay permission can
    const paid = await call(
      expenseAction,
      `/expenses/${e.id}`,
      { id: String(e.id) },
      multipart(ssc3.cookie, { intent: "pay", paymentReference: "OTHER-1", paidOn: "2026-06-10" }),
    );
    expect(paid.status).toBe(200);
    expect(getBalance(db)).toBe(balance - 2500);
  });

  it("a contributor or packager cannot mark an expense paid, not even their own; the ledger is unchanged", async () => {
    donate(10_000);
    const [contributor, packager, ssc1, ssc2] = await Promise.all([userWith(), userWith("packager"), userWith("ssc"), userWith("ssc")]);
    const mine = createExpense(db, contributor.person, { ...baseExpense, amountCents: 1100 }, [], true);
    const theirs = createExpense(db, packager.person, { ...baseExpense, amountCents: 1200 }, [], true);
    for (const e of [mine, theirs]) {
      actOnExpense(db, ssc1.person, e.id, "approve");
      actOnExpense(db, ssc2.person, e.id, "approve");
    }
    const pay = (who: { cookie: string }, id: number) =>
      call(
        expenseAction,
        `/expenses/${id}`,
        { id: String(id) },
        multipart(who.cookie, { intent: "pay", paymentReference: `NOPE-${id}`, paidOn: "2026-06-11" }),
      );
    const [entries, balance] = [ledgerCount(), getBalance(db)];
    const ownContributor = await pay(contributor, mine.id);
    expect(ownContributor.status).toBe(403);
    expect((await ownContributor.json()).message).toBe("Only SSC members and admins mark expenses paid.");
    const ownPackager = await pay(packager, theirs.id);
    expect(ownPackager.status).toBe(403);
    // someone else's expense is private to them: answered as if it did not exist
    expect((await pay(packager, mine.id)).status).toBe(404);
    expect((await pay(contributor, theirs.id)).status).toBe(404);
    expect([ledgerCount(), getBalance(db)]).toEqual([entries, balance]);
    expect(db.$client.prepare(`select status from expenses where id in (${mine.id}, ${theirs.id})`).pluck().all()).toEqual(["approved", "approved"]);
  });

  it("approving more than is available is refused, naming the available amount", async () => {
    const [requester, ssc] = await Promise.all([userWith(), userWith("ssc")]);
    const available = getFundSummary(db).available;
    const e = createExpense(db, requester.person, { ...baseExpense, amountCents: available + 100 }, [], true);
    expect(() => actOnExpense(db, ssc.person, e.id, "approve")).toThrow(/would exceed the available \$[\d,]+\.\d\d/);
  });
});

describe("receipts", () => {
  const fields = {
    kind: "reimbursement",
    title: "Hotel for KubeCon",
    event: "KubeCon",
    category: "lodging",
    amount: "300.00",
    spentOn: "2026-04-01",
    description: "Two nights to give the SPIRE talk.",
    intent: "submit",
  };

  it("a post to someone else's expense is answered 404 before a byte of its uploads is read", async () => {
    const [owner, stranger] = [await userWith(), await userWith()];
    const theirs = createExpense(db, owner.person, { ...baseExpense, amountCents: 500 }, [], false);
    const hostile = streamedTextParts(stranger.cookie, 6, 9 * 1024 * 1024);
    const thrown = await call(expenseAction, `/expenses/${theirs.id}`, { id: String(theirs.id) }, hostile.init);
    expect(thrown.status).toBe(404);
    // the stream hands over its first small chunk by itself; nothing of the 54 MiB after it is read
    expect(hostile.pulled()).toBeLessThan(1024);
    expect(uploadsList().filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });

  it("a reimbursement is filed with a PDF; its requester downloads it with safe headers; anyone else gets 404", async () => {
    const requester = await userWith();
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [file(pdfBytes(), "hotel.pdf", "application/pdf")]));
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    const stored = db.$client.prepare("select id, stored_name from receipts where expense_id = ?").get(id) as { id: number; stored_name: string };
    expect(stored.stored_name).toMatch(/^[0-9a-f]{32}$/);
    const onDisk = path.join(process.env.UPLOADS_DIR!, stored.stored_name);
    expect(fs.statSync(onDisk).mode & 0o777).toBe(0o600);

    const download = await call(
      receiptLoader,
      `/expenses/${id}/receipts/${stored.id}`,
      { id: String(id), receiptId: String(stored.id) },
      { headers: { Cookie: requester.cookie } },
    );
    expect(download.status).toBe(200);
    expect(Object.fromEntries(download.headers)).toMatchObject({
      "content-type": "application/pdf",
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "private, no-store",
    });
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="hotel\.pdf"; filename\*=UTF-8''hotel\.pdf$/);

    const stranger = await userWith();
    expect((await call(expenseLoader, `/expenses/${id}`, { id: String(id) }, { headers: { Cookie: stranger.cookie } })).status).toBe(404);
    expect(
      (
        await call(
          receiptLoader,
          `/expenses/${id}/receipts/${stored.id}`,
          { id: String(id), receiptId: String(stored.id) },
          { headers: { Cookie: stranger.cookie } },
        )
      ).status,
    ).toBe(404);
    const ssc = await userWith("ssc");
    expect(
      (
        await call(
          receiptLoader,
          `/expenses/${id}/receipts/${stored.id}`,
          { id: String(id), receiptId: String(stored.id) },
          { headers: { Cookie: ssc.cookie } },
        )
      ).status,
    ).toBe(200);
  });

  it.each([
    ["an HTML file renamed .pdf", file(new TextEncoder().encode("<html><script>alert(1)</script></html>"), "receipt.pdf", "application/pdf"), 422],
    ["a PNG named .pdf", file(pngBytes(), "receipt.pdf", "application/pdf"), 422],
    ["a file with .jpg.php", file(pdfBytes(), "scan.jpg.php", "application/octet-stream"), 422],
    ["an empty file", file(new Uint8Array(), "empty.pdf", "application/pdf"), 422],
    ["a file of 10 MiB + 1 byte", file(new Uint8Array(10 * 1024 * 1024 + 1), "big.pdf", "application/pdf"), 413],
  ])("%s is refused and nothing is stored", async (_name, bad, status) => {
    const requester = await userWith();
    const before = (db.$client.prepare("select count(*) as n from expenses").get() as { n: number }).n;
    const files = () => (fs.existsSync(process.env.UPLOADS_DIR!) ? fs.readdirSync(process.env.UPLOADS_DIR!).length : 0);
    const filesBefore = files();
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [bad]));
    expect(res.status).toBe(status);
    expect((db.$client.prepare("select count(*) as n from expenses").get() as { n: number }).n).toBe(before);
    expect(files()).toBe(filesBefore);
  });

  it("six files are refused with 422", async () => {
    const requester = await userWith();
    const six = Array.from({ length: 6 }, (_, i) => file(pdfBytes(String(i)), `r${i}.pdf`, "application/pdf"));
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, six));
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe("Attach at most 5 receipts.");
  });

  it("six 9 MiB text parts are refused with 413 at the first part over 64 KiB, reading under 1 MiB and storing nothing", async () => {
    const requester = await userWith();
    const [before, filesBefore] = [expenseCount(), uploadsList()];
    const hostile = streamedTextParts(requester.cookie, 6, 9 * 1024 * 1024);
    const res = await call(newExpense, "/expenses/new", {}, hostile.init);
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    const body = await res.text();
    expect(JSON.parse(body).message).toBe('The field "description" is too long: each field may hold at most 64 KiB.');
    expect(body.length).toBeLessThan(500); // the refusal does not echo what was sent
    expect(hostile.pulled()).toBeLessThan(1024 * 1024);
    expect(expenseCount()).toBe(before);
    expect(uploadsList()).toEqual(filesBefore);
  });

  it("text over 256 KiB in all is refused with 413 even when each field is under 64 KiB", async () => {
    const requester = await userWith();
    const before = expenseCount();
    const hostile = streamedTextParts(requester.cookie, 6, 60 * 1024);
    const res = await call(newExpense, "/expenses/new", {}, hostile.init);
    expect(res.status).toBe(413);
    expect((await res.json()).message).toBe("The form's text is too long: all fields together may hold at most 256 KiB.");
    expect(expenseCount()).toBe(before);
  });

  it("a description of 5,000 four-byte characters still fits the per-field limit", async () => {
    const requester = await userWith();
    const res = await call(
      newExpense,
      "/expenses/new",
      {},
      multipart(requester.cookie, { ...fields, description: "😀".repeat(2_500) }, [file(pdfBytes(), "a.pdf", "application/pdf")]),
    );
    expect(res.status).toBe(302);
  });

  it("a form that fails validation keeps no temp file of its receipt", async () => {
    const requester = await userWith();
    const filesBefore = uploadsList();
    const res = await call(
      newExpense,
      "/expenses/new",
      {},
      multipart(requester.cookie, { ...fields, amount: "oops" }, [file(pdfBytes(), "a.pdf", "application/pdf")]),
    );
    expect(res.status).toBe(400);
    expect(uploadsList()).toEqual(filesBefore);
  });

  it.each([
    [
      "an HTML/PDF polyglot with its HTML after the first KiB",
      file(pdfWithLateHtml(), "poly.pdf", "application/pdf"),
      '"poly.pdf" is not a PDF, PNG or JPEG file.',
    ],
    [
      "a PNG that does not decode (a header and no pixels)",
      file(pngBytes(), "broken.png", "image/png"),
      '"broken.png" could not be read as a PNG image; it may be damaged.',
    ],
    [
      "a file whose first bytes are not a receipt's",
      file(new Uint8Array(3 * 1024 * 1024).fill(0x3c), "big.pdf", "application/pdf"),
      '"big.pdf" is not a PDF, PNG or JPEG file.',
    ],
  ])("%s is refused with 422 and a reason, and nothing is stored", async (_name, bad, reason) => {
    const requester = await userWith();
    const [before, filesBefore] = [expenseCount(), uploadsList()];
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [bad]));
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(reason);
    expect(expenseCount()).toBe(before);
    expect(uploadsList()).toEqual(filesBefore);
  });

  it.each([
    ["a PNG carrying an HTML text chunk", "scan.png", "image/png", () => pngWithTextChunk("<html><script>alert(document.cookie)</script></html>")],
    ["a JPEG carrying an HTML comment", "scan.jpg", "image/jpeg", () => jpegWithComment("<html><script>alert(document.cookie)</script></html>")],
  ])("%s is stored re-encoded, without the HTML, with the stored bytes' size and hash", async (_name, name, mime, make) => {
    const requester = await userWith();
    const original = await make();
    expect(Buffer.from(original).includes("<script")).toBe(true);
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [file(original, name, mime)]));
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    const row = db.$client.prepare("select stored_name, size, sha256, mime from receipts where expense_id = ?").get(id) as {
      stored_name: string;
      size: number;
      sha256: string;
      mime: string;
    };
    const stored = fs.readFileSync(path.join(process.env.UPLOADS_DIR!, row.stored_name));
    expect(stored.includes("<script")).toBe(false);
    expect(stored.includes("<html")).toBe(false);
    expect(row.mime).toBe(mime);
    expect(row.size).toBe(stored.length);
    expect(row.sha256).toBe(createHash("sha256").update(stored).digest("hex"));
    const meta = await sharp(stored).metadata();
    expect(meta.format).toBe(mime === "image/png" ? "png" : "jpeg");
    expect([meta.width, meta.height]).toEqual(mime === "image/png" ? [16, 16] : [32, 24]);
    expect(meta.comments ?? []).toEqual([]);
    expect(fs.statSync(path.join(process.env.UPLOADS_DIR!, row.stored_name)).mode & 0o777).toBe(0o600);
    expect(uploadsList().filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });

  it("a JPEG photo with EXIF GPS is stored without its EXIF, so without the location", async () => {
    const requester = await userWith();
    const photo = await realJpeg({ gps: true });
    expect((await sharp(photo).metadata()).exif?.includes("PhoneCo")).toBe(true); // the fixture does carry EXIF
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [file(photo, "taxi.jpg", "image/jpeg")]));
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    const storedName = db.$client.prepare("select stored_name from receipts where expense_id = ?").pluck().get(id) as string;
    const stored = fs.readFileSync(path.join(process.env.UPLOADS_DIR!, storedName));
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes("PhoneCo")).toBe(false);
  });

  it("an image that would decode past 64 MiB (a small 16-bit RGBA PNG of 3000 x 3000) is refused before it is decoded; nothing is stored", async () => {
    const requester = await userWith();
    const big = await sharp({ create: { width: 3000, height: 3000, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 1 } } })
      .toColourspace("rgb16")
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(big.length).toBeLessThan(1024 * 1024); // tiny on the wire, 72 MB decoded
    expect((await sharp(big).metadata()).depth).toBe("ushort");
    const before = db.$client.prepare("select count(*) from expenses").pluck().get();
    const filesBefore = uploadsList();
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [file(big, "scan.png", "image/png")]));
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("too large to check: images may decode to at most 64 MiB");
    expect(db.$client.prepare("select count(*) from expenses").pluck().get()).toBe(before);
    expect(uploadsList()).toEqual(filesBefore);
  });

  it("a 16-bit PNG within the limit is stored as 8 bits a sample", async () => {
    const requester = await userWith();
    const deep = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .toColourspace("rgb16")
      .png()
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe("ushort");
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [file(deep, "scan.png", "image/png")]));
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    const storedName = db.$client.prepare("select stored_name from receipts where expense_id = ?").pluck().get(id) as string;
    const meta = await sharp(fs.readFileSync(path.join(process.env.UPLOADS_DIR!, storedName))).metadata();
    expect([meta.depth, meta.width, meta.height]).toEqual(["uchar", 40, 30]);
  });

  it("a genuine PNG is accepted and re-encoded to the same pixels", async () => {
    const requester = await userWith();
    const png = await realPng();
    const res = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields, [file(png, "scan.png", "image/png")]));
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    const storedName = db.$client.prepare("select stored_name from receipts where expense_id = ?").pluck().get(id) as string;
    const stored = fs.readFileSync(path.join(process.env.UPLOADS_DIR!, storedName));
    expect(await sharp(stored).raw().toBuffer()).toEqual(await sharp(png).raw().toBuffer());
  });

  it("a reimbursement without receipts cannot be submitted, and amounts are parsed exactly", async () => {
    const requester = await userWith();
    const none = await call(newExpense, "/expenses/new", {}, multipart(requester.cookie, fields));
    expect(none.status).toBe(422);
    for (const amount of ["1.005", "1e3", "-5", ""]) {
      const res = await call(
        newExpense,
        "/expenses/new",
        {},
        multipart(requester.cookie, { ...fields, amount }, [file(pdfBytes(), "a.pdf", "application/pdf")]),
      );
      expect(res.status, amount).toBe(400);
      expect((await res.json()).fieldErrors.amount, amount).toContain("1234.50");
    }
    const ok = await call(
      newExpense,
      "/expenses/new",
      {},
      multipart(requester.cookie, { ...fields, amount: "1234.50" }, [file(pdfBytes(), "a.pdf", "application/pdf")]),
    );
    const id = Number(ok.headers.get("location")!.split("/").pop());
    expect(db.$client.prepare("select amount_cents from expenses where id = ?").pluck().get(id)).toBe(123450);
  });
});

describe("public record and tools", () => {
  it("/fund.csv has one row per entry, a running balance that adds up its amounts, and the ledger's own total", async () => {
    const csv = await (await call(fundCsv, "/fund.csv")).text();
    const api = await (await call(fundApi, "/api/fund")).json();
    const rows = parse(csv, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    const header = rows[0]!;
    expect(header.join(",")).toBe("id,date,kind,donor,category,event,requester,reverses,amount,currency,balance,demo");
    const entries = rows.slice(1).filter((r) => /^\d+$/.test(r[0]!));
    const raw = db.$client.prepare("select count(*) as n, coalesce(sum(amount_cents), 0) as total from ledger_entries").get() as { n: number; total: number };
    expect(entries).toHaveLength(raw.n);
    // Each row's balance is the one before it plus its amount, counted here in cents from the CSV's own text.
    const cents = (text: string) => {
      const m = /^(-?)(\d+)\.(\d{2})$/.exec(text);
      expect(m, `amount ${text}`).not.toBeNull();
      return (m![1] ? -1 : 1) * (Number(m![2]) * 100 + Number(m![3]));
    };
    let running = 0;
    for (const r of entries) {
      running += cents(r[header.indexOf("amount")]!);
      expect(cents(r[header.indexOf("balance")]!)).toBe(running);
    }
    // The last running balance is the sum of every entry in the database, and what /api/fund says.
    expect(running).toBe(raw.total);
    expect(cents(rows.find((r) => r[0] === "total")![8]!)).toBe(raw.total);
    expect(api.balance).toBe(raw.total);
    expect(api.available).toBe(api.balance - api.committed);
  });

  it("/fund.csv writes a hostile donor name and expense event as text, and real negative amounts as numbers", async () => {
    recordDonation(
      db,
      { ...admin, userId: null, label: "test" },
      { date: "2026-07-01", donor: "-1+1", amountCents: 5_000, currency: "USD", reference: `TEST-${++refNo}`, note: null },
    );
    recordDonation(
      db,
      { ...admin, userId: null, label: "test" },
      { date: "2026-07-01", donor: '=HYPERLINK("http://evil.example")', amountCents: 100, currency: "USD", reference: `TEST-${++refNo}`, note: null },
    );
    const [requester, ssc1, ssc2, payer] = await Promise.all([userWith(), userWith("ssc"), userWith("ssc"), userWith("admin")]);
    const event = "-2+3+cmd|' /C calc'!A0";
    const e = createExpense(db, requester.person, { ...baseExpense, event, amountCents: 1250, publicRequester: true }, [], true);
    actOnExpense(db, ssc1.person, e.id, "approve");
    actOnExpense(db, ssc2.person, e.id, "approve");
    actOnExpense(db, payer.person, e.id, "pay", { paymentReference: "CSV-PAY", paidOn: "2026-07-02" });

    const res = await call(fundCsv, "/fund.csv");
    const rows = parse(await res.text(), { relax_column_count: true, skip_empty_lines: true }) as string[][];
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const donor = rows.find((r) => r[col("donor")]?.includes("-1+1"))!;
    expect(donor[col("donor")]).toBe("'-1+1");
    expect(rows.find((r) => r[col("donor")]?.includes("HYPERLINK"))![col("donor")]).toBe(`'=HYPERLINK("http://evil.example")`);
    const payment = rows.find((r) => r[col("event")]?.includes("cmd|"))!;
    expect(payment[col("event")]).toBe(`'${event}`);
    expect(payment[col("amount")]).toBe("-12.50");
    expect(payment[col("requester")]).toBe(`'@${requester.user.username}`);
    // no cell anywhere starts like a formula, unless it is a plain number
    for (const cell of rows.flat()) if (/^[=+\-@\t\r]/.test(cell)) expect(cell, cell).toMatch(/^-?\d+(\.\d+)?$/);
  });

  it("ledger:verify passes on a sound database and fails, listing the finding, on a broken one (LG-8)", async () => {
    const clean = runCli("db/cli/ledger-verify.ts", [], { DATABASE_PATH: process.env.DATABASE_PATH! });
    expect(clean.code, clean.stderr).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-verify-"));
    const copy = path.join(dir, "broken.sqlite");
    await db.$client.backup(copy);
    const raw = new Database(copy);
    raw.exec("drop trigger ledger_entries_no_update");
    raw
      .prepare("insert into ledger_entries (kind, amount_cents, currency, occurred_on, created_at) values ('reimbursement', -99999999, 'USD', '2026-12-31', 0)")
      .run();
    raw.close();
    const broken = await runCliAsync("db/cli/ledger-verify.ts", [], { DATABASE_PATH: copy });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("append-only: trigger ledger_entries_no_update is missing");
    expect(broken.stderr).toMatch(/balance: the balance went below zero at entry #\d+/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("db:backup writes a consistent copy that verifies", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-backup-"));
    const target = path.join(dir, "backup.sqlite");
    const run = await runCliAsync("db/cli/backup.ts", [target], { DATABASE_PATH: process.env.DATABASE_PATH! });
    expect(run.code, run.stderr).toBe(0);
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copy.prepare("select coalesce(sum(amount_cents), 0) from ledger_entries").pluck().get()).toBe(getBalance(db));
    copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("cited bounties", () => {
  async function proposal() {
    const proposer = await userWith();
    const bounty = createBounty(db, webBountyActor(proposer.user), {
      targetId: getTarget(db, "kafka")!.id,
      title: "Secret plan for Kafka SVIDs",
      description: "A proposal only its proposer and the reviewers may see.",
      kind: "code",
    });
    expect(bounty.status).toBe("proposed");
    return { proposer, bounty };
  }
  const expenseCount = () => db.$client.prepare("select count(*) as n from expenses").pluck().get() as number;
  const fields = (bountyId: number) => ({
    kind: "pre_approval",
    title: "Trip",
    event: "KubeCon",
    category: "travel",
    amount: "10.00",
    spentOn: "2026-06-01",
    description: "To talk about it.",
    bountyId: String(bountyId),
    intent: "submit",
  });

  it("an expense cannot cite a proposal its requester may not see: a field message, and nothing is written", async () => {
    const { proposer, bounty } = await proposal();
    const stranger = await userWith();
    const before = expenseCount();
    const res = await call(newExpense, "/expenses/new", {}, multipart(stranger.cookie, fields(bounty.id)));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.fieldErrors.bountyId).toBe(`There is no bounty #${bounty.id} you can cite: give the number shown on a bounty's page, or leave it empty.`);
    expect(JSON.stringify(body)).not.toContain("Secret plan");
    expect(expenseCount()).toBe(before);
    // a bounty that does not exist gets the same answer, so the refusal is no hint
    expect(() => createExpense(db, stranger.person, { ...baseExpense, bountyId: 999_999 }, [], true)).toThrow(InvalidCitation);
    // the proposer, and a reviewer, may cite it
    expect((await call(newExpense, "/expenses/new", {}, multipart(proposer.cookie, fields(bounty.id)))).status).toBe(302);
    expect(createExpense(db, (await userWith("ssc")).person, { ...baseExpense, bountyId: bounty.id }, [], true).bountyId).toBe(bounty.id);
    expect(expenseCount()).toBe(before + 2);
  });

  it("an expense page shows a cited bounty only to a viewer who may see that bounty", async () => {
    const { bounty } = await proposal();
    const requester = await userWith();
    // a row filed before citations were checked
    const id = Number(
      db.$client
        .prepare(
          "insert into expenses (kind, title, event, category, amount_cents, currency, spent_on, description, bounty_id, requester_user_id, status, public_requester, round, created_at, updated_at) values ('pre_approval', 'Old', 'Old', 'travel', 1000, 'USD', '2026-01-01', 'old', ?, ?, 'submitted', 0, 1, 0, 0)",
        )
        .run(bounty.id, requester.user.id).lastInsertRowid,
    );
    const asRequester = await call(expenseLoader, `/expenses/${id}`, { id: String(id) }, { headers: { Cookie: requester.cookie } });
    expect(asRequester.status).toBe(200);
    const text = await asRequester.text();
    expect(text).not.toContain("Secret plan");
    expect(JSON.parse(text).expense.bounty).toBeNull();
    const reviewer = await userWith("ssc");
    expect(getExpenseForViewer(db, reviewer.person, id)?.bounty).toEqual({ id: bounty.id, title: "Secret plan for Kafka SVIDs" });
  });
});
