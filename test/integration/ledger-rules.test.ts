// The ledger's rules at the model (app/models/ledger.server.ts), the edges the fund tests do
// not reach: whole non-zero cents and real dates, the balance never below zero (and exactly
// zero allowed), one donation per reference, reversals, the CSV import's line-by-line
// refusals, and the fund page's totals. Found by mutation testing the file (README, "Tests
// and code health"). Every refusal leaves the database as it was.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, openDatabase, writeTx } from "~/app/db.server";
import { formatMoney } from "~/app/lib/money";
import { cliActor, webPerson } from "~/app/models/audit.server";
import { actOnExpense, createExpense, type ExpenseInput } from "~/app/models/expenses.server";
import {
  getBalance,
  getCommitted,
  getFundSummary,
  listPublicEntries,
  importDonationsCsv,
  isIsoDate,
  post,
  recordDonation,
  reverseEntry,
  verifyLedger,
} from "~/app/models/ledger.server";
import { refusal } from "../support/refusals";
import { scratchDir } from "../support/scratch";
import { makeUser } from "../support/users";

const HEADER = "date,donor,amount,currency,reference";
const expense: ExpenseInput = {
  kind: "pre_approval",
  title: "Trip",
  event: "Meetup",
  category: "travel",
  amountCents: 1,
  spentOn: "2026-06-01",
  description: "Talk.",
  bountyId: null,
  targetId: null,
  preApprovalId: null,
  publicRequester: false,
};
let refNo = 0;
const donation = (amountCents: number, reference: string | null = `LR-${++refNo}`, date = "2026-02-01") =>
  recordDonation(db, cliActor, { date, donor: "Ada", amountCents, currency: "USD", reference, note: null });

/** A refusal's status and sentence; the database is unchanged by it. */
const refused = (act: () => unknown) => refusal(db.$client, act);

const postEntry = (amountCents: number, occurredOn = "2026-02-01") =>
  writeTx(db, (tx) => post(tx, cliActor, { kind: amountCents < 0 ? "reimbursement" : "donation", amountCents, occurredOn }));

describe("an entry", () => {
  it("is a real calendar date, YYYY-MM-DD", () => {
    for (const s of ["2026-02-28", "2024-02-29", "2026-12-31"]) expect(isIsoDate(s)).toBe(true);
    for (const s of ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-01x", " 2026-01-01", "20260101", ""]) expect(isIsoDate(s)).toBe(false);
  });

  it("is a non-zero whole number of cents on a real date; anything else writes nothing", () => {
    for (const cents of [0, 1.5, Number.NaN, 2 ** 53])
      expect(refused(() => postEntry(cents))).toEqual({ status: 422, message: "An entry needs a non-zero whole number of cents." });
    expect(refused(() => postEntry(100, "2026-02-30"))).toEqual({ status: 422, message: '"2026-02-30" is not a date (YYYY-MM-DD).' });
  });

  it("may take the balance to exactly zero, never below, naming what the fund holds", () => {
    const balance = getBalance(db) + donation(2500).amountCents;
    expect(refused(() => postEntry(-(balance + 1)))).toEqual({
      status: 422,
      message: `The fund holds ${formatMoney(balance, "USD")}, less than ${formatMoney(balance + 1, "USD")}.`,
    });
    expect(postEntry(-balance).amountCents).toBe(-balance);
    expect(getBalance(db)).toBe(0);
    expect(verifyLedger(db)).toEqual([]);
  });

  it("records who posted it, in its currency, with an audit record of the amount", () => {
    const e = donation(777);
    expect(e).toMatchObject({ kind: "donation", amountCents: 777, currency: "USD", donor: "Ada", occurredOn: "2026-02-01" });
    expect(
      db.$client.prepare("select action, after_json as after from audit_log where entity_type = 'ledger_entry' and entity_id = ?").get(String(e.id)),
    ).toEqual({
      action: "ledger.donation",
      after: JSON.stringify({ amountCents: 777, currency: "USD", reference: e.reference, expenseId: null, reversesEntryId: null }),
    });
  });
});

describe("donations", () => {
  it("are refused in another currency, and a reference is recorded once; donations without one are all kept", () => {
    expect(
      refused(() => recordDonation(db, cliActor, { date: "2026-02-01", donor: null, amountCents: 100, currency: "EUR", reference: "EU-1", note: null })),
    ).toEqual({
      status: 422,
      message: "This fund is kept in USD; record the donation in USD.",
    });
    donation(100, "ONCE-1");
    expect(refused(() => donation(100, "ONCE-1"))).toEqual({ status: 409, message: "A donation with reference ONCE-1 is already recorded." });
    const before = getBalance(db);
    donation(100, null);
    donation(100, null);
    expect(getBalance(db)).toBe(before + 200);
  });

  it("a reversal is of a donation that exists, once, and not past what the fund holds", () => {
    expect(refused(() => reverseEntry(db, cliActor, 999_999, "typo"))).toEqual({ status: 404, message: "There is no such ledger entry." });
    const d = donation(300);
    const r = reverseEntry(db, cliActor, d.id, "typo", Date.UTC(2026, 3, 5));
    expect(r).toMatchObject({ kind: "reversal", amountCents: -300, reversesEntryId: d.id, memo: "typo", occurredOn: "2026-04-05" });
    expect(refused(() => reverseEntry(db, cliActor, r.id, "undo"))).toEqual({
      status: 409,
      message: "Only donations can be reversed here; a payment is corrected with the SSC outside the ledger page.",
    });
    expect(refused(() => reverseEntry(db, cliActor, d.id, "again"))).toEqual({ status: 409, message: `Entry #${d.id} has already been reversed.` });
    // spend everything, then a reversal of an earlier donation would go below zero
    const big = donation(1000);
    postEntry(-getBalance(db));
    expect(refused(() => reverseEntry(db, cliActor, big.id, "bounced")).status).toBe(422);
  });
});

describe("the CSV import", () => {
  const csv = (...rows: string[]) => [HEADER, ...rows].join("\n") + "\n";

  it("names the line and field of the first bad row and imports nothing", () => {
    const cases: [string, string][] = [
      [csv("2026-03-01,A,1.00,USD,R-1", "2026-03-01,A,0.00,USD,R-2"), 'Line 3, field amount: "0.00" is not an amount like 25.00.'],
      [csv("2026-03-01,A,abc,USD,R-1"), 'Line 2, field amount: "abc" is not an amount like 25.00.'],
      [csv("2026-03-01,A,1.00,USD,"), "Line 2, field reference: the crowdfunding transaction id is missing."],
      [csv(`2026-03-01,A,1.00,USD,${"r".repeat(201)}`), "Line 2: a field is longer than 200 characters."],
      [csv(`2026-03-01,${"d".repeat(201)},1.00,USD,R-1`), "Line 2: a field is longer than 200 characters."],
      [csv(), "The CSV has no donations after its header."],
      ["date,donor,amount,reference\n", "Line 1: the header must be exactly date,donor,amount,currency,reference."],
      ["", "Line 1: the header must be exactly date,donor,amount,currency,reference."],
    ];
    for (const [text, message] of cases) expect(refused(() => importDonationsCsv(db, cliActor, text))).toEqual({ status: 422, message });
    expect(refused(() => importDonationsCsv(db, cliActor, `${HEADER}\n2026-03-01,A,1.00\n`)).message).toMatch(/^The CSV could not be read: /);
  });

  it("accepts a header in any case and fields of exactly 200 characters; an empty donor is stored as none", () => {
    const ref = `R-${"x".repeat(198)}`;
    const donor = "d".repeat(200);
    const before = getBalance(db);
    expect(
      importDonationsCsv(db, cliActor, `DATE,Donor,AMOUNT,currency,Reference\n2026-03-04,,19.99,USD,${ref}\n2026-03-05,${donor},0.01,USD,R-200\n`),
    ).toEqual({
      imported: 2,
      skipped: [],
    });
    expect(getBalance(db)).toBe(before + 2000);
    expect(db.$client.prepare("select donor from ledger_entries where reference = 'R-200'").pluck().get()).toBe(donor);
    expect(db.$client.prepare("select donor, memo, occurred_on as day from ledger_entries where reference = ?").get(ref)).toEqual({
      donor: null,
      memo: "CSV import",
      day: "2026-03-04",
    });
  });
});

describe("the fund page's figures", () => {
  it("what is approved but unpaid is committed, and not available", async () => {
    const [requester, ssc1, ssc2] = await Promise.all([makeUser(), makeUser(["ssc"]), makeUser(["ssc"])]).then((us) => us.map(webPerson));
    donation(4_000);
    const before = getFundSummary(db);
    const e = createExpense(db, requester!, { ...expense, amountCents: 1_500 }, [], true);
    actOnExpense(db, ssc1!, e.id, "approve");
    expect(getCommitted(db)).toBe(before.committed);
    actOnExpense(db, ssc2!, e.id, "approve");
    const after = getFundSummary(db);
    expect([after.balance, after.committed, after.available]).toEqual([before.balance, before.committed + 1_500, before.available - 1_500]);
    expect(getCommitted(db)).toBe(after.committed);
  });

  it("the public ledger marks demo history as demo, and real entries as real", () => {
    const real = donation(100);
    db.$client
      .prepare(
        "insert into ledger_entries (kind, amount_cents, currency, occurred_on, memo, created_at, demo) values ('donation', 100, 'USD', '2026-01-02', 'demo row', 0, 1)",
      )
      .run();
    const entries = listPublicEntries(db);
    expect(entries.find((x) => x.id === real.id)?.demo).toBe(false);
    expect(entries.find((x) => x.memo === "demo row")?.demo).toBe(true);
  });

  it("add up donations, reimbursements and reversals by year, in cents", () => {
    const before = getFundSummary(db);
    donation(10_000, `Y-${++refNo}`, "2031-05-01");
    const d = donation(5_000, `Y-${++refNo}`, "2031-06-01");
    reverseEntry(db, cliActor, d.id, "chargeback", Date.UTC(2031, 6, 1));
    writeTx(db, (tx) => post(tx, cliActor, { kind: "reimbursement", amountCents: -2_500, occurredOn: "2031-07-02" }));
    const after = getFundSummary(db);
    expect(after.balance - before.balance).toBe(7_500);
    expect(after.donations - before.donations).toBe(10_000);
    expect(after.reimbursed - before.reimbursed).toBe(2_500);
    expect(after.available).toBe(after.balance - after.committed);
    expect(after.byYear[0]).toEqual({ year: "2031", donations: 10_000, reimbursed: 2_500 });
    expect(after.series.at(-1)?.balance).toBe(after.balance);
  });
});

describe("verifying the ledger (npm run ledger:verify)", () => {
  it("names each broken invariant in words: the append-only triggers, foreign keys, whole cents, payments per expense, a balance below zero", async () => {
    const requester = webPerson(await makeUser());
    const [paidNoEntry, unpaidWithEntry, paidWrong] = [1, 2, 3].map((i) =>
      createExpense(db, requester, { ...expense, title: `Verify ${i}`, amountCents: 700 }, [], true),
    );
    const dir = scratchDir("club-zero-ledger-verify-");
    try {
      const copy = path.join(dir, "broken.sqlite");
      await db.$client.backup(copy);
      const broken = openDatabase(copy);
      const c = broken.$client;
      expect(verifyLedger(broken)).toEqual([]);
      const entry = (cents: number, expenseId: number | null = null) =>
        Number(
          c
            .prepare("insert into ledger_entries (kind, amount_cents, currency, occurred_on, created_at, expense_id) values (?, ?, 'USD', '2026-12-31', 0, ?)")
            .run(cents < 0 ? "reimbursement" : "donation", cents, expenseId).lastInsertRowid,
        );
      c.exec("drop trigger ledger_entries_no_delete; drop trigger audit_log_no_update");
      entry(10_000_000);
      c.prepare("update expenses set status = 'paid' where id in (?, ?)").run(paidNoEntry!.id, paidWrong!.id);
      entry(-500, paidWrong!.id);
      entry(-700, unpaidWithEntry!.id);
      c.pragma("ignore_check_constraints = on");
      const fraction = entry(1.5);
      c.pragma("foreign_keys = off");
      const orphan = entry(-1, 99_999_999);
      const below = entry(-Math.ceil(getBalance(broken)) - 1);
      const findings = verifyLedger(broken);
      broken.$client.close();
      expect(findings).toEqual([
        { check: "foreign_key_check", detail: `ledger_entries row ${orphan} points at a missing expenses` },
        { check: "append-only", detail: "trigger ledger_entries_no_delete is missing" },
        { check: "append-only", detail: "trigger audit_log_no_update is missing" },
        { check: "whole cents", detail: `entry #${fraction} holds 1.5` },
        { check: "payments", detail: `expense #${paidNoEntry!.id} is paid but has 0 payment entries` },
        { check: "payments", detail: `expense #${unpaidWithEntry!.id} is ${unpaidWithEntry!.status} but has 1 payment entries` },
        { check: "payments", detail: `expense #${paidWrong!.id} is for 700 cents but 500 were paid` },
        { check: "balance", detail: `the balance went below zero at entry #${below}` },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
