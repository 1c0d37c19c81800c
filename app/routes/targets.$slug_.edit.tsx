import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { Field, FormError, TextAreaField } from "../components/form";
import { StatusSelect, TargetForm } from "../components/target-form";
import { db } from "../db.server";
import { STATUS_LABELS } from "../lib/catalog";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors } from "../lib/responses";
import { requireTargetFollowingRenames } from "../lib/target-pages.server";
import { webPerson } from "../models/audit.server";
import { InvalidField } from "../models/errors";
import { listPersonas } from "../models/personas.server";
import { changeTargetStatus, restoreTarget, retireTarget, updateTarget } from "../models/target-edits.server";
import { getTargetParts, listCategories } from "../models/targets.server";
import { parseForm, readForm } from "../schemas/form";
import { formValues, RetireSchema, StatusChangeSchema, TARGET_FORM_ARRAYS, TargetEditIntentSchema as IntentSchema, TargetFormSchema } from "../schemas/targets";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `Edit ${data.target.name} · Club Zero` : "Not found · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "ssc", "admin");
  const target = requireTargetFollowingRenames(request, params.slug ?? "");
  return json({
    target: { ...target, ...getTargetParts(db, target.id) },
    personas: listPersonas(db),
    categories: listCategories(db).map((c) => c.category),
  });
}

/** SSC members and admins: save the fields, change the status with evidence, retire or restore. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const target = requireTargetFollowingRenames(request, params.slug ?? "");
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return json({ intent: null, fieldErrors: intent.fieldErrors, values: {}, message: intent.fieldErrors.intent ?? null }, { status: 400 });
  const actor = webPerson(user);
  const refused = (fieldErrors: Record<string, string>) =>
    json({ intent: intent.data.intent, fieldErrors, values: formValues(form), message: "Nothing was changed. Fix the fields and try again." }, { status: 400 });
  const page = `/targets/${target.slug}`;
  return answerDomainErrors(
    () => {
      switch (intent.data.intent) {
        case "save": {
          const parsed = parseForm(TargetFormSchema, form, { arrays: TARGET_FORM_ARRAYS });
          if (!parsed.ok) return refused(parsed.fieldErrors);
          try {
            const row = updateTarget(db, actor, target.id, parsed.data);
            return redirectWithMessage(
              `/targets/${row.slug}`,
              row.slug === target.slug ? `Saved ${row.name}.` : `Saved ${row.name}. Its old address /targets/${target.slug} now redirects here.`,
            );
          } catch (error) {
            if (error instanceof InvalidField) return refused({ [error.field]: error.message });
            throw error;
          }
        }
        case "status": {
          const parsed = parseForm(StatusChangeSchema, form);
          if (!parsed.ok) return refused(parsed.fieldErrors);
          const { status, evidence, note } = parsed.data;
          changeTargetStatus(db, actor, target.id, { status, evidenceUrl: evidence, note: note || null });
          return redirectWithMessage(page, `${target.name}'s SPIFFE status is now “${STATUS_LABELS[status]}”. The change is in its history.`);
        }
        case "retire": {
          const parsed = parseForm(RetireSchema, form);
          if (!parsed.ok) return refused(parsed.fieldErrors);
          retireTarget(db, actor, target.id, parsed.data.reason);
          return redirectWithMessage(page, `${target.name} is retired: it has left the catalog's list; its page and bounties stay.`);
        }
        case "restore":
          restoreTarget(db, actor, target.id);
          return redirectWithMessage(page, `${target.name} is back in the catalog.`);
      }
    },
    () => ({ intent: intent.data.intent, fieldErrors: {}, values: {} }),
  );
}

export default function EditTarget() {
  const { target, personas, categories } = useLoaderData<typeof loader>();
  const data = useActionData<{
    intent: string | null;
    fieldErrors: Record<string, string>;
    values: Record<string, string | string[] | undefined>;
    message?: string | null;
  }>();
  const busy = useNavigation().state === "submitting";
  const errorsFor = (intent: string) => (data?.intent === intent ? data.fieldErrors : {});
  const statusErrors = errorsFor("status");
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/targets">Catalog</Link> <span aria-hidden="true">/</span> <Link to={`/targets/${target.slug}`}>{target.name}</Link>{" "}
        <span aria-hidden="true">/</span> Edit
      </nav>
      <h1>Edit {target.name}</h1>
      {data?.intent !== "save" ? <FormError message={data?.message} /> : null}

      <section className="section" aria-labelledby="status-heading">
        <h2 id="status-heading">SPIFFE status</h2>
        <p>
          Now: <strong>{STATUS_LABELS[target.status]}</strong>. Every change is kept in the target's history with its evidence and your name.
        </p>
        <Form method="post" className="stack" noValidate aria-label="Change the SPIFFE status">
          <input type="hidden" name="intent" value="status" />
          <StatusSelect label="New status" value={target.status} error={statusErrors.status} />
          <Field
            label="Evidence"
            name="evidence"
            id="evidence"
            type="url"
            required
            placeholder="https://"
            error={statusErrors.evidence}
            hint="An https:// link that shows it: a release note, a merged pull request, documentation."
          />
          <TextAreaField label="Note (optional)" name="note" id="note" rows={2} maxLength={500} error={statusErrors.note} />
          <button className="button" disabled={busy}>
            Change status
          </button>
        </Form>
      </section>

      <section className="section" aria-labelledby="fields-heading">
        <h2 id="fields-heading">Details</h2>
        <TargetForm
          target={target}
          typed={data?.intent === "save" ? data.values : undefined}
          errors={errorsFor("save")}
          personas={personas}
          categories={categories}
          submitLabel="Save target"
        />
      </section>

      <section className="section" aria-labelledby="retire-heading">
        <h2 id="retire-heading">{target.retiredAt ? "Retired" : "Retire"}</h2>
        {target.retiredAt ? (
          <Form method="post">
            <p>This target is retired: it is out of the catalog's list, but its page and bounties stay.</p>
            <button className="button button--quiet" name="intent" value="restore" disabled={busy}>
              Bring it back
            </button>
          </Form>
        ) : (
          <Form method="post" className="stack" noValidate aria-label="Retire the target">
            <input type="hidden" name="intent" value="retire" />
            <TextAreaField
              label="Why retire it"
              name="reason"
              id="reason"
              rows={2}
              required
              error={errorsFor("retire").reason}
              hint="It leaves the catalog's list; its page still answers and its bounties keep working."
            />
            <button className="button button--quiet" disabled={busy}>
              Retire target
            </button>
          </Form>
        )}
      </section>
    </section>
  );
}
