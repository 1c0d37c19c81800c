import { json } from "@remix-run/node";
import { db } from "../db.server";
import { getFundSummary, hasDemoData, listPublicEntries } from "../models/ledger.server";

/**
 * The public ledger and totals as JSON. Amounts are integer cents. `demo` says the totals
 * include demo history; each entry's `demo` marks the rows that are not real money.
 */
export function loader() {
  const { series: _series, ...summary } = getFundSummary(db);
  return json(
    { ...summary, demo: hasDemoData(db), entries: listPublicEntries(db, 1_000_000) },
    { headers: { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" } },
  );
}
