import { parse } from "csv-parse/sync";
import { and, eq, inArray, sql } from "drizzle-orm";
import { expenses, ledgerEntries, type LedgerKind } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { env } from "../env.server";
import { chartSeries, type ChartStep } from "../lib/fund-chart";
import { formatMoney, parseMoney, sumCents } from "../lib/money";
import { recordAudit, type Actor } from "./audit.server";
import { Conflict, NotFound, Unprocessable } from "./errors";

export type LedgerEntry = typeof ledgerEntries.$inferSelect;

export class InsufficientFunds extends Unprocessable {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export function isIsoDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The fund's balance: the sum of its entries, computed, never stored. */
export function getBalance(tx: Tx | Db): number {
  return (
    tx
      .select({ total: sql<number>`coalesce(sum(${ledgerEntries.amountCents}), 0)` })
      .from(ledgerEntries)
      .get()?.total ?? 0
  );
}

/** Approved but not yet paid. */
export function getCommitted(tx: Tx | Db): number {
  return (
    tx
      .select({ total: sql<number>`coalesce(sum(${expenses.amountCents}), 0)` })
      .from(expenses)
      .where(eq(expenses.status, "approved"))
      .get()?.total ?? 0
  );
}

export interface PostInput {
  kind: LedgerKind;
  amountCents: number;
  occurredOn: string;
  donor?: string | null;
  reference?: string | null;
  expenseId?: number | null;
  reversesEntryId?: number | null;
  memo?: string | null;
}

/**
 * The one way an entry is written. Call it inside the transaction that decides it. A
 * negative entry that would take the balance below zero is refused.
 * @throws InsufficientFunds
 */
export function post(tx: Tx, actor: Actor, input: PostInput, now = Date.now()): LedgerEntry {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents === 0) throw new Unprocessable("An entry needs a non-zero whole number of cents.");
  if (!isIsoDate(input.occurredOn)) throw new Unprocessable(`"${input.occurredOn}" is not a date (YYYY-MM-DD).`);
  if (input.amountCents < 0) {
    const balance = getBalance(tx);
    if (balance + input.amountCents < 0) {
      throw new InsufficientFunds(
        `The fund holds ${formatMoney(balance, env.FUND_CURRENCY)}, less than ${formatMoney(-input.amountCents, env.FUND_CURRENCY)}.`,
      );
    }
  }
  const entry = tx
    .insert(ledgerEntries)
    .values({ ...input, currency: env.FUND_CURRENCY, createdByUserId: actor.userId, createdAt: now })
    .returning()
    .get();
  recordAudit(
    tx,
    actor,
    {
      action: `ledger.${input.kind}`,
      entityType: "ledger_entry",
      entityId: entry.id,
      after: {
        amountCents: entry.amountCents,
        currency: entry.currency,
        reference: entry.reference,
        expenseId: entry.expenseId,
        reversesEntryId: entry.reversesEntryId,
      },
    },
    now,
  );
  return entry;
}

export interface DonationInput {
  date: string;
  donor: string | null;
  amountCents: number;
  currency: string;
  reference: string | null;
  note: string | null;
}

function donationRefused(currency: string): string | null {
  return currency === env.FUND_CURRENCY ? null : `This fund is kept in ${env.FUND_CURRENCY}; record the donation in ${env.FUND_CURRENCY}.`;
}

/** Records one donation. @throws Conflict (reference already recorded), Unprocessable */
export function recordDonation(db: Db, actor: Actor, input: DonationInput, now = Date.now()): LedgerEntry {
  const wrongCurrency = donationRefused(input.currency);
  if (wrongCurrency) throw new Unprocessable(wrongCurrency);
  return writeTx(db, (tx) => {
    if (
      input.reference &&
      tx
        .select({ id: ledgerEntries.id })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.kind, "donation"), eq(ledgerEntries.reference, input.reference)))
        .get()
    ) {
      throw new Conflict(`A donation with reference ${input.reference} is already recorded.`);
    }
    return post(
      tx,
      actor,
      { kind: "donation", amountCents: input.amountCents, occurredOn: input.date, donor: input.donor, reference: input.reference, memo: input.note },
      now,
    );
  });
}

export class CsvRowError extends Unprocessable {}

/**
 * Imports donations from CSV (`date,donor,amount,currency,reference`, header row first).
 * All or nothing: a bad row imports nothing and names its line and field. References
 * already recorded (or repeated in the file) are skipped and reported.
 */
export function importDonationsCsv(db: Db, actor: Actor, csv: string, now = Date.now()): { imported: number; skipped: string[] } {
  let records: string[][];
  try {
    records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (error) {
    throw new CsvRowError(`The CSV could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = records[0]?.map((h) => h.toLowerCase());
  if (!header || header.join(",") !== "date,donor,amount,currency,reference") {
    throw new CsvRowError("Line 1: the header must be exactly date,donor,amount,currency,reference.");
  }
  const rows = records.slice(1).map((cells, i) => {
    const line = i + 2;
    const [date, donor, amount, currency, reference] = cells as [string, string, string, string, string];
    if (!isIsoDate(date)) throw new CsvRowError(`Line ${line}, field date: "${date}" is not a date like 2026-03-01.`);
    const cents = parseMoney(amount);
    if (cents === null || cents === 0) throw new CsvRowError(`Line ${line}, field amount: "${amount}" is not an amount like 25.00.`);
    const wrongCurrency = donationRefused(currency);
    if (wrongCurrency) throw new CsvRowError(`Line ${line}, field currency: ${wrongCurrency}`);
    if (!reference) throw new CsvRowError(`Line ${line}, field reference: the crowdfunding transaction id is missing.`);
    if (reference.length > 200 || donor.length > 200) throw new CsvRowError(`Line ${line}: a field is longer than 200 characters.`);
    return { line, date, donor: donor || null, cents, reference };
  });
  if (rows.length === 0) throw new CsvRowError("The CSV has no donations after its header.");
  return writeTx(db, (tx) => {
    const known = new Set(
      tx
        .select({ ref: ledgerEntries.reference })
        .from(ledgerEntries)
        .where(
          and(
            eq(ledgerEntries.kind, "donation"),
            inArray(
              ledgerEntries.reference,
              rows.map((r) => r.reference),
            ),
          ),
        )
        .all()
        .map((r) => r.ref),
    );
    const skipped: string[] = [];
    let imported = 0;
    for (const r of rows) {
      if (known.has(r.reference)) {
        skipped.push(`line ${r.line}: ${r.reference} is already recorded`);
        continue;
      }
      known.add(r.reference);
      post(tx, actor, { kind: "donation", amountCents: r.cents, occurredOn: r.date, donor: r.donor, reference: r.reference, memo: "CSV import" }, now);
      imported++;
    }
    return { imported, skipped };
  });
}

/**
 * Corrects an entry by posting its opposite, linked to it. An entry is reversed at most
 * once, and reversals and payments are not reversed here.
 * @throws NotFound, Conflict, InsufficientFunds
 */
export function reverseEntry(db: Db, actor: Actor, entryId: number, reason: string, now = Date.now()): LedgerEntry {
  return writeTx(db, (tx) => {
    const entry = tx.select().from(ledgerEntries).where(eq(ledgerEntries.id, entryId)).get();
    if (!entry) throw new NotFound("There is no such ledger entry.");
    if (entry.kind !== "donation") throw new Conflict("Only donations can be reversed here; a payment is corrected with the SSC outside the ledger page.");
    if (tx.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesEntryId, entryId)).get()) {
      throw new Conflict(`Entry #${entryId} has already been reversed.`);
    }
    return post(
      tx,
      actor,
      { kind: "reversal", amountCents: -entry.amountCents, occurredOn: new Date(now).toISOString().slice(0, 10), reversesEntryId: entryId, memo: reason },
      now,
    );
  });
}

export interface PublicEntry {
  id: number;
  kind: LedgerKind;
  amountCents: number;
  occurredOn: string;
  donor: string | null;
  category: string | null;
  event: string | null;
  requester: string | null;
  reversesEntryId: number | null;
  memo: string | null;
  /** Demo history, never real money: every page, CSV and JSON that shows it says so. */
  demo: boolean;
}

/** The public ledger: every entry, newest first, with only what may be shown to anyone. */
export function listPublicEntries(db: Db, limit = 500): PublicEntry[] {
  const rows = db.$client
    .prepare(
      `select l.id, l.kind, l.amount_cents as amountCents, l.occurred_on as occurredOn, l.donor, l.reverses_entry_id as reversesEntryId, l.memo, l.demo,
              e.category, e.event, case when e.public_requester = 1 then '@' || u.username end as requester
         from ledger_entries l
         left join expenses e on e.id = l.expense_id
         left join users u on u.id = e.requester_user_id
        order by l.occurred_on desc, l.id desc
        limit ?`,
    )
    .all(limit) as (Omit<PublicEntry, "demo"> & { demo: number })[];
  return rows.map((r) => ({ ...r, demo: r.demo === 1 }));
}

export interface FundSummary {
  name: string;
  currency: string;
  balance: number;
  committed: number;
  available: number;
  donations: number;
  reimbursed: number;
  byCategory: { category: string; cents: number }[];
  byYear: { year: string; donations: number; reimbursed: number }[];
  /** Balance at the end of each day with entries (or each week or month, see `step`), oldest first. */
  series: { date: string; balance: number }[];
  step: ChartStep;
}

/**
 * The fund page's figures from one indexed pass over the ledger, grouped by day in SQLite
 * (integer sums), so totals, years and chart come from the same snapshot.
 */
export function getFundSummary(db: Db): FundSummary {
  const days = db.$client
    .prepare(
      `select occurred_on as date,
              sum(case when kind = 'reimbursement' then 0 else amount_cents end) as inflow,
              sum(case when kind = 'reimbursement' then amount_cents else 0 end) as outflow
         from ledger_entries group by occurred_on order by occurred_on`,
    )
    .all() as { date: string; inflow: number; outflow: number }[];
  const committed = getCommitted(db);
  const byCategory = db.$client
    .prepare(
      `select e.category, -sum(l.amount_cents) as cents from ledger_entries l join expenses e on e.id = l.expense_id where l.kind = 'reimbursement' group by e.category order by cents desc`,
    )
    .all() as { category: string; cents: number }[];
  let balance = 0;
  let donations = 0;
  let reimbursed = 0;
  const years = new Map<string, { year: string; donations: number; reimbursed: number }>();
  const balances: { date: string; balance: number }[] = [];
  for (const d of days) {
    const year = d.date.slice(0, 4);
    const y = years.get(year) ?? years.set(year, { year, donations: 0, reimbursed: 0 }).get(year)!;
    y.donations = sumCents([y.donations, d.inflow]);
    y.reimbursed = sumCents([y.reimbursed, -d.outflow]);
    donations = sumCents([donations, d.inflow]);
    reimbursed = sumCents([reimbursed, -d.outflow]);
    balance = sumCents([balance, d.inflow, d.outflow]);
    balances.push({ date: d.date, balance });
  }
  return {
    name: env.FUND_NAME,
    currency: env.FUND_CURRENCY,
    balance,
    committed,
    available: balance - committed,
    donations,
    reimbursed,
    byCategory,
    byYear: [...years.values()].reverse(),
    ...chartSeries(balances),
  };
}

/**
 * Whether any demo history is in the database (ledger entries or expenses): while there is,
 * every page carries a banner saying the figures include demo data.
 */
export function hasDemoData(db: Db): boolean {
  return (
    db.$client.prepare("select exists (select 1 from ledger_entries where demo = 1) or exists (select 1 from expenses where demo = 1)").pluck().get() === 1
  );
}

export interface VerifyFinding {
  check: string;
  detail: string;
}

/**
 * Checks the database and the ledger's invariants: SQLite's integrity and foreign keys,
 * the append-only triggers, whole-cent entries, one payment per paid expense (and none
 * for unpaid ones), payments equal to the expense, and a balance that is never negative.
 */
export function verifyLedger(db: Db): VerifyFinding[] {
  const findings: VerifyFinding[] = [];
  const c = db.$client;
  const integrity = c.pragma("integrity_check", { simple: true });
  if (integrity !== "ok") findings.push({ check: "integrity_check", detail: String(integrity) });
  for (const fk of c.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[]) {
    findings.push({ check: "foreign_key_check", detail: `${fk.table} row ${fk.rowid} points at a missing ${fk.parent}` });
  }
  const triggers = new Set((c.prepare("select name from sqlite_master where type = 'trigger'").all() as { name: string }[]).map((t) => t.name));
  for (const t of ["ledger_entries_no_update", "ledger_entries_no_delete", "audit_log_no_update", "audit_log_no_delete"]) {
    if (!triggers.has(t)) findings.push({ check: "append-only", detail: `trigger ${t} is missing` });
  }
  for (const r of c.prepare("select id, amount_cents from ledger_entries where typeof(amount_cents) <> 'integer'").all() as {
    id: number;
    amount_cents: unknown;
  }[]) {
    findings.push({ check: "whole cents", detail: `entry #${r.id} holds ${String(r.amount_cents)}` });
  }
  for (const r of c
    .prepare(
      `select e.id, e.status, e.amount_cents as amount, count(l.id) as n, coalesce(sum(l.amount_cents), 0) as paid
                from expenses e left join ledger_entries l on l.expense_id = e.id and l.kind = 'reimbursement' group by e.id`,
    )
    .all() as { id: number; status: string; amount: number; n: number; paid: number }[]) {
    if (r.status === "paid" && r.n !== 1) findings.push({ check: "payments", detail: `expense #${r.id} is paid but has ${r.n} payment entries` });
    if (r.status !== "paid" && r.n !== 0) findings.push({ check: "payments", detail: `expense #${r.id} is ${r.status} but has ${r.n} payment entries` });
    if (r.n === 1 && -r.paid !== r.amount) findings.push({ check: "payments", detail: `expense #${r.id} is for ${r.amount} cents but ${-r.paid} were paid` });
  }
  let running = 0;
  for (const e of c.prepare("select id, amount_cents as a from ledger_entries order by id").all() as { id: number; a: number }[]) {
    running += e.a;
    if (running < 0) {
      findings.push({ check: "balance", detail: `the balance went below zero at entry #${e.id}` });
      break;
    }
  }
  return findings;
}
