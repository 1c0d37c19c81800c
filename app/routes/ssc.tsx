import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { DemoBadge } from "../components/demo";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { listAwaitingVote } from "../models/expenses.server";
import { getFundSummary } from "../models/ledger.server";

export const meta: MetaFunction = () => pageMeta("Waiting for your vote · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ssc");
  const { available, currency } = getFundSummary(db);
  return json({ waiting: listAwaitingVote(db, user.id), available, currency });
}

export default function Ssc() {
  const { waiting, available, currency } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Waiting for your vote</h1>
        <p className="lede">Available in the fund: {formatMoney(available, currency)}.</p>
      </header>
      {waiting.length === 0 ? (
        <p className="empty">Nothing is waiting for you.</p>
      ) : (
        <ul className="target-list">
          {waiting.map((e) => (
            <li className="card" key={e.id}>
              <Link to={`/expenses/${e.id}`}>{e.title}</Link> — {formatMoney(e.amountCents, e.currency)}
              <DemoBadge demo={e.demo} />
              <p className="muted small">
                {e.event} · @{e.requester} · filed {formatDate(e.createdAt)} · round {e.round}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
