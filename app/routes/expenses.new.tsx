import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { ErrorSummary, Field, FormError, SelectField, TextAreaField } from "../components/form";
import { db } from "../db.server";
import { env } from "../env.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors } from "../lib/responses";
import { readFormWithReceipts, withStoredReceipts } from "../lib/uploads.server";
import { EXPENSE_CATEGORIES } from "../lib/vocabulary";
import { webPerson } from "../models/audit.server";
import { InvalidField } from "../models/errors";
import { createExpense, MissingReceipt } from "../models/expenses.server";
import { findTarget, listTargetOptions } from "../models/targets.server";
import { formToObject, parseForm } from "../schemas/form";
import { ExpenseFormSchema } from "../schemas/fund";

export const meta: MetaFunction = () => pageMeta("New expense request · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const url = new URL(request.url);
  return json({
    currency: env.FUND_CURRENCY,
    targets: listTargetOptions(db),
    preset: { bountyId: url.searchParams.get("bounty") ?? "", target: url.searchParams.get("target") ?? "" },
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return readFormWithReceipts(request, async (form, files) => {
    const parsed = parseForm(ExpenseFormSchema, form);
    if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: parsed.values, message: "Check the highlighted fields." }, { status: 400 });
    const values = formToObject(form);
    const { intent, amount, target, ...rest } = parsed.data;
    const targetId = target ? (findTarget(db, target)?.id ?? null) : null;
    if (target && targetId === null) return json({ fieldErrors: { target: "Choose a target from the list." }, values, message: null }, { status: 400 });
    return answerDomainErrors(
      async () => {
        const expense = await withStoredReceipts(files, (receipts) =>
          createExpense(db, webPerson(user), { ...rest, amountCents: amount, targetId }, receipts, intent === "submit"),
        );
        return redirect(`/expenses/${expense.id}`);
      },
      // A value only the model can check (a cited bounty the requester may not see) is a field error.
      (error) =>
        error instanceof InvalidField || error instanceof MissingReceipt
          ? { fieldErrors: { [error.field]: error.message }, values, message: "Check the highlighted fields." }
          : { fieldErrors: {}, values },
    );
  });
}

export default function NewExpense() {
  const { currency, targets, preset } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  const values = (data?.values ?? preset) as Record<string, string | undefined>;
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/expenses">Expenses</Link> <span aria-hidden="true">/</span> New request
      </nav>
      <h1>Ask the fund</h1>
      <p className="lede">
        Ask early: a pre-approval before the trip gives you an answer before you spend. After the trip, file a reimbursement with your receipts. The SSC decides
        as funds allow.
      </p>
      {data?.fieldErrors && Object.keys(data.fieldErrors).length > 0 ? <ErrorSummary errors={data.fieldErrors} /> : <FormError message={data?.message} />}
      <Form method="post" encType="multipart/form-data" className="stack" noValidate>
        <fieldset className="checks">
          <legend>Kind of request</legend>
          <label>
            <input type="radio" name="kind" value="pre_approval" defaultChecked={values.kind !== "reimbursement"} /> Pre-approval (an estimate, before)
          </label>
          <label>
            <input type="radio" name="kind" value="reimbursement" defaultChecked={values.kind === "reimbursement"} /> Reimbursement (after, with receipts)
          </label>
        </fieldset>
        <Field label="Title" name="title" defaultValue={values.title} error={errors.title} required maxLength={120} />
        <Field
          label="Event"
          name="event"
          defaultValue={values.event}
          error={errors.event}
          hint="e.g. KubeCon EU 2026, a SPIRE packaging sprint"
          required
          maxLength={120}
        />
        <SelectField label="Category" name="category" defaultValue={values.category ?? "travel"} error={errors.category}>
          {EXPENSE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
        <Field
          label={`Amount (${currency})`}
          name="amount"
          inputMode="decimal"
          placeholder="1234.50"
          defaultValue={values.amount}
          error={errors.amount}
          required
        />
        <Field label="Date (of the spending, or the trip)" name="spentOn" type="date" defaultValue={values.spentOn} error={errors.spentOn} required />
        <TextAreaField
          label="What is it for, and how does it help SPIFFE?"
          name="description"
          rows={5}
          defaultValue={values.description}
          error={errors.description}
        />
        <Field label="Bounty it served (number, optional)" name="bountyId" inputMode="numeric" defaultValue={values.bountyId} error={errors.bountyId} />
        <SelectField label="Target it served (optional)" name="target" defaultValue={values.target ?? ""} error={errors.target}>
          <option value="">None</option>
          {targets.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.name}
            </option>
          ))}
        </SelectField>
        <Field
          label="Pre-approval it follows (number, optional)"
          name="preApprovalId"
          inputMode="numeric"
          defaultValue={values.preApprovalId}
          error={errors.preApprovalId}
        />
        <Field
          label="Receipts (PDF, PNG or JPEG; up to 5 files of 10 MiB)"
          name="receipts"
          type="file"
          multiple
          accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
          hint="A reimbursement needs at least one; a pre-approval may have none."
          error={errors.receipts}
        />
        <label className="checks">
          <input type="checkbox" name="publicRequester" defaultChecked={values.publicRequester === "on"} /> Name me on the public ledger
        </label>
        <div className="filters__actions">
          <button className="button" name="intent" value="submit" disabled={busy}>
            Submit to the SSC
          </button>
          <button className="button button--quiet" name="intent" value="draft" disabled={busy}>
            Save as draft
          </button>
        </div>
      </Form>
    </section>
  );
}
