import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getUser, hasRole, requireRole } from "../auth/session.server";
import { DemoBadge } from "../components/demo";
import { ActionResult, Field, TextAreaField } from "../components/form";
import { BalanceChart } from "../components/fund";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { pageMeta } from "../lib/meta";
import { formatMoney } from "../lib/money";
import { answerDomainErrors } from "../lib/responses";
import { webPerson } from "../models/audit.server";
import { getFundSummary, importDonationsCsv, listPublicEntries, recordDonation, reverseEntry } from "../models/ledger.server";
import { parseForm, readForm } from "../schemas/form";
import { DonationFormSchema } from "../schemas/fund";

export const meta: MetaFunction = () => pageMeta("The fund · Club Zero");

const FUND_PAGE_ENTRIES = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  // The page shows the latest entries; /fund.csv and /api/fund carry all of them.
  return json({
    summary: getFundSummary(db),
    entries: listPublicEntries(db, FUND_PAGE_ENTRIES),
    officer: hasRole(user, "ssc", "admin"),
    signedIn: Boolean(user),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const actor = webPerson(user);
  const form = await readForm(request);
  const intent = form.get("intent");
  return answerDomainErrors(
    () => {
      if (intent === "donation") {
        const parsed = parseForm(DonationFormSchema, form);
        if (!parsed.ok)
          return json(
            { ok: false, intent, message: Object.values(parsed.fieldErrors)[0] ?? "Check the donation.", fieldErrors: parsed.fieldErrors },
            { status: 400 },
          );
        const { date, donor, amount, currency, reference, note } = parsed.data;
        recordDonation(db, actor, { date, donor, amountCents: amount, currency, reference, note });
        return json({ ok: true, intent, message: `Recorded a donation of ${formatMoney(amount, currency)}${donor ? ` from ${donor}` : ""}.`, fieldErrors: {} });
      }
      if (intent === "import") {
        const result = importDonationsCsv(db, actor, String(form.get("csv") ?? ""));
        const skipped = result.skipped.length ? ` Skipped ${result.skipped.length}: ${result.skipped.join("; ")}.` : "";
        return json({ ok: true, intent, message: `Imported ${result.imported} donation${result.imported === 1 ? "" : "s"}.${skipped}`, fieldErrors: {} });
      }
      if (intent === "reverse") {
        const id = Number(form.get("entryId"));
        const reason = String(form.get("reason") ?? "").trim();
        if (!Number.isSafeInteger(id) || id < 1 || !reason)
          return json({ ok: false, intent, message: "Choose the entry and say why it is reversed.", fieldErrors: {} }, { status: 400 });
        const entry = reverseEntry(db, actor, id, reason);
        return json({ ok: true, intent, message: `Entry #${id} reversed by entry #${entry.id}.`, fieldErrors: {} });
      }
      return json({ ok: false, intent, message: "Unknown action.", fieldErrors: {} }, { status: 400 });
    },
    () => ({ ok: false, intent, fieldErrors: {} }),
  );
}

const KIND_WORDS = { donation: "Donation", reimbursement: "Reimbursement", reversal: "Correction" } as const;

export default function Fund() {
  const { summary, entries, officer, signedIn } = useLoaderData<typeof loader>();
  const result = useActionData<{ ok?: boolean; message?: string; fieldErrors?: Record<string, string> }>();
  const m = (cents: number) => formatMoney(cents, summary.currency);
  return (
    <>
      <header className="page-header">
        <h1>{summary.name}</h1>
        <p className="lede">
          The SPIFFE community's crowdfunded travel and conference fund, in the open. Money moves through LFX Crowdfunding and Expensify; this is the public
          record of what came in, what went out, and what the SSC has approved.
        </p>
        <p>
          {signedIn ? (
            <>
              <Link to="/expenses/new">Ask for a reimbursement or a pre-approval</Link> · <Link to="/expenses">Expense requests</Link>
            </>
          ) : (
            <Link to="/login?redirectTo=/expenses/new">Sign in to ask for a reimbursement</Link>
          )}
          {" · "}
          <a href="/fund.csv">Download the ledger (CSV)</a> · <a href="/api/fund">JSON</a>
        </p>
      </header>
      <ul className="money-stats" aria-label="Fund totals">
        <li>
          Balance <strong>{m(summary.balance)}</strong>
        </li>
        <li>
          Committed (approved, not yet paid) <strong>{m(summary.committed)}</strong>
        </li>
        <li>
          Available <strong>{m(summary.available)}</strong>
        </li>
      </ul>
      <section className="section" aria-labelledby="chart-heading">
        <h2 id="chart-heading">Balance over time</h2>
        <BalanceChart series={summary.series} step={summary.step} currency={summary.currency} />
      </section>
      <div className="layout-2 section">
        <section aria-labelledby="year-heading">
          <h2 id="year-heading">By year</h2>
          <ScrollTable label="Totals by year">
            <table className="table">
              <TableHead columns={["Year", { label: "In", amount: true }, { label: "Reimbursed", amount: true }]} />
              <tbody>
                {summary.byYear.map((y) => (
                  <tr key={y.year}>
                    <th scope="row">{y.year}</th>
                    <td className="amount">{m(y.donations)}</td>
                    <td className="amount">{m(y.reimbursed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        </section>
        <section aria-labelledby="category-heading">
          <h2 id="category-heading">Reimbursed by category</h2>
          {summary.byCategory.length === 0 ? (
            <p className="empty">Nothing reimbursed yet.</p>
          ) : (
            <ScrollTable label="Reimbursed by category">
              <table className="table">
                <tbody>
                  {summary.byCategory.map((c) => (
                    <tr key={c.category}>
                      <th scope="row">{c.category}</th>
                      <td className="amount">{m(c.cents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          )}
        </section>
      </div>
      <section className="section" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        {entries.length >= FUND_PAGE_ENTRIES ? (
          <p className="muted">
            The latest {FUND_PAGE_ENTRIES} entries; <a href="/fund.csv">the CSV</a> has every one.
          </p>
        ) : null}
        <ScrollTable label="Ledger">
          <table className="table">
            <TableHead columns={["#", "Date", "What", "Details", { label: "Amount", amount: true }]} />
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>{e.occurredOn}</td>
                  <td>
                    {KIND_WORDS[e.kind]}
                    <DemoBadge demo={e.demo} />
                  </td>
                  <td>
                    {e.kind === "donation" ? (e.donor ?? "Anonymous") : null}
                    {e.kind === "reimbursement" ? `${e.category} · ${e.event}${e.requester ? ` · ${e.requester}` : ""}` : null}
                    {e.kind === "reversal" ? `reverses #${e.reversesEntryId}: ${e.memo ?? ""}` : null}
                  </td>
                  <td className={`amount${e.amountCents < 0 ? " amount--out" : ""}`}>{m(e.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      </section>
      {officer ? (
        <section className="section" aria-labelledby="officer-heading">
          <h2 id="officer-heading">Record money (SSC and admins)</h2>
          <ActionResult result={result} />
          <div className="actions">
            <Form method="post" aria-label="Record a donation">
              <input type="hidden" name="intent" value="donation" />
              <Field label="Date" name="date" type="date" required error={result?.fieldErrors?.date} />
              <Field label="Donor (empty for anonymous)" name="donor" error={result?.fieldErrors?.donor} />
              <Field label="Amount" name="amount" inputMode="decimal" placeholder="250.00" required error={result?.fieldErrors?.amount} />
              <Field label="Currency" name="currency" defaultValue={summary.currency} required error={result?.fieldErrors?.currency} />
              <Field label="Reference (crowdfunding transaction id)" name="reference" error={result?.fieldErrors?.reference} />
              <Field label="Note" name="note" error={result?.fieldErrors?.note} />
              <button className="button" type="submit">
                Record donation
              </button>
            </Form>
            <Form method="post" aria-label="Import donations">
              <input type="hidden" name="intent" value="import" />
              <TextAreaField
                label="Import donations (CSV)"
                name="csv"
                hint="Header row: date,donor,amount,currency,reference. All or nothing; known references are skipped."
                rows={6}
                placeholder={"date,donor,amount,currency,reference\n2026-03-01,Jane Doe,50.00,USD,LFX-123"}
                required
              />
              <button className="button" type="submit">
                Import
              </button>
            </Form>
            <Form method="post" aria-label="Reverse an entry">
              <input type="hidden" name="intent" value="reverse" />
              <Field label="Entry # to reverse" name="entryId" inputMode="numeric" required />
              <Field label="Why" name="reason" required />
              <button className="button button--quiet" type="submit">
                Post a reversal
              </button>
            </Form>
          </div>
        </section>
      ) : null}
    </>
  );
}
