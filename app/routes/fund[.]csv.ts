import { db } from "../db.server";
import { formatDecimal } from "../lib/money";
import { getFundSummary, listPublicEntries } from "../models/ledger.server";

const cell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  // Quote everything that needs it, and defuse spreadsheet formulas (=, +, -, @).
  const safe = /^[=+@\t\r]/.test(s) || (/^-/.test(s) && !/^-\d/.test(s)) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One row per ledger entry, oldest first, with a running balance; totals at the end. */
export function loader() {
  const { currency, balance, committed, available } = getFundSummary(db);
  const entries = listPublicEntries(db, 1_000_000).reverse();
  let running = 0;
  const lines = [["id", "date", "kind", "donor", "category", "event", "requester", "reverses", "amount", "currency", "balance"].join(",")];
  for (const e of entries) {
    running += e.amountCents;
    lines.push(
      [e.id, e.occurredOn, e.kind, e.kind === "donation" ? (e.donor ?? "Anonymous") : "", e.category, e.event, e.requester, e.reversesEntryId, formatDecimal(e.amountCents), currency, formatDecimal(running)]
        .map(cell)
        .join(","),
    );
  }
  lines.push("", `total,,,,,,,,${formatDecimal(balance)},${currency},${formatDecimal(balance)}`);
  lines.push(`committed,,,,,,,,${formatDecimal(committed)},${currency},`, `available,,,,,,,,${formatDecimal(available)},${currency},`);
  return new Response(`${lines.join("\r\n")}\r\n`, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="club-zero-fund.csv"', "Cache-Control": "no-store" },
  });
}
