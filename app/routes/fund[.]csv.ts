import { db } from "../db.server";
import { formatCsv, type CsvValue } from "../lib/csv";
import { formatDecimal } from "../lib/money";
import { getFundSummary, listPublicEntries } from "../models/ledger.server";

/** One row per ledger entry, oldest first, with a running balance; totals at the end. */
export function loader() {
  const { currency, balance, committed, available } = getFundSummary(db);
  const entries = listPublicEntries(db, 1_000_000).reverse();
  let running = 0;
  const rows: CsvValue[][] = [["id", "date", "kind", "donor", "category", "event", "requester", "reverses", "amount", "currency", "balance", "demo"]];
  for (const e of entries) {
    running += e.amountCents;
    rows.push([
      e.id,
      e.occurredOn,
      e.kind,
      e.kind === "donation" ? (e.donor ?? "Anonymous") : "",
      e.category,
      e.event,
      e.requester,
      e.reversesEntryId,
      formatDecimal(e.amountCents),
      currency,
      formatDecimal(running),
      // demo history (SEED_DEMO) is never real money: every such row says so
      e.demo ? "demo" : "",
    ]);
  }
  // "total" sits under id; the figures under amount, currency and balance.
  const blank = ["", "", "", "", "", "", ""];
  rows.push([], ["total", ...blank, formatDecimal(balance), currency, formatDecimal(balance)]);
  rows.push(["committed", ...blank, formatDecimal(committed), currency, ""], ["available", ...blank, formatDecimal(available), currency, ""]);
  return new Response(formatCsv(rows), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="club-zero-fund.csv"', "Cache-Control": "no-store" },
  });
}
