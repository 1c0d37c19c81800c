import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { hasRole, requireUser } from "../auth/session.server";
import { DemoBadge } from "../components/demo";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { pageMeta } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { EXPENSE_STATUS_LABELS } from "../lib/vocabulary";
import { webPerson } from "../models/audit.server";
import { listExpenses } from "../models/expenses.server";

export const meta: MetaFunction = () => pageMeta("Expenses · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ expenses: listExpenses(db, webPerson(user)), all: hasRole(user, "ssc", "admin") });
}

export default function Expenses() {
  const { expenses, all } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>{all ? "All expense requests" : "My expense requests"}</h1>
        <p>
          <Link className="button" to="/expenses/new">
            New request
          </Link>
        </p>
      </header>
      {expenses.length === 0 ? (
        <p className="empty">No requests yet.</p>
      ) : (
        <ScrollTable label="Expense requests">
          <table className="table">
            <TableHead columns={["#", "Request", "Status", { label: "Amount", amount: true }]} />
            <tbody>
              {expenses.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>
                    <Link to={`/expenses/${e.id}`}>{e.title}</Link>
                    <DemoBadge demo={e.demo} />
                    <div className="muted small">
                      {e.event} · {e.spentOn}
                      {all ? ` · @${e.requester}` : ""}
                    </div>
                  </td>
                  <td>{EXPENSE_STATUS_LABELS[e.status]}</td>
                  <td className="amount">{formatMoney(e.amountCents, e.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </>
  );
}
