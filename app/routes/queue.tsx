import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { DemoBadge } from "../components/demo";
import { Field, FormError } from "../components/form";
import { ProposalList } from "../components/proposals";
import { TargetSuggestionList } from "../components/target-suggestions";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { answerDomainErrors } from "../lib/responses";
import { webPerson } from "../models/audit.server";
import { actOnExpense } from "../models/expenses.server";
import { listQueue } from "../models/queue.server";
import { parseForm, readForm } from "../schemas/form";
import { PayFromQueueSchema } from "../schemas/fund";

export const meta: MetaFunction = () =>
  pageMeta("Work queue · Club Zero", "What waits for SSC members and admins: proposals, work in review, expenses to vote on and to pay, oldest first.");

export async function loader({ request }: LoaderFunctionArgs) {
  // The queues are for the people who decide; each list is only there for who may act on it.
  const user = await requireRole(request, "ssc", "admin");
  return json({ queue: listQueue(db, webPerson(user)), today: new Date().toISOString().slice(0, 10) });
}

/** An admin or SSC member pays an approved expense from the queue (the same rule as on its page). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const parsed = parseForm(PayFromQueueSchema, await readForm(request));
  if (!parsed.ok) {
    const expenseId = Number(parsed.values.expenseId) || null;
    return json({ expenseId, fieldErrors: parsed.fieldErrors, message: null }, { status: 400 });
  }
  const { expenseId, paymentReference, paidOn } = parsed.data;
  return answerDomainErrors(
    () => {
      const result = actOnExpense(db, webPerson(user), expenseId, "pay", { paymentReference, paidOn });
      return redirectWithMessage("/queue", `${result.expense.title}: ${result.message}`);
    },
    () => ({ expenseId, fieldErrors: {} }),
  );
}

function Since({ at }: { at: number }) {
  return <>waiting since {formatDate(at)}</>;
}

export default function QueuePage() {
  const { queue, today } = useLoaderData<typeof loader>();
  const failed = useActionData<{ expenseId: number | null; fieldErrors: Record<string, string>; message?: string | null }>();
  const busy = useNavigation().state === "submitting";
  const { proposals, targetSuggestions, inReview, awaitingVote, awaitingPayment } = queue;
  // the tab and the section count the same things: bounty proposals and target suggestions
  const proposalCount = (proposals?.length ?? 0) + (targetSuggestions?.length ?? 0);
  return (
    <>
      <header className="page-header">
        <h1>Work queue</h1>
        <p className="lede">What waits for you, oldest first in each list.</p>
        <nav aria-label="Queues" className="chips-nav">
          <ul className="chips">
            {proposals ? (
              <li>
                <a className="chip" href="#proposals-heading">
                  Proposals ({proposalCount})
                </a>
              </li>
            ) : null}
            {inReview ? (
              <li>
                <a className="chip" href="#review-heading">
                  In review ({inReview.length})
                </a>
              </li>
            ) : null}
            {awaitingVote ? (
              <li>
                <a className="chip" href="#votes-heading">
                  Your votes ({awaitingVote.length})
                </a>
              </li>
            ) : null}
            {awaitingPayment ? (
              <li>
                <a className="chip" href="#payments-heading">
                  To pay ({awaitingPayment.length})
                </a>
              </li>
            ) : null}
            <li>
              <Link className="chip" to="/expenses">
                All expenses
              </Link>
            </li>
          </ul>
        </nav>
      </header>

      {proposals ? (
        <section className="section" aria-labelledby="proposals-heading">
          <h2 id="proposals-heading">Proposals ({proposalCount})</h2>
          <ProposalList
            proposals={proposals}
            dated={(at) => (
              <>
                · <Since at={at} />
              </>
            )}
          />
          {targetSuggestions && targetSuggestions.length > 0 ? <TargetSuggestionList suggestions={targetSuggestions} /> : null}
          <p className="small">
            <Link to="/bounties/proposals">All proposals</Link>
          </p>
        </section>
      ) : null}

      {inReview ? (
        <section className="section" aria-labelledby="review-heading">
          <h2 id="review-heading">Work in review ({inReview.length})</h2>
          {inReview.length === 0 ? (
            <p className="empty">No work is waiting for review.</p>
          ) : (
            <ul className="target-list">
              {inReview.map((b) => (
                <li key={b.id} className="card">
                  <Link to={`/bounties/${b.id}`}>{b.title}</Link>
                  <p className="muted small">
                    {b.targetName} · submitted by {b.claimant ?? "someone"} · <Since at={b.since} />
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {awaitingVote ? (
        <section className="section" aria-labelledby="votes-heading">
          <h2 id="votes-heading">Expenses waiting for your vote ({awaitingVote.length})</h2>
          <p className="small">
            With what is available in the fund: <Link to="/ssc">your votes page</Link>.
          </p>
          {awaitingVote.length === 0 ? (
            <p className="empty">Nothing is waiting for your vote.</p>
          ) : (
            <ul className="target-list">
              {awaitingVote.map((e) => (
                <li key={e.id} className="card">
                  <Link to={`/expenses/${e.id}`}>{e.title}</Link> — {formatMoney(e.amountCents, e.currency)}
                  <DemoBadge demo={e.demo} />
                  <p className="muted small">
                    {e.event} · @{e.requester} · round {e.round} · <Since at={e.createdAt} />
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {awaitingPayment ? (
        <section className="section" aria-labelledby="payments-heading">
          <h2 id="payments-heading">Approved, waiting for payment ({awaitingPayment.length})</h2>
          {awaitingPayment.length === 0 ? (
            <p className="empty">Nothing is waiting to be paid.</p>
          ) : (
            <ul className="target-list">
              {awaitingPayment.map((e) => {
                const mine = failed?.expenseId === e.id;
                const errors = mine ? failed.fieldErrors : {};
                return (
                  <li key={e.id} className="card">
                    <Link to={`/expenses/${e.id}`}>{e.title}</Link> — {formatMoney(e.amountCents, e.currency)}
                    <DemoBadge demo={e.demo} />
                    <p className="muted small">
                      {e.event} · @{e.requester} · approved, <Since at={e.since} />
                    </p>
                    {mine ? <FormError message={failed.message ?? "The payment was not recorded. Fix the fields below and try again."} /> : null}
                    <Form method="post" className="inline-form" aria-label={`Pay ${e.title}`}>
                      <input type="hidden" name="expenseId" value={e.id} />
                      <Field label="Payment reference" name="paymentReference" id={`paymentReference-${e.id}`} error={errors.paymentReference} required />
                      <Field label="Paid on" name="paidOn" id={`paidOn-${e.id}`} type="date" defaultValue={today} error={errors.paidOn} required />
                      <button className="button" disabled={busy}>
                        Mark paid
                      </button>
                    </Form>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      ) : null}
    </>
  );
}
