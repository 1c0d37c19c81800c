import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole, requireUser } from "../auth/session.server";
import { ErrorSummary, Field, SelectField, TextAreaField } from "../components/form";
import { db } from "../db.server";
import { githubConfigured } from "../github/auth.server";
import { refreshIssueNow } from "../github/sync.server";
import { KIND_LABELS, KIND_PERSONAS } from "../lib/bounty-lifecycle";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { requireTargetFollowingRenames } from "../lib/target-pages.server";
import { BOUNTY_KINDS, DIFFICULTIES } from "../lib/vocabulary";
import { createBounty, webBountyActor } from "../models/bounties.server";
import { listPersonas } from "../models/personas.server";
import { NewBountySchema } from "../schemas/bounties";
import { parseForm, readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("New bounty · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const target = requireTargetFollowingRenames(request, params.slug ?? "");
  const kind = new URL(request.url).searchParams.get("kind");
  return json({
    target: { id: target.id, slug: target.slug, name: target.name },
    personas: listPersonas(db),
    proposing: !hasRole(user, "ssc", "admin"),
    kind: BOUNTY_KINDS.find((k) => k === kind) ?? "code",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const target = requireTargetFollowingRenames(request, params.slug ?? "");
  // a retired target keeps the bounties it has, and takes no new ones
  if (target.retiredAt !== null) return json({ fieldErrors: { title: `${target.name} is retired: it takes no new bounties.` }, values: {} }, { status: 409 });
  const parsed = parseForm(NewBountySchema, await readForm(request), { arrays: ["personas"] });
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const bounty = createBounty(db, webBountyActor(user), { targetId: target.id, ...parsed.data });
  // a pasted issue is fetched at once (briefly; otherwise the scheduled sync fetches it first)
  if (parsed.data.github && githubConfigured()) await refreshIssueNow(db, parsed.data.github);
  return redirectWithMessage(
    `/bounties/${bounty.id}`,
    bounty.status === "proposed" ? "Proposal sent: an SSC member or admin will accept or decline it." : "Bounty created: it is on the board.",
  );
}

export default function NewBounty() {
  const { target, personas, proposing, kind } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  const values = (data?.values ?? {}) as Record<string, string | string[] | undefined>;
  const chosenKind = typeof values.kind === "string" ? values.kind : kind;
  // Unticked means "the kind's usual personas"; keep the user's ticks after an error.
  const chosenPersonas = Array.isArray(values.personas) ? values.personas : typeof values.personas === "string" ? [values.personas] : [];
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/targets/${target.slug}`}>{target.name}</Link> <span aria-hidden="true">/</span> New bounty
      </nav>
      <h1>{proposing ? `Propose a bounty for ${target.name}` : `New bounty for ${target.name}`}</h1>
      {proposing ? <p className="lede">An SSC member or admin will accept or decline your proposal; you'll see it on your page meanwhile.</p> : null}
      <ErrorSummary errors={errors} />
      <Form method="post" className="stack" noValidate>
        <Field label="Title" name="title" required maxLength={120} defaultValue={values.title as string | undefined} error={errors.title} />
        <TextAreaField
          label="Description (Markdown)"
          name="description"
          rows={8}
          required
          hint='What needs doing, and what "done" looks like.'
          defaultValue={values.description as string | undefined}
          error={errors.description}
        />
        <SelectField label="Kind of work" name="kind" defaultValue={chosenKind} error={errors.kind}>
          {BOUNTY_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </SelectField>
        <fieldset className="checks">
          <legend>
            Who it suits (leave all unticked to use the kind's usual personas:{" "}
            {Object.entries(KIND_PERSONAS)
              .map(([k, p]) => `${KIND_LABELS[k as keyof typeof KIND_LABELS]} → ${p.join(", ")}`)
              .join("; ")}
            )
          </legend>
          {personas.map((p) => (
            <label key={p.slug}>
              <input type="checkbox" name="personas" value={p.slug} defaultChecked={chosenPersonas.includes(p.slug)} /> {p.name}
            </label>
          ))}
        </fieldset>
        <SelectField label="Difficulty (optional)" name="difficulty" defaultValue={(values.difficulty as string | undefined) ?? ""} error={errors.difficulty}>
          <option value="">Not set</option>
          {DIFFICULTIES.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </SelectField>
        <Field
          label="GitHub issue (optional)"
          name="github"
          placeholder="https://github.com/owner/repo/issues/123"
          defaultValue={values.github as string | undefined}
          error={errors.github}
        />
        <button type="submit" className="button">
          {proposing ? "Send proposal" : "Create bounty"}
        </button>
      </Form>
    </section>
  );
}
