import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { DemoBadge } from "../components/demo";
import { ActionResult, Field, ReasonForm } from "../components/form";
import { db } from "../db.server";
import { env } from "../env.server";
import { formatDateTime } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { answerDomainErrors, notFound } from "../lib/responses";
import { readFormWithReceipts, withStoredReceipts } from "../lib/uploads.server";
import { EXPENSE_STATUS_LABELS } from "../lib/vocabulary";
import { webPerson } from "../models/audit.server";
import { actOnExpense, getExpenseForViewer, type ExpenseIntent } from "../models/expenses.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `${data.expense.title} · Expenses · Club Zero` : "Not found · Club Zero");

function parseId(raw: string | undefined) {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw ?? "") || id < 1) throw notFound("There is no such expense.");
  return id;
}

const INTENTS: ExpenseIntent[] = ["submit", "cancel", "approve", "reject", "changes", "resubmit", "pay"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const person = webPerson(user);
  // Someone else's expense answers 404, as if it did not exist.
  const expense = getExpenseForViewer(db, person, parseId(params.id));
  if (!expense) throw notFound("There is no such expense.");
  const own = expense.requesterUserId === user.id;
  const ssc = user.roles.includes("ssc");
  const officer = ssc || user.roles.includes("admin");
  const votedThisRound = expense.votes.some((v) => v.round === expense.round && v.voter === `@${user.username}`);
  return json({
    expense,
    quorum: env.SSC_QUORUM,
    can: {
      submit: own && expense.status === "draft",
      resubmit: own && expense.status === "changes_requested",
      cancel: own && ["draft", "submitted", "changes_requested"].includes(expense.status),
      vote: ssc && !own && expense.status === "submitted" && !votedThisRound,
      pay: officer && !own && expense.status === "approved",
    },
    today: new Date().toISOString().slice(0, 10),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  const user = await requireUser(request);
  // Who may see the request is settled before any upload is read, written or decoded.
  if (!getExpenseForViewer(db, webPerson(user), id)) throw notFound("There is no such expense.");
  return readFormWithReceipts(request, async (form, files) => {
    const intent = INTENTS.find((i) => i === form.get("intent"));
    if (!intent) return json({ ok: false, message: "Unknown action." }, { status: 400 });
    return answerDomainErrors(
      async () => {
        const result = await withStoredReceipts(files, (receipts) =>
          actOnExpense(db, webPerson(user), id, intent, {
            reason: String(form.get("reason") ?? ""),
            paymentReference: String(form.get("paymentReference") ?? ""),
            paidOn: String(form.get("paidOn") ?? ""),
            files: receipts,
          }),
        );
        return json({ ok: true, message: result.message });
      },
      () => ({ ok: false }),
    );
  });
}

export default function ExpensePage() {
  const { expense: e, quorum, can, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const approvals = e.votes.filter((v) => v.round === e.round && v.vote === "approve").length;
  return (
    <article>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/expenses">Expenses</Link> <span aria-hidden="true">/</span> #{e.id}
      </nav>
      <header className="page-header">
        <p className="eyebrow">
          {e.kind === "pre_approval" ? "Pre-approval" : "Reimbursement"} · {e.category}
        </p>
        <h1>{e.title}</h1>
        <p className="status-line">
          <span className="badge badge--requested">{EXPENSE_STATUS_LABELS[e.status]}</span>
          <DemoBadge demo={e.demo} />
          <strong>{formatMoney(e.amountCents, e.currency)}</strong>
          <span className="muted">
            {e.event} · {e.spentOn} · requested by {e.requester}
            {e.status === "submitted" ? ` · ${approvals} of ${quorum} approvals (round ${e.round})` : ""}
          </span>
        </p>
      </header>
      <ActionResult result={result} />
      <div className="layout-2">
        <div>
          <p className="prose">{e.description}</p>
          <dl className="facts">
            {e.bounty ? (
              <>
                <dt>Bounty</dt>
                <dd>
                  <Link to={`/bounties/${e.bounty.id}`}>{e.bounty.title}</Link>
                </dd>
              </>
            ) : null}
            {e.target ? (
              <>
                <dt>Target</dt>
                <dd>
                  <Link to={`/targets/${e.target.slug}`}>{e.target.name}</Link>
                </dd>
              </>
            ) : null}
            {e.preApprovalId ? (
              <>
                <dt>Pre-approval</dt>
                <dd>
                  <Link to={`/expenses/${e.preApprovalId}`}>#{e.preApprovalId}</Link>
                </dd>
              </>
            ) : null}
            {e.paymentReference ? (
              <>
                <dt>Paid</dt>
                <dd>
                  {e.paidOn}, reference {e.paymentReference}
                </dd>
              </>
            ) : null}
            <dt>On the public ledger</dt>
            <dd>{e.publicRequester ? "with the requester's name" : "without the requester's name"}</dd>
          </dl>
          <section className="section" aria-labelledby="receipts-heading">
            <h2 id="receipts-heading">Receipts</h2>
            {e.receipts.length === 0 ? (
              <p className="empty">No receipts attached.</p>
            ) : (
              <ul>
                {e.receipts.map((r) => (
                  <li key={r.id}>
                    <a href={`/expenses/${e.id}/receipts/${r.id}`} download>
                      {r.originalName}
                    </a>{" "}
                    <span className="muted small">
                      {r.mime}, {Math.ceil(r.size / 1024)} KiB
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="section" aria-labelledby="votes-heading">
            <h2 id="votes-heading">Votes</h2>
            {e.votes.length === 0 ? (
              <p className="empty">No votes yet.</p>
            ) : (
              <ul className="audit-list">
                {e.votes.map((v, i) => (
                  <li key={i}>
                    Round {v.round}: <strong>{v.voter}</strong> {v.vote === "approve" ? "approved" : v.vote === "reject" ? "rejected" : "asked for changes"} ·{" "}
                    {formatDateTime(v.createdAt)}
                    {v.reason ? ` — ${v.reason}` : ""}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <aside aria-labelledby="actions-heading">
          <h2 id="actions-heading">What you can do</h2>
          {Object.values(can).some(Boolean) ? null : <p className="muted">Nothing for you to do here right now.</p>}
          <div className="actions">
            {can.vote ? (
              <>
                <Form method="post">
                  <button className="button" name="intent" value="approve" disabled={busy}>
                    Approve
                  </button>
                </Form>
                <ReasonForm intent="changes" label="What needs to change?" button="Request changes" busy={busy} />
                <ReasonForm intent="reject" label="Why reject it?" button="Reject" busy={busy} />
              </>
            ) : null}
            {can.pay ? (
              <Form method="post">
                <Field label="Payment reference" name="paymentReference" required />
                <Field label="Paid on" name="paidOn" type="date" defaultValue={today} required />
                <button className="button" name="intent" value="pay" disabled={busy}>
                  Mark paid
                </button>
              </Form>
            ) : null}
            {can.submit || can.resubmit ? (
              <Form method="post" encType="multipart/form-data">
                <label htmlFor="more-receipts">Add receipts (optional)</label>
                <input id="more-receipts" name="receipts" type="file" multiple accept=".pdf,.png,.jpg,.jpeg" />
                <button className="button" name="intent" value={can.submit ? "submit" : "resubmit"} disabled={busy}>
                  {can.submit ? "Submit to the SSC" : "Resubmit"}
                </button>
              </Form>
            ) : null}
            {can.cancel ? (
              <Form method="post">
                <button className="button button--quiet" name="intent" value="cancel" disabled={busy}>
                  Cancel request
                </button>
              </Form>
            ) : null}
          </div>
        </aside>
      </div>
    </article>
  );
}
