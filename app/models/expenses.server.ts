import { and, asc, count, desc, eq, inArray, notExists, sql } from "drizzle-orm";
import { bounties, expenses, expenseVotes, receipts, targets, users, type ExpenseCategory, type ExpenseStatus, type Role } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { env } from "../env.server";
import { formatMoney } from "../lib/money";
import { recordAudit, type Actor } from "./audit.server";
import { Conflict, Forbidden, InvalidTransition, NotFound, Unprocessable, InvalidField } from "./errors";
import { getBalance, getCommitted, InsufficientFunds, isIsoDate, post } from "./ledger.server";
import { notify, userIdsWithRole } from "./notifications.server";
import { maySeeBounty } from "./permissions.server";

export type ExpenseRow = typeof expenses.$inferSelect;
export type ReceiptRow = typeof receipts.$inferSelect;

export interface Person extends Actor {
  roles: Role[];
}

const isApprover = (p: Person) => p.roles.includes("ssc");
const isFundOfficer = (p: Person) => p.roles.includes("ssc") || p.roles.includes("admin");

/** Who may see an expense's private details and receipts. */
export function canSee(p: Person, e: { requesterUserId: number }): boolean {
  return (p.userId !== null && p.userId === e.requesterUserId) || isFundOfficer(p);
}

export interface NewReceipt {
  storedName: string;
  originalName: string;
  mime: string;
  size: number;
  sha256: string;
}

export interface ExpenseInput {
  kind: "pre_approval" | "reimbursement";
  title: string;
  event: string;
  category: ExpenseCategory;
  amountCents: number;
  spentOn: string;
  description: string;
  bountyId: number | null;
  targetId: number | null;
  preApprovalId: number | null;
  publicRequester: boolean;
}

function requireExpense(tx: Tx | Db, id: number): ExpenseRow {
  const row = tx.select().from(expenses).where(eq(expenses.id, id)).get();
  if (!row) throw new NotFound("There is no such expense.");
  return row;
}

function receiptCount(tx: Tx | Db, id: number): number {
  return tx.select({ n: count() }).from(receipts).where(eq(receipts.expenseId, id)).get()?.n ?? 0;
}

function addReceipts(tx: Tx, actor: Person, expenseId: number, files: NewReceipt[], now: number) {
  if (receiptCount(tx, expenseId) + files.length > 5) throw new Unprocessable("An expense can have at most 5 receipts.");
  for (const f of files)
    tx.insert(receipts)
      .values({ ...f, expenseId, uploadedByUserId: actor.userId!, createdAt: now })
      .run();
}

/** A reimbursement sent without a receipt (422), tied to the form's receipts field. */
export class MissingReceipt extends Unprocessable {
  readonly field = "receipts";
}

/** A cited bounty, target or pre-approval the requester may not cite; `field` names the form field. */
export class InvalidCitation extends InvalidField {
  constructor(field: "bountyId" | "target" | "preApprovalId", message: string) {
    super(field, message);
  }
}

/**
 * Files an expense (a draft, or submitted at once) with its receipts, in one transaction.
 * A reimbursement needs a receipt before it is submitted. A cited bounty must be one the
 * requester may see (`maySeeBounty`); a cited pre-approval must be the requester's own.
 * @throws Forbidden, InvalidCitation (names the field), Unprocessable
 */
export function createExpense(db: Db, actor: Person, input: ExpenseInput, files: NewReceipt[], submit: boolean, now = Date.now()): ExpenseRow {
  if (actor.userId === null) throw new Forbidden("Sign in to file an expense.");
  return writeTx(db, (tx) => {
    if (input.bountyId !== null) {
      // A bounty the requester may not see is answered exactly like one that does not exist.
      const cited = tx
        .select({ status: bounties.status, createdByUserId: bounties.createdByUserId })
        .from(bounties)
        .where(eq(bounties.id, input.bountyId))
        .get();
      if (!cited || !maySeeBounty(actor, cited))
        throw new InvalidCitation(
          "bountyId",
          `There is no bounty #${input.bountyId} you can cite: give the number shown on a bounty's page, or leave it empty.`,
        );
    }
    if (input.targetId !== null && !tx.select({ id: targets.id }).from(targets).where(eq(targets.id, input.targetId)).get())
      throw new InvalidCitation("target", "The cited target does not exist.");
    if (input.preApprovalId !== null) {
      const pre = tx.select().from(expenses).where(eq(expenses.id, input.preApprovalId)).get();
      if (!pre || pre.requesterUserId !== actor.userId || pre.kind !== "pre_approval")
        throw new InvalidCitation("preApprovalId", "Cite one of your own pre-approval requests.");
    }
    if (submit && input.kind === "reimbursement" && files.length === 0)
      throw new MissingReceipt("A reimbursement needs at least one receipt (PDF, PNG or JPEG): attach it under Receipts.");
    const row = tx
      .insert(expenses)
      .values({ ...input, requesterUserId: actor.userId!, currency: env.FUND_CURRENCY, status: submit ? "submitted" : "draft", createdAt: now, updatedAt: now })
      .returning()
      .get();
    addReceipts(tx, actor, row.id, files, now);
    if (submit) askForVotes(tx, row, now);
    recordAudit(
      tx,
      actor,
      {
        action: submit ? "expense.submitted" : "expense.drafted",
        entityType: "expense",
        entityId: row.id,
        after: { amountCents: row.amountCents, status: row.status },
      },
      now,
    );
    return row;
  });
}

export type ExpenseIntent = "submit" | "cancel" | "approve" | "reject" | "changes" | "resubmit" | "pay";

const MOVES: Record<ExpenseIntent, Partial<Record<ExpenseStatus, ExpenseStatus>>> = {
  submit: { draft: "submitted" },
  cancel: { draft: "cancelled", submitted: "cancelled", changes_requested: "cancelled" },
  approve: { submitted: "submitted" }, // becomes approved at quorum
  reject: { submitted: "rejected" },
  changes: { submitted: "changes_requested" },
  resubmit: { changes_requested: "submitted" },
  pay: { approved: "paid" },
};

const STATE_WORDS: Record<ExpenseStatus, string> = {
  draft: "is a draft",
  submitted: "is waiting for votes",
  approved: "is already approved",
  rejected: "was rejected",
  changes_requested: "is waiting for the requester's changes",
  paid: "is already paid",
  cancelled: "was cancelled",
};

export interface ExpenseActionInput {
  reason?: string | null;
  paymentReference?: string | null;
  paidOn?: string | null;
  files?: NewReceipt[];
}

export interface ExpenseActionResult {
  expense: ExpenseRow;
  message: string;
}

/**
 * One decision on an expense, in one BEGIN IMMEDIATE transaction with its audit record:
 * the requester submits, resubmits (a new round) or cancels before approval; SSC members
 * vote (never on their own request, once per round; SSC_QUORUM approvals approve it, a
 * rejection or a request for changes needs a reason); SSC members and admins other than
 * the requester mark an approved expense paid, which posts its ledger entry exactly once.
 * @throws NotFound, Forbidden, InvalidTransition (409), Conflict, InsufficientFunds, Unprocessable
 */
export function actOnExpense(db: Db, actor: Person, id: number, intent: ExpenseIntent, input: ExpenseActionInput = {}, now = Date.now()): ExpenseActionResult {
  return writeTx(db, (tx) => {
    const e = requireExpense(tx, id);
    if (!canSee(actor, e)) throw new NotFound("There is no such expense.");
    const own = actor.userId === e.requesterUserId;
    const reason = input.reason?.trim() || null;

    if (intent === "pay" && e.status === "paid") return { expense: e, message: `Already paid (${e.paymentReference}); nothing was posted again.` };
    const next = MOVES[intent][e.status];
    if (!next) throw new InvalidTransition(`You can't ${intent === "changes" ? "request changes to" : intent} an expense that ${STATE_WORDS[e.status]}.`);

    switch (intent) {
      case "submit":
      case "resubmit":
      case "cancel": {
        if (!own) throw new Forbidden("Only the requester can do that.");
        if (intent !== "cancel") {
          if (input.files?.length) addReceipts(tx, actor, id, input.files, now);
          if (e.kind === "reimbursement" && receiptCount(tx, id) === 0)
            throw new Unprocessable("A reimbursement needs at least one receipt (PDF, PNG or JPEG).");
        }
        const round = intent === "resubmit" ? e.round + 1 : e.round;
        tx.update(expenses).set({ status: next, round, updatedAt: now }).where(eq(expenses.id, id)).run();
        if (next === "submitted") askForVotes(tx, { ...e, round }, now);
        recordAudit(
          tx,
          actor,
          { action: `expense.${intent}`, entityType: "expense", entityId: id, before: { status: e.status, round: e.round }, after: { status: next, round } },
          now,
        );
        return {
          expense: requireExpense(tx, id),
          message: intent === "cancel" ? "Cancelled." : intent === "submit" ? "Submitted to the SSC." : `Resubmitted: round ${round} of votes begins.`,
        };
      }
      case "approve":
      case "reject":
      case "changes": {
        if (!isApprover(actor)) throw new Forbidden("Only SSC members vote on expenses.");
        if (own) throw new Forbidden("You cannot vote on your own expense.");
        if (intent !== "approve" && !reason) throw new Unprocessable(intent === "reject" ? "Say why you reject it." : "Say what needs to change.");
        const voted = tx
          .select({ id: expenseVotes.id })
          .from(expenseVotes)
          .where(and(eq(expenseVotes.expenseId, id), eq(expenseVotes.round, e.round), eq(expenseVotes.voterUserId, actor.userId!)))
          .get();
        if (voted) throw new Conflict("You have already voted on this round.");
        let status: ExpenseStatus = next;
        if (intent === "approve") {
          const available = getBalance(tx) - getCommitted(tx);
          if (e.amountCents > available) {
            throw new InsufficientFunds(
              `Approving ${formatMoney(e.amountCents, e.currency)} would exceed the available ${formatMoney(Math.max(available, 0), e.currency)}.`,
            );
          }
          const approvals =
            tx
              .select({ n: count() })
              .from(expenseVotes)
              .where(and(eq(expenseVotes.expenseId, id), eq(expenseVotes.round, e.round), eq(expenseVotes.vote, "approve")))
              .get()?.n ?? 0;
          status = approvals + 1 >= env.SSC_QUORUM ? "approved" : "submitted";
        }
        tx.insert(expenseVotes).values({ expenseId: id, round: e.round, voterUserId: actor.userId!, vote: intent, reason, createdAt: now }).run();
        if (status !== e.status) {
          tx.update(expenses).set({ status, updatedAt: now }).where(eq(expenses.id, id)).run();
          tellOfDecision(tx, actor, e, status, reason, now);
        }
        recordAudit(
          tx,
          actor,
          { action: `expense.vote_${intent}`, entityType: "expense", entityId: id, before: { status: e.status }, after: { status, round: e.round, reason } },
          now,
        );
        const message =
          intent === "approve"
            ? status === "approved"
              ? "Approved: the quorum is reached."
              : "Your approval is recorded; it needs more."
            : intent === "reject"
              ? "Rejected."
              : "Changes requested.";
        return { expense: requireExpense(tx, id), message };
      }
      case "pay": {
        if (!isFundOfficer(actor)) throw new Forbidden("Only SSC members and admins mark expenses paid.");
        // Two people sign for money leaving the fund: the requester never pays their own.
        if (own) throw new Forbidden("You cannot mark your own expense paid: another SSC member or admin must pay it.");
        const reference = input.paymentReference?.trim();
        const paidOn = input.paidOn?.trim();
        if (!reference) throw new Unprocessable("Give the payment reference (e.g. the Expensify report id).");
        if (!paidOn || !isIsoDate(paidOn)) throw new Unprocessable("Give the payment date as a real date, YYYY-MM-DD.");
        post(tx, actor, { kind: "reimbursement", amountCents: -e.amountCents, occurredOn: paidOn, reference, expenseId: id, memo: e.title }, now);
        tx.update(expenses).set({ status: "paid", paymentReference: reference, paidOn, updatedAt: now }).where(eq(expenses.id, id)).run();
        tellOfDecision(tx, actor, e, "paid", reference, now);
        recordAudit(
          tx,
          actor,
          { action: "expense.paid", entityType: "expense", entityId: id, before: { status: e.status }, after: { status: "paid", reference, paidOn } },
          now,
        );
        return { expense: requireExpense(tx, id), message: "Marked paid; the ledger entry is posted." };
      }
    }
  });
}

/** Every SSC member but the requester hears that a round of votes begins. */
function askForVotes(tx: Tx, e: ExpenseRow, now: number) {
  notify(
    tx,
    {
      kind: "expense_vote_needed",
      recipients: userIdsWithRole(tx, "ssc"),
      exceptUserId: e.requesterUserId,
      eventKey: `expense:${e.id}:round:${e.round}:vote`,
      title: `Expense #${e.id} needs your vote: ${e.title}`,
      body: `${formatMoney(e.amountCents, e.currency)} for "${e.title}" (${e.event}) waits for your vote${e.round > 1 ? ` (round ${e.round}, after changes)` : ""}.`,
      link: `/expenses/${e.id}`,
    },
    now,
  );
}

const DECISION_KINDS = {
  approved: "expense_approved",
  rejected: "expense_rejected",
  changes_requested: "expense_changes_requested",
  paid: "expense_paid",
} as const;

/** The requester hears of a decision on their expense; an approval also tells the SSC and admins it waits for payment. */
function tellOfDecision(tx: Tx, actor: Person, e: ExpenseRow, status: ExpenseStatus, detail: string | null, now: number) {
  const kind = DECISION_KINDS[status as keyof typeof DECISION_KINDS];
  if (!kind) return;
  const amount = formatMoney(e.amountCents, e.currency);
  const words: Record<keyof typeof DECISION_KINDS, string> = {
    approved: `Your request of ${amount} for "${e.title}" is approved. It will be paid once someone records the payment.`,
    rejected: `Your request of ${amount} for "${e.title}" was rejected. The reason given: "${detail ?? ""}"`,
    changes_requested: `The SSC asks for changes to your request of ${amount} for "${e.title}": "${detail ?? ""}" Change it and resubmit it.`,
    paid: `Your request of ${amount} for "${e.title}" is paid (reference ${detail ?? ""}).`,
  };
  const titles: Record<keyof typeof DECISION_KINDS, string> = {
    approved: "approved",
    rejected: "rejected",
    changes_requested: "changes requested",
    paid: "paid",
  };
  const key = status as keyof typeof DECISION_KINDS;
  notify(
    tx,
    {
      kind,
      recipients: [e.requesterUserId],
      eventKey: `expense:${e.id}:round:${e.round}:${status}`,
      title: `Expense #${e.id} ${titles[key]}: ${e.title}`,
      body: words[key],
      link: `/expenses/${e.id}`,
    },
    now,
  );
  if (status === "approved") {
    notify(
      tx,
      {
        kind: "expense_payment_waiting",
        recipients: userIdsWithRole(tx, "ssc", "admin"),
        exceptUserId: e.requesterUserId,
        eventKey: `expense:${e.id}:round:${e.round}:payment`,
        title: `Expense #${e.id} waits for payment: ${e.title}`,
        body: `${amount} for "${e.title}" is approved (the last vote by ${actor.label}). Pay it, then record the payment reference.`,
        link: `/expenses/${e.id}`,
      },
      now,
    );
  }
}

export interface ExpenseDetail extends ExpenseRow {
  requester: string;
  receipts: Pick<ReceiptRow, "id" | "originalName" | "mime" | "size" | "createdAt">[];
  votes: { round: number; voter: string; vote: string; reason: string | null; createdAt: number }[];
  bounty: { id: number; title: string } | null;
  target: { slug: string; name: string } | null;
}

/** The cited bounty's title, only for a viewer who may see that bounty. */
function citedBountyFor(db: Db, viewer: Person, bountyId: number): { id: number; title: string } | null {
  const b = db
    .select({ id: bounties.id, title: bounties.title, status: bounties.status, createdByUserId: bounties.createdByUserId })
    .from(bounties)
    .where(eq(bounties.id, bountyId))
    .get();
  return b && maySeeBounty(viewer, b) ? { id: b.id, title: b.title } : null;
}

/** The expense with its private details, or null when this person may not see it. */
export function getExpenseForViewer(db: Db, viewer: Person, id: number): ExpenseDetail | null {
  const e = db.select().from(expenses).where(eq(expenses.id, id)).get();
  if (!e || !canSee(viewer, e)) return null;
  const requester = db.select({ username: users.username }).from(users).where(eq(users.id, e.requesterUserId)).get();
  return {
    ...e,
    requester: `@${requester?.username ?? "unknown"}`,
    receipts: db
      .select({ id: receipts.id, originalName: receipts.originalName, mime: receipts.mime, size: receipts.size, createdAt: receipts.createdAt })
      .from(receipts)
      .where(eq(receipts.expenseId, id))
      .orderBy(asc(receipts.id))
      .all(),
    votes: db
      .select({ round: expenseVotes.round, voter: users.username, vote: expenseVotes.vote, reason: expenseVotes.reason, createdAt: expenseVotes.createdAt })
      .from(expenseVotes)
      .innerJoin(users, eq(users.id, expenseVotes.voterUserId))
      .where(eq(expenseVotes.expenseId, id))
      .orderBy(asc(expenseVotes.id))
      .all()
      .map((v) => ({ ...v, voter: `@${v.voter}` })),
    bounty: e.bountyId ? citedBountyFor(db, viewer, e.bountyId) : null,
    target: e.targetId ? (db.select({ slug: targets.slug, name: targets.name }).from(targets).where(eq(targets.id, e.targetId)).get() ?? null) : null,
  };
}

/** The stored file behind a receipt, for someone allowed to see it; else null (404). */
export function getReceiptForViewer(db: Db, viewer: Person, expenseId: number, receiptId: number): ReceiptRow | null {
  const e = db.select().from(expenses).where(eq(expenses.id, expenseId)).get();
  if (!e || !canSee(viewer, e)) return null;
  return (
    db
      .select()
      .from(receipts)
      .where(and(eq(receipts.id, receiptId), eq(receipts.expenseId, expenseId)))
      .get() ?? null
  );
}

export function listStoredReceiptNames(db: Db): Set<string> {
  return new Set(
    db
      .select({ n: receipts.storedName })
      .from(receipts)
      .all()
      .map((r) => r.n),
  );
}

/** A person's own expenses; SSC members and admins see everyone's. */
export function listExpenses(db: Db, viewer: Person) {
  return db
    .select({
      id: expenses.id,
      title: expenses.title,
      event: expenses.event,
      kind: expenses.kind,
      status: expenses.status,
      amountCents: expenses.amountCents,
      currency: expenses.currency,
      spentOn: expenses.spentOn,
      requester: users.username,
      demo: expenses.demo,
    })
    .from(expenses)
    .innerJoin(users, eq(users.id, expenses.requesterUserId))
    .where(isFundOfficer(viewer) ? undefined : eq(expenses.requesterUserId, viewer.userId ?? -1))
    .orderBy(desc(expenses.id))
    .all();
}

/** An expense as the work queues list it (joined to its requester). */
export const expenseQueueColumns = {
  id: expenses.id,
  title: expenses.title,
  event: expenses.event,
  amountCents: expenses.amountCents,
  currency: expenses.currency,
  requester: users.username,
  demo: expenses.demo,
};

/** Submitted expenses this SSC member has not voted on in the current round (not their own). */
export function listAwaitingVote(db: Db, voterUserId: number) {
  return db
    .select({ ...expenseQueueColumns, round: expenses.round, createdAt: expenses.createdAt })
    .from(expenses)
    .innerJoin(users, eq(users.id, expenses.requesterUserId))
    .where(
      and(
        eq(expenses.status, "submitted"),
        sql`${expenses.requesterUserId} <> ${voterUserId}`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(expenseVotes)
            .where(and(eq(expenseVotes.expenseId, expenses.id), eq(expenseVotes.round, expenses.round), eq(expenseVotes.voterUserId, voterUserId))),
        ),
      ),
    )
    .orderBy(asc(expenses.createdAt))
    .all();
}

/** Approved and paid expenses that cite a bounty or a target: their public record. */
export function listPublicExpensesFor(db: Db, ref: { bountyId?: number; targetId?: number }) {
  return db
    .select({
      id: expenses.id,
      title: expenses.title,
      event: expenses.event,
      category: expenses.category,
      amountCents: expenses.amountCents,
      currency: expenses.currency,
      status: expenses.status,
      spentOn: expenses.spentOn,
      publicRequester: expenses.publicRequester,
      requester: users.username,
      demo: expenses.demo,
    })
    .from(expenses)
    .innerJoin(users, eq(users.id, expenses.requesterUserId))
    .where(and(inArray(expenses.status, ["approved", "paid"]), ref.bountyId ? eq(expenses.bountyId, ref.bountyId) : eq(expenses.targetId, ref.targetId ?? -1)))
    .orderBy(desc(expenses.spentOn))
    .all()
    .map(({ publicRequester, requester, ...rest }) => ({ ...rest, requester: publicRequester ? `@${requester}` : null }));
}
