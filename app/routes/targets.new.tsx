import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { TargetForm } from "../components/target-form";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { webPerson } from "../models/audit.server";
import { InvalidField } from "../models/errors";
import { listPersonas } from "../models/personas.server";
import { createTarget } from "../models/target-edits.server";
import { listCategories } from "../models/targets.server";
import { parseForm, readForm } from "../schemas/form";
import { formValues, NewTargetStatusSchema, TARGET_FORM_ARRAYS, TargetFormSchema } from "../schemas/targets";

export const meta: MetaFunction = () => pageMeta("Add a target · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ssc", "admin");
  return json({ personas: listPersonas(db), categories: listCategories(db).map((c) => c.category) });
}

/** SSC members and admins add a target with its first status (evidence unless "none"). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const form = await readForm(request);
  const fields = parseForm(TargetFormSchema, form, { arrays: TARGET_FORM_ARRAYS });
  const status = parseForm(NewTargetStatusSchema, form);
  if (!fields.ok || !status.ok) {
    const fieldErrors = { ...(fields.ok ? {} : fields.fieldErrors), ...(status.ok ? {} : status.fieldErrors) };
    return json({ fieldErrors, values: formValues(form) }, { status: 400 });
  }
  try {
    const row = createTarget(db, webPerson(user), fields.data, { status: status.data.status, evidenceUrl: status.data.evidence });
    return redirectWithMessage(`/targets/${row.slug}`, `Added ${row.name} to the catalog.`);
  } catch (error) {
    if (error instanceof InvalidField) return json({ fieldErrors: { [error.field]: error.message }, values: formValues(form) }, { status: 400 });
    throw error;
  }
}

export default function NewTarget() {
  const { personas, categories } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/targets">Catalog</Link> <span aria-hidden="true">/</span> Add a target
      </nav>
      <h1>Add a target</h1>
      <TargetForm
        target={null}
        typed={data?.values}
        errors={data?.fieldErrors ?? {}}
        personas={personas}
        categories={categories}
        withStatus
        submitLabel="Add target"
      />
    </section>
  );
}
