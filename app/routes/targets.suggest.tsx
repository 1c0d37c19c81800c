import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { ErrorSummary } from "../components/form";
import { TargetBasics, targetFormValues } from "../components/target-form";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { webActor } from "../models/audit.server";
import { suggestTarget } from "../models/target-edits.server";
import { listCategories } from "../models/targets.server";
import { parseForm, readForm } from "../schemas/form";
import { formValues, SuggestTargetSchema } from "../schemas/targets";

export const meta: MetaFunction = () => pageMeta("Suggest a target · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({ categories: listCategories(db).map((c) => c.category) });
}

/** Anyone signed in suggests a target; it waits in the proposals queue. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const parsed = parseForm(SuggestTargetSchema, form);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: formValues(form) }, { status: 400 });
  const row = suggestTarget(db, webActor(user), parsed.data);
  return redirectWithMessage(
    `/targets/suggestions/${row.id}`,
    "Suggestion sent: an SSC member or admin will accept it into the catalog or decline it with a reason.",
  );
}

export default function SuggestTarget() {
  const { categories } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const errors = data?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/targets">Catalog</Link> <span aria-hidden="true">/</span> Suggest a target
      </nav>
      <h1>Suggest a target</h1>
      <p className="lede">A project that could speak SPIFFE and is not in the catalog yet. An SSC member or admin reviews every suggestion.</p>
      <ErrorSummary errors={errors} />
      <Form method="post" className="stack" noValidate aria-label="Suggest a target">
        <TargetBasics v={targetFormValues(null, data?.values)} errors={errors} categories={categories} />
        <button type="submit" className="button">
          Send suggestion
        </button>
      </Form>
    </section>
  );
}
