// The expense rules at the model (app/models/expenses.server.ts), the edges the fund tests do
// not reach: who may vote, cancel and pay, the quorum, the available amount at its exact
// limit, the payment's ledger entry, and refusals that change nothing. Found by mutation
// testing the file (README, "Tests and code health").
import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { formatMoney } from "~/app/lib/money";
import { cliActor, webPerson } from "~/app/models/audit.server";
import {
  actOnExpense,
  createExpense,
  getExpenseForViewer,
  listExpenses,
  listPublicExpensesFor,
  listStoredReceiptNames,
  type ExpenseInput,
  type Person,
} from "~/app/models/expenses.server";
import { getBalance, getCommitted, recordDonation } from "~/app/models/ledger.server";
import { contentDigest } from "../support/fingerprint";
import { makeUser } from "../support/users";
import type { GrantableRole } from "~/db/schema";

const base: ExpenseInput = {
  kind: "pre_approval",
  title: "Trip to KubeCon",
  event: "KubeCon",
  category: "travel",
  amountCents: 2000,
  spentOn: "2026-06-01",
  description: "Talk about SPIRE.",
  bountyId: null,
  targetId: null,
  preApprovalId: null,
  publicRequester: false,
};

let refNo = 0;
const donate = (cents: number) =>
  recordDonation(db, cliActor, { date: "2026-01-15", donor: null, amountCents: cents, currency: "USD", reference: `RULES-${++refNo}`, note: null });
const person = async (...roles: GrantableRole[]): Promise<Person> => webPerson(await makeUser(roles));
const status = (id: number) => db.$client.prepare("select status, round from expenses where id = ?").get(id);
const available = () => getBalance(db) - getCommitted(db);

/** The error a model call throws: its HTTP status and message, for asserting refusals. */
function refusal(act: () => unknown): { status: number; message: string; field?: string } {
  try {
    act();
  } catch (error) {
    const e = error as { status: number; message: string; field?: string };
    return e.field === undefined ? { status: e.status, message: e.message } : { status: e.status, field: e.field, message: e.message };
  }
  throw new Error("expected a refusal");
}

/** A refusal that leaves every table as it was. */
async function unchanged(act: () => unknown): Promise<{ status: number; message: string; field?: string }> {
  const before = contentDigest(db.$client);
  const r = refusal(act);
  expect(contentDigest(db.$client)).toBe(before);
  return r;
}

describe("votes", () => {
  it("an admin who is not an SSC member cannot vote, and nothing changes", async () => {
    donate(5000);
    const [requester, admin] = await Promise.all([person(), person("admin")]);
    const e = createExpense(db, requester, base, [], true);
    expect(await unchanged(() => actOnExpense(db, admin, e.id, "approve"))).toEqual({ status: 403, message: "Only SSC members vote on expenses." });
  });

  it("the first approval of two leaves it waiting; the second approves it and commits its amount", async () => {
    donate(5000);
    const [requester, ssc1, ssc2] = await Promise.all([person(), person("ssc"), person("ssc")]);
    const e = createExpense(db, requester, base, [], true);
    const committed = getCommitted(db);
    expect(actOnExpense(db, ssc1, e.id, "approve").message).toBe("Your approval is recorded; it needs more.");
    expect(status(e.id)).toEqual({ status: "submitted", round: 1 });
    expect(getCommitted(db)).toBe(committed);
    expect(actOnExpense(db, ssc2, e.id, "approve").message).toBe("Approved: the quorum is reached.");
    expect(status(e.id)).toEqual({ status: "approved", round: 1 });
    expect(getCommitted(db)).toBe(committed + 2000);
  });

  it("approving exactly the available amount is allowed; one cent more is refused, naming what is available", async () => {
    const [requester, ssc1] = await Promise.all([person(), person("ssc")]);
    donate(1000);
    const tooMuch = createExpense(db, requester, { ...base, amountCents: available() + 1 }, [], true);
    const exact = createExpense(db, requester, { ...base, amountCents: available() }, [], true);
    const free = available();
    expect(await unchanged(() => actOnExpense(db, ssc1, tooMuch.id, "approve"))).toEqual({
      status: 422,
      message: `Approving ${formatMoney(free + 1, "USD")} would exceed the available ${formatMoney(free, "USD")}.`,
    });
    expect(actOnExpense(db, ssc1, exact.id, "approve").message).toBe("Your approval is recorded; it needs more.");
  });

  it("a rejection needs a reason, is recorded with it, and ends the request", async () => {
    const [requester, ssc] = await Promise.all([person(), person("ssc")]);
    const e = createExpense(db, requester, base, [], true);
    expect(await unchanged(() => actOnExpense(db, ssc, e.id, "reject", { reason: "   " }))).toEqual({ status: 422, message: "Say why you reject it." });
    expect(actOnExpense(db, ssc, e.id, "reject", { reason: " Not fund business. " }).message).toBe("Rejected.");
    expect(status(e.id)).toEqual({ status: "rejected", round: 1 });
    expect(db.$client.prepare("select vote, reason from expense_votes where expense_id = ?").all(e.id)).toEqual([
      { vote: "reject", reason: "Not fund business." },
    ]);
    expect(refusal(() => actOnExpense(db, requester, e.id, "resubmit"))).toEqual({
      status: 409,
      message: "You can't resubmit an expense that was rejected.",
    });
  });

  it("a request for changes goes back to the requester; only they resubmit, as round 2", async () => {
    const [requester, ssc, other] = await Promise.all([person(), person("ssc"), person("ssc")]);
    const e = createExpense(db, requester, base, [], true);
    expect(actOnExpense(db, ssc, e.id, "changes", { reason: "Which flight?" }).message).toBe("Changes requested.");
    expect(status(e.id)).toEqual({ status: "changes_requested", round: 1 });
    expect(await unchanged(() => actOnExpense(db, other, e.id, "resubmit"))).toEqual({ status: 403, message: "Only the requester can do that." });
    expect(actOnExpense(db, requester, e.id, "resubmit").message).toBe("Resubmitted: round 2 of votes begins.");
    expect(status(e.id)).toEqual({ status: "submitted", round: 2 });
  });
});

describe("the requester's own moves", () => {
  it("a draft reimbursement may wait for its receipt, but is not submitted without one", async () => {
    const requester = await person();
    const draft = createExpense(db, requester, { ...base, kind: "reimbursement" }, [], false);
    expect(status(draft.id)).toEqual({ status: "draft", round: 1 });
    expect(await unchanged(() => actOnExpense(db, requester, draft.id, "submit"))).toEqual({
      status: 422,
      message: "A reimbursement needs at least one receipt (PDF, PNG or JPEG).",
    });
    expect(await unchanged(() => createExpense(db, requester, { ...base, kind: "reimbursement" }, [], true))).toEqual({
      status: 422,
      field: "receipts",
      message: "A reimbursement needs at least one receipt (PDF, PNG or JPEG): attach it under Receipts.",
    });
    const receipt = { storedName: `r-${draft.id}.pdf`, originalName: "hotel.pdf", mime: "application/pdf", size: 10, sha256: "a".repeat(64) };
    expect(actOnExpense(db, requester, draft.id, "submit", { files: [receipt] }).message).toBe("Submitted to the SSC.");
    expect(status(draft.id)).toEqual({ status: "submitted", round: 1 });
    const filed = createExpense(db, requester, { ...base, kind: "reimbursement" }, [{ ...receipt, storedName: "r-filed.pdf" }], true);
    expect(db.$client.prepare("select action from audit_log where entity_type = 'expense' and entity_id = ?").pluck().all(String(filed.id))).toEqual([
      "expense.submitted",
    ]);
    const pre = createExpense(db, requester, base, [], false);
    expect(actOnExpense(db, requester, pre.id, "submit").message).toBe("Submitted to the SSC.");
    expect(status(pre.id)).toEqual({ status: "submitted", round: 1 });
  });

  it("only the requester cancels, and only before approval", async () => {
    donate(5000);
    const [requester, ssc1, ssc2, admin] = await Promise.all([person(), person("ssc"), person("ssc"), person("admin")]);
    const e = createExpense(db, requester, base, [], true);
    expect(await unchanged(() => actOnExpense(db, admin, e.id, "cancel"))).toEqual({ status: 403, message: "Only the requester can do that." });
    expect(actOnExpense(db, requester, e.id, "cancel").message).toBe("Cancelled.");
    expect(status(e.id)).toEqual({ status: "cancelled", round: 1 });
    const approved = createExpense(db, requester, base, [], true);
    actOnExpense(db, ssc1, approved.id, "approve");
    actOnExpense(db, ssc2, approved.id, "approve");
    expect(await unchanged(() => actOnExpense(db, requester, approved.id, "cancel"))).toEqual({
      status: 409,
      message: "You can't cancel an expense that is already approved.",
    });
  });

  it("someone else's expense is answered as if it did not exist, to act on and to read; an admin reads it", async () => {
    const [requester, other, admin] = await Promise.all([person(), person("packager"), person("admin")]);
    const e = createExpense(db, requester, base, [], true);
    expect(await unchanged(() => actOnExpense(db, other, e.id, "cancel"))).toEqual({ status: 404, message: "There is no such expense." });
    expect(getExpenseForViewer(db, other, e.id)).toBeNull();
    expect(getExpenseForViewer(db, admin, e.id)?.id).toBe(e.id);
    expect(getExpenseForViewer(db, requester, e.id)?.id).toBe(e.id);
  });

  it("a cited pre-approval must be the requester's own pre-approval request", async () => {
    const [requester, other] = await Promise.all([person(), person()]);
    const theirs = createExpense(db, other, base, [], true);
    const mineReimbursement = createExpense(db, requester, { ...base, kind: "reimbursement" }, [], false);
    const mine = createExpense(db, requester, base, [], true);
    for (const preApprovalId of [theirs.id, mineReimbursement.id, 999_999]) {
      const r = await unchanged(() => createExpense(db, requester, { ...base, kind: "reimbursement", preApprovalId }, [], false));
      expect(r).toEqual({ status: 400, field: "preApprovalId", message: "Cite one of your own pre-approval requests." });
    }
    expect(createExpense(db, requester, { ...base, kind: "reimbursement", preApprovalId: mine.id }, [], false).preApprovalId).toBe(mine.id);
  });

  it("a cited target must exist", async () => {
    const requester = await person();
    expect(await unchanged(() => createExpense(db, requester, { ...base, targetId: 999_999 }, [], true))).toEqual({
      status: 400,
      field: "target",
      message: "The cited target does not exist.",
    });
    const target = db.$client.prepare("select id from targets limit 1").pluck().get() as number;
    expect(createExpense(db, requester, { ...base, targetId: target }, [], true).targetId).toBe(target);
  });

  it("a draft asks nobody to vote; submitting it asks every SSC member but the requester; each step is audited", async () => {
    const [requester, ssc] = await Promise.all([person("ssc"), person("ssc")]);
    const asked = (userId: number | null) =>
      db.$client.prepare("select count(*) from notifications where user_id = ? and kind = 'expense_vote_needed'").pluck().get(userId);
    const draft = createExpense(db, requester, base, [], false);
    expect([asked(ssc.userId), asked(requester.userId)]).toEqual([0, 0]);
    actOnExpense(db, requester, draft.id, "submit");
    expect([asked(ssc.userId), asked(requester.userId)]).toEqual([1, 0]);
    actOnExpense(db, ssc, draft.id, "changes", { reason: "Dates?" });
    const trail = db.$client
      .prepare("select action, actor_user_id as who, after_json as after from audit_log where entity_type = 'expense' and entity_id = ? order by id")
      .all(String(draft.id));
    expect(trail).toEqual([
      { action: "expense.drafted", who: requester.userId, after: JSON.stringify({ amountCents: 2000, status: "draft" }) },
      { action: "expense.submit", who: requester.userId, after: JSON.stringify({ status: "submitted", round: 1 }) },
      { action: "expense.vote_changes", who: ssc.userId, after: JSON.stringify({ status: "changes_requested", round: 1, reason: "Dates?" }) },
    ]);
  });

  it("someone not signed in to an account cannot file an expense", async () => {
    expect(await unchanged(() => createExpense(db, { userId: null, label: "github:ghost", source: "web", roles: [] }, base, [], true))).toEqual({
      status: 403,
      message: "Sign in to file an expense.",
    });
  });
});

describe("payment", () => {
  async function approvedExpense(amountCents: number) {
    donate(amountCents);
    const [requester, ssc1, ssc2] = await Promise.all([person(), person("ssc"), person("ssc")]);
    const e = createExpense(db, requester, { ...base, amountCents }, [], true);
    actOnExpense(db, ssc1, e.id, "approve");
    actOnExpense(db, ssc2, e.id, "approve");
    return e;
  }

  it("needs a payment reference, even one of spaces, and a date; nothing is posted without them", async () => {
    const e = await approvedExpense(1500);
    const payer = await person("admin");
    expect(await unchanged(() => actOnExpense(db, payer, e.id, "pay", { paymentReference: "  ", paidOn: "2026-06-10" }))).toEqual({
      status: 422,
      message: "Give the payment reference (e.g. the Expensify report id).",
    });
    expect(await unchanged(() => actOnExpense(db, payer, e.id, "pay", { paymentReference: "EXP-9", paidOn: " " }))).toEqual({
      status: 422,
      message: "Give the payment date as a real date, YYYY-MM-DD.",
    });
  });

  it("posts one negative entry of the expense's cents, with the trimmed reference and the date paid", async () => {
    const e = await approvedExpense(1234);
    const payer = await person("ssc");
    const [balance, committed] = [getBalance(db), getCommitted(db)];
    expect(actOnExpense(db, payer, e.id, "pay", { paymentReference: " EXP-42 ", paidOn: " 2026-06-12 " }).expense).toMatchObject({
      status: "paid",
      paymentReference: "EXP-42",
      paidOn: "2026-06-12",
    });
    expect(
      db.$client.prepare("select kind, amount_cents as cents, occurred_on as day, reference, memo from ledger_entries where expense_id = ?").all(e.id),
    ).toEqual([{ kind: "reimbursement", cents: -1234, day: "2026-06-12", reference: "EXP-42", memo: "Trip to KubeCon" }]);
    expect([getBalance(db), getCommitted(db)]).toEqual([balance - 1234, committed - 1234]);
    expect(
      db.$client
        .prepare(
          "select actor_user_id as who, before_json as before, after_json as after from audit_log where entity_type = 'expense' and entity_id = ? and action = 'expense.paid'",
        )
        .all(String(e.id)),
    ).toEqual([
      {
        who: payer.userId,
        before: JSON.stringify({ status: "approved" }),
        after: JSON.stringify({ status: "paid", reference: "EXP-42", paidOn: "2026-06-12" }),
      },
    ]);
    const again = actOnExpense(db, payer, e.id, "pay", { paymentReference: "EXP-43", paidOn: "2026-06-13" });
    expect(again.message).toBe("Already paid (EXP-42); nothing was posted again.");
    expect(getBalance(db)).toBe(balance - 1234);
  });

  it("without any payment reference nothing is posted; an approved expense cannot be sent back for changes", async () => {
    const e = await approvedExpense(900);
    const [payer, ssc] = await Promise.all([person("admin"), person("ssc")]);
    expect(await unchanged(() => actOnExpense(db, payer, e.id, "pay", { paidOn: "2026-06-10" }))).toEqual({
      status: 422,
      message: "Give the payment reference (e.g. the Expensify report id).",
    });
    expect(await unchanged(() => actOnExpense(db, payer, e.id, "pay", { paymentReference: "EXP-1" }))).toEqual({
      status: 422,
      message: "Give the payment date as a real date, YYYY-MM-DD.",
    });
    expect(await unchanged(() => actOnExpense(db, ssc, e.id, "changes", { reason: "More detail" }))).toEqual({
      status: 409,
      message: "You can't request changes to an expense that is already approved.",
    });
  });

  it("an expense waiting for votes cannot be paid", async () => {
    donate(3000);
    const [requester, payer] = await Promise.all([person(), person("admin")]);
    const e = createExpense(db, requester, base, [], true);
    expect(await unchanged(() => actOnExpense(db, payer, e.id, "pay", { paymentReference: "X", paidOn: "2026-06-10" }))).toEqual({
      status: 409,
      message: "You can't pay an expense that is waiting for votes.",
    });
  });
});

describe("who is told what", () => {
  const told = (userId: number | null, expenseId: number) =>
    db.$client.prepare("select kind, title, body from notifications where user_id = ? and link = ? order by id").all(userId, `/expenses/${expenseId}`) as {
      kind: string;
      title: string;
      body: string;
    }[];

  it("the SSC is asked to vote, again after changes; the requester hears of changes asked, approval and payment; the payers hear it waits for them", async () => {
    donate(2000);
    const [requester, ssc1, ssc2, admin] = await Promise.all([person(), person("ssc"), person("ssc"), person("admin")]);
    const e = createExpense(db, requester, { ...base, title: "Told trip" }, [], true);
    actOnExpense(db, ssc1, e.id, "changes", { reason: "Which flight?" });
    actOnExpense(db, requester, e.id, "resubmit");
    actOnExpense(db, ssc1, e.id, "approve");
    actOnExpense(db, ssc2, e.id, "approve");
    actOnExpense(db, admin, e.id, "pay", { paymentReference: "EXP-77", paidOn: "2026-06-20" });

    expect(told(ssc2.userId, e.id)).toEqual([
      { kind: "expense_vote_needed", title: `Expense #${e.id} needs your vote: Told trip`, body: '$20.00 for "Told trip" (KubeCon) waits for your vote.' },
      {
        kind: "expense_vote_needed",
        title: `Expense #${e.id} needs your vote: Told trip`,
        body: '$20.00 for "Told trip" (KubeCon) waits for your vote (round 2, after changes).',
      },
      {
        kind: "expense_payment_waiting",
        title: `Expense #${e.id} waits for payment: Told trip`,
        body: `$20.00 for "Told trip" is approved (the last vote by ${ssc2.label}). Pay it, then record the payment reference.`,
      },
    ]);
    expect(told(admin.userId, e.id).map((n) => n.kind)).toEqual(["expense_payment_waiting"]);
    expect(told(requester.userId, e.id)).toEqual([
      {
        kind: "expense_changes_requested",
        title: `Expense #${e.id} changes requested: Told trip`,
        body: 'The SSC asks for changes to your request of $20.00 for "Told trip": "Which flight?" Change it and resubmit it.',
      },
      {
        kind: "expense_approved",
        title: `Expense #${e.id} approved: Told trip`,
        body: 'Your request of $20.00 for "Told trip" is approved. It will be paid once someone records the payment.',
      },
      { kind: "expense_paid", title: `Expense #${e.id} paid: Told trip`, body: 'Your request of $20.00 for "Told trip" is paid (reference EXP-77).' },
    ]);
  });

  it("a rejection tells the requester why; a vote that changes nothing tells nobody", async () => {
    donate(2000);
    const [requester, ssc1, ssc2] = await Promise.all([person(), person("ssc"), person("ssc")]);
    const e = createExpense(db, requester, { ...base, title: "Rejected trip" }, [], true);
    actOnExpense(db, ssc1, e.id, "approve"); // one of two: still waiting
    expect(told(requester.userId, e.id)).toEqual([]);
    actOnExpense(db, ssc2, e.id, "reject", { reason: "Over budget." });
    expect(told(requester.userId, e.id)).toEqual([
      {
        kind: "expense_rejected",
        title: `Expense #${e.id} rejected: Rejected trip`,
        body: 'Your request of $20.00 for "Rejected trip" was rejected. The reason given: "Over budget."',
      },
    ]);
  });

  it("what a reader of the expense sees: the requester and each vote by name, in order", async () => {
    donate(2000);
    const [requester, ssc1, ssc2] = await Promise.all([person(), person("ssc"), person("ssc")]);
    const e = createExpense(db, requester, base, [], true);
    actOnExpense(db, ssc1, e.id, "approve");
    actOnExpense(db, ssc2, e.id, "changes", { reason: "Receipt?" });
    const detail = getExpenseForViewer(db, requester, e.id)!;
    expect(detail.requester).toBe(requester.label);
    expect(detail.votes.map((v) => [v.voter, v.vote, v.reason])).toEqual([
      [ssc1.label, "approve", null],
      [ssc2.label, "changes", "Receipt?"],
    ]);
  });
});

describe("receipts, lists and the public record", () => {
  const receipt = (name: string) => ({ storedName: name, originalName: `${name}.pdf`, mime: "application/pdf", size: 10, sha256: "b".repeat(64) });

  it("an expense holds at most 5 receipts, counting those it has; the sixth is refused and nothing is stored", async () => {
    const requester = await person();
    const stamp = Date.now();
    const draft = createExpense(
      db,
      requester,
      { ...base, kind: "reimbursement" },
      [1, 2, 3].map((i) => receipt(`five-${stamp}-${i}`)),
      false,
    );
    const stored = () => db.$client.prepare("select count(*) from receipts where expense_id = ?").pluck().get(draft.id);
    expect(await unchanged(() => actOnExpense(db, requester, draft.id, "submit", { files: [4, 5, 6].map((i) => receipt(`five-${stamp}-${i}`)) }))).toEqual({
      status: 422,
      message: "An expense can have at most 5 receipts.",
    });
    actOnExpense(db, requester, draft.id, "submit", { files: [4, 5].map((i) => receipt(`five-${stamp}-${i}`)) });
    expect(stored()).toBe(5);
    expect([1, 2, 3, 4, 5].every((i) => listStoredReceiptNames(db).has(`five-${stamp}-${i}`))).toBe(true);
  });

  it("a person's list holds their own expenses; SSC members and admins see everyone's; a missing expense is not found", async () => {
    const [mine, theirs, ssc] = await Promise.all([person(), person(), person("ssc")]);
    const a = createExpense(db, mine, { ...base, title: "Mine" }, [], false);
    const b = createExpense(db, theirs, { ...base, title: "Theirs" }, [], false);
    expect(listExpenses(db, mine).map((e) => e.id)).toEqual([a.id]);
    expect(listExpenses(db, ssc).map((e) => e.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(listExpenses(db, { userId: null, label: "anonymous", source: "web", roles: [] })).toEqual([]);
    expect(refusal(() => actOnExpense(db, mine, 99_999_999, "submit"))).toEqual({ status: 404, message: "There is no such expense." });
  });

  it("the public record of a target lists approved and paid expenses only, naming the requester only when they chose so", async () => {
    donate(4000);
    const [named, unnamed, ssc1, ssc2] = await Promise.all([person(), person(), person("ssc"), person("ssc")]);
    const targetId = (db.$client.prepare("select id from targets where slug = 'mysql'").pluck().get() as number)!;
    const approved = (who: Person, publicRequester: boolean, title: string) => {
      const e = createExpense(db, who, { ...base, title, targetId, publicRequester }, [], true);
      actOnExpense(db, ssc1, e.id, "approve");
      actOnExpense(db, ssc2, e.id, "approve");
      return e;
    };
    approved(named, true, "Named talk");
    approved(unnamed, false, "Unnamed talk");
    createExpense(db, named, { ...base, title: "Waiting talk", targetId, publicRequester: true }, [], true);
    expect(
      listPublicExpensesFor(db, { targetId })
        .map((e) => [e.title, e.requester])
        .sort(),
    ).toEqual([
      ["Named talk", named.label],
      ["Unnamed talk", null],
    ]);
    expect(listPublicExpensesFor(db, {})).toEqual([]);
  });

  it("each vote is audited with the status before and after, the round and the reason", async () => {
    donate(2000);
    const [requester, ssc1, ssc2] = await Promise.all([person(), person("ssc"), person("ssc")]);
    const e = createExpense(db, requester, base, [], true);
    actOnExpense(db, ssc1, e.id, "approve");
    actOnExpense(db, ssc2, e.id, "changes", { reason: "Receipt?" });
    expect(
      db.$client
        .prepare(
          "select action, before_json as b, after_json as a from audit_log where entity_type = 'expense' and entity_id = ? and action like 'expense.vote_%' order by id",
        )
        .all(String(e.id)),
    ).toEqual([
      { action: "expense.vote_approve", b: '{"status":"submitted"}', a: '{"status":"submitted","round":1,"reason":null}' },
      { action: "expense.vote_changes", b: '{"status":"submitted"}', a: '{"status":"changes_requested","round":1,"reason":"Receipt?"}' },
    ]);
  });
});
