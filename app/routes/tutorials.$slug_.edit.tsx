import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { formErrors, formValues, TutorialForm } from "../components/tutorials";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors, notFound } from "../lib/responses";
import { viewerOf } from "../lib/tutorial-pages.server";
import { webBountyActor } from "../models/bounties.server";
import { InvalidField } from "../models/errors";
import { listPersonas } from "../models/personas.server";
import { listTargetOptions } from "../models/targets.server";
import { getTutorial, listTutorialBountyOptions, mayEditTutorial, reviseTutorial } from "../models/tutorials.server";
import { readForm } from "../schemas/form";
import { parseTutorialForm } from "../schemas/tutorials";

export const meta: MetaFunction = () => pageMeta("Edit a tutorial · Club Zero");

/** The tutorial, if this person may edit it: 404 when they may not read it, 403 when they may read but not edit. */
async function requireEditable(request: Request, slug: string | undefined) {
  const user = await requireUser(request);
  const tutorial = getTutorial(db, viewerOf(user), slug ?? "");
  if (!tutorial) throw notFound("There is no such tutorial.");
  if (!mayEditTutorial(viewerOf(user), tutorial.authorIds)) throw json({ message: "Only its authors (and admins) can change this tutorial." }, { status: 403 });
  return { user, tutorial };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tutorial } = await requireEditable(request, params.slug);
  const bounties = listTutorialBountyOptions(db);
  // the bounty it answers stays in the list even when it is no longer open
  return json({
    tutorial: { slug: tutorial.slug, title: tutorial.revision.title, number: tutorial.revision.number, status: tutorial.status },
    values: {
      title: tutorial.revision.title,
      summary: tutorial.revision.summary,
      body: tutorial.revision.body,
      targets: tutorial.targets.map((t) => t.slug),
      personas: tutorial.personas,
      bountyId: tutorial.bountyId === null ? "" : String(tutorial.bountyId),
    },
    purpose: { targets: listTargetOptions(db, { includeRetired: true }), personas: listPersonas(db), bounties },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, tutorial } = await requireEditable(request, params.slug);
  const parsed = parseTutorialForm(await readForm(request));
  const values = parsed.values;
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  return answerDomainErrors(
    () => {
      const revision = reviseTutorial(db, webBountyActor(user), tutorial.id, parsed.input);
      return redirectWithMessage(`/tutorials/${tutorial.slug}`, `Saved as revision ${revision.number}.`);
    },
    (error) => ({ fieldErrors: error instanceof InvalidField ? { [error.field]: error.message } : {}, values }),
  );
}

export default function EditTutorial() {
  const { tutorial, values, purpose } = useLoaderData<typeof loader>();
  const data = useActionData<{ fieldErrors?: Record<string, string>; values?: Record<string, string | string[]>; message?: string }>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tutorials">Tutorials</Link> <span aria-hidden="true">/</span> <Link to={`/tutorials/${tutorial.slug}`}>{tutorial.title}</Link>{" "}
        <span aria-hidden="true">/</span> Edit
      </nav>
      <h1>Edit “{tutorial.title}”</h1>
      <p className="lede">
        Saving adds revision {tutorial.number + 1}; every earlier one stays in the <Link to={`/tutorials/${tutorial.slug}/history`}>history</Link>.
        {tutorial.status === "published"
          ? " The tutorial is published: readers see your revision as soon as you save it, and its translations are marked outdated."
          : ""}
      </p>
      <TutorialForm values={formValues(data?.values ?? values)} errors={formErrors(data)} submitLabel="Save revision" busy={busy} purpose={purpose} />
    </section>
  );
}
