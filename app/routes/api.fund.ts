import { json } from "@remix-run/node";
import { db } from "../db.server";
import { getFundSummary, listPublicEntries } from "../models/ledger.server";

/** The public ledger and totals as JSON. Amounts are integer cents. */
export function loader() {
  const { series: _series, ...summary } = getFundSummary(db);
  return json({ ...summary, entries: listPublicEntries(db, 1_000_000) }, { headers: { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" } });
}
