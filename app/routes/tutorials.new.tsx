import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { formErrors, formValues, TutorialForm } from "../components/tutorials";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors } from "../lib/responses";
import { webBountyActor } from "../models/bounties.server";
import { InvalidField } from "../models/errors";
import { listPersonas } from "../models/personas.server";
import { listTargetOptions } from "../models/targets.server";
import { createTutorial, listTutorialBountyOptions } from "../models/tutorials.server";
import { readForm } from "../schemas/form";
import { parseTutorialForm } from "../schemas/tutorials";

export const meta: MetaFunction = () => pageMeta("Write a tutorial · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const target = new URL(request.url).searchParams.get("target");
  return json({
    purpose: { targets: listTargetOptions(db), personas: listPersonas(db), bounties: listTutorialBountyOptions(db) },
    preset: { targets: target ? [target] : [], personas: ["documenter", "end-user"] },
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseTutorialForm(await readForm(request));
  const values = parsed.values;
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  return answerDomainErrors(
    () => {
      const tutorial = createTutorial(db, webBountyActor(user), parsed.input);
      return redirectWithMessage(`/tutorials/${tutorial.slug}`, "Draft saved. Send it for review when it is ready.");
    },
    (error) => ({ fieldErrors: error instanceof InvalidField ? { [error.field]: error.message } : {}, values }),
  );
}

export default function NewTutorial() {
  const { purpose, preset } = useLoaderData<typeof loader>();
  const data = useActionData<{ fieldErrors?: Record<string, string>; values?: Record<string, string | string[]>; message?: string }>();
  const busy = useNavigation().state === "submitting";
  const values = data?.values ?? preset;
  const errors = formErrors(data);
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> New
      </nav>
      <h1>Write a tutorial</h1>
      <p className="lede">It starts as a draft only you (and reviewers) can see. Every save is kept as a revision. When it is ready, send it for review.</p>
      <TutorialForm values={formValues(values)} errors={errors} submitLabel="Save draft" busy={busy} purpose={purpose} />
    </section>
  );
}
