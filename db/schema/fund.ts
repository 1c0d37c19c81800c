// The community fund
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { LEDGER_KINDS, EXPENSE_KINDS, EXPENSE_CATEGORIES, EXPENSE_STATUSES, VOTES } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { bounties } from "./bounties";
import { targets } from "./catalog";
import { sqlList } from "./columns";

/**
 * The fund's append-only ledger (triggers refuse UPDATE and DELETE). Donations are +,
 * reimbursements paid are −, a correction is a reversal entry pointing at what it undoes.
 * The balance is the sum of the entries; nothing else stores it.
 */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: LEDGER_KINDS }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    /** YYYY-MM-DD: when the money moved (outside Club Zero). */
    occurredOn: text("occurred_on").notNull(),
    /** Donations: the donor, or null for anonymous. */
    donor: text("donor"),
    /** Donations: the crowdfunding transaction id. Payments: the payment reference. */
    reference: text("reference"),
    expenseId: integer("expense_id").references((): AnySQLiteColumn => expenses.id),
    reversesEntryId: integer("reverses_entry_id").references((): AnySQLiteColumn => ledgerEntries.id),
    memo: text("memo"),
    createdByUserId: integer("created_by_user_id").references(() => users.id),
    /** Demo history (db/seed.ts, SEED_DEMO=1 outside production): never real money, marked wherever it shows. */
    demo: integer("demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("ledger_entries_amount_integer", sql`typeof(${t.amountCents}) = 'integer'`),
    check("ledger_entries_kind_check", sql`${t.kind} in (${sqlList(LEDGER_KINDS)})`),
    check(
      "ledger_entries_sign_check",
      sql`(${t.kind} = 'donation' and ${t.amountCents} > 0) or (${t.kind} = 'reimbursement' and ${t.amountCents} < 0) or (${t.kind} = 'reversal' and ${t.amountCents} <> 0 and ${t.reversesEntryId} is not null)`,
    ),
    // A crowdfunding transaction is imported once; an expense is paid once; an entry is reversed once.
    uniqueIndex("ledger_entries_donation_reference_unique")
      .on(t.reference)
      .where(sql`${t.kind} = 'donation' and ${t.reference} is not null`),
    uniqueIndex("ledger_entries_expense_payment_unique")
      .on(t.expenseId)
      .where(sql`${t.kind} = 'reimbursement'`),
    uniqueIndex("ledger_entries_reversal_unique").on(t.reversesEntryId),
    index("ledger_entries_occurred_idx").on(t.occurredOn),
    // covers the fund page's per-day totals (an index-only pass, no table reads)
    index("ledger_entries_day_totals_idx").on(t.occurredOn, t.kind, t.amountCents),
    // Every page asks whether demo rows exist (the banner): one probe of an index holding only them.
    index("ledger_entries_demo_idx")
      .on(t.demo)
      .where(sql`${t.demo} = 1`),
  ],
);

export const expenses = sqliteTable(
  "expenses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    requesterUserId: integer("requester_user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: EXPENSE_KINDS }).notNull(),
    title: text("title").notNull(),
    event: text("event").notNull(),
    category: text("category", { enum: EXPENSE_CATEGORIES }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    spentOn: text("spent_on").notNull(),
    description: text("description").notNull(),
    bountyId: integer("bounty_id").references(() => bounties.id),
    targetId: integer("target_id").references(() => targets.id),
    preApprovalId: integer("pre_approval_id").references((): AnySQLiteColumn => expenses.id),
    /** The requester agreed to be named on the public ledger. */
    publicRequester: integer("public_requester", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: EXPENSE_STATUSES }).notNull(),
    /** Each resubmission after "changes requested" is a new round of votes. */
    round: integer("round").notNull().default(1),
    paymentReference: text("payment_reference"),
    paidOn: text("paid_on"),
    /** Demo history (db/seed.ts): never real money, marked wherever it shows. */
    demo: integer("demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    check("expenses_amount_check", sql`typeof(${t.amountCents}) = 'integer' and ${t.amountCents} > 0`),
    check("expenses_status_check", sql`${t.status} in (${sqlList(EXPENSE_STATUSES)})`),
    check("expenses_category_check", sql`${t.category} in (${sqlList(EXPENSE_CATEGORIES)})`),
    check("expenses_kind_check", sql`${t.kind} in (${sqlList(EXPENSE_KINDS)})`),
    index("expenses_status_idx").on(t.status),
    index("expenses_requester_idx").on(t.requesterUserId),
    index("expenses_bounty_idx").on(t.bountyId),
    index("expenses_target_idx").on(t.targetId),
    // see ledger_entries_demo_idx
    index("expenses_demo_idx")
      .on(t.demo)
      .where(sql`${t.demo} = 1`),
  ],
);

export const expenseVotes = sqliteTable(
  "expense_votes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    expenseId: integer("expense_id")
      .notNull()
      .references(() => expenses.id),
    round: integer("round").notNull(),
    voterUserId: integer("voter_user_id")
      .notNull()
      .references(() => users.id),
    vote: text("vote", { enum: VOTES }).notNull(),
    reason: text("reason"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // One vote per member per round: a second click cannot count twice.
    uniqueIndex("expense_votes_one_per_round").on(t.expenseId, t.round, t.voterUserId),
    check("expense_votes_vote_check", sql`${t.vote} in (${sqlList(VOTES)})`),
  ],
);

export const receipts = sqliteTable(
  "receipts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    expenseId: integer("expense_id")
      .notNull()
      .references(() => expenses.id),
    /** 32 random hex characters: the file's name in UPLOADS_DIR. */
    storedName: text("stored_name").notNull(),
    /** Sanitised, for display only. */
    originalName: text("original_name").notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    uploadedByUserId: integer("uploaded_by_user_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("receipts_stored_name_unique").on(t.storedName), index("receipts_expense_idx").on(t.expenseId)],
);
