import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole, requireUser } from "../auth/session.server";
import { ErrorSummary, Field, FormError, TextAreaField } from "../components/form";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors, notFound } from "../lib/responses";
import { webPerson } from "../models/audit.server";
import { InvalidField } from "../models/errors";
import { acceptSuggestion, declineSuggestion, getSuggestionFor, isCatalogKeeper } from "../models/target-edits.server";
import { parseForm, readForm } from "../schemas/form";
import {
  AcceptSuggestionSchema,
  DeclineSuggestionSchema,
  SuggestionIdSchema as IdSchema,
  SuggestionIntentSchema as IntentSchema,
  suggestSlug,
} from "../schemas/targets";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `Suggestion: ${data.suggestion.name} · Club Zero` : "Not found · Club Zero");

function suggestionId(params: { id?: string }): number {
  const parsed = IdSchema.safeParse({ id: params.id });
  if (!parsed.success) throw notFound("There is no such suggestion.");
  return parsed.data.id;
}

/** The suggester and SSC members and admins see it; to anyone else it does not exist. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const person = webPerson(user);
  const suggestion = getSuggestionFor(db, person, suggestionId(params));
  if (!suggestion) throw notFound("There is no such suggestion.");
  return json({ suggestion, canDecide: isCatalogKeeper(person), slug: suggestSlug(suggestion.name) });
}

/** SSC members and admins accept (creates the target) or decline with a reason. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const id = suggestionId(params);
  const form = await readForm(request);
  const intent = parseForm(IntentSchema, form);
  if (!intent.ok) return json({ fieldErrors: intent.fieldErrors, message: intent.fieldErrors.intent }, { status: 400 });
  const actor = webPerson(user);
  return answerDomainErrors(
    () => {
      if (intent.data.intent === "accept") {
        const parsed = parseForm(AcceptSuggestionSchema, form);
        if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, message: null }, { status: 400 });
        try {
          const target = acceptSuggestion(db, actor, id, parsed.data.slug);
          return redirectWithMessage(
            `/targets/${target.slug}`,
            `Accepted: ${target.name} is in the catalog. Add its personas, bridges and status evidence from Edit.`,
          );
        } catch (error) {
          if (error instanceof InvalidField) return json({ fieldErrors: { [error.field]: error.message }, message: null }, { status: 400 });
          throw error;
        }
      }
      const parsed = parseForm(DeclineSuggestionSchema, form);
      if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, message: null }, { status: 400 });
      declineSuggestion(db, actor, id, parsed.data.reason);
      return redirectWithMessage("/bounties/proposals", "Declined; the suggester is told why.");
    },
    () => ({ fieldErrors: {} }),
  );
}

export default function SuggestionPage() {
  const { suggestion: s, canDecide, slug } = useLoaderData<typeof loader>();
  const data = useActionData<{ fieldErrors: Record<string, string>; message?: string | null }>();
  const busy = useNavigation().state === "submitting";
  const errors = data?.fieldErrors ?? {};
  const repos = s.repos.split("\n").filter(Boolean);
  return (
    <article className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/targets">Catalog</Link> <span aria-hidden="true">/</span> Suggestion
      </nav>
      <header className="page-header">
        <p className="eyebrow">Target suggestion · {s.status}</p>
        <h1>{s.name}</h1>
        <p className="muted">
          {s.category} · suggested by {s.proposer ? `@${s.proposer}` : "someone"} on {formatDate(s.createdAt)}
        </p>
      </header>
      <p>{s.summary}</p>
      {repos.length > 0 ? (
        <p>
          Upstream:{" "}
          {repos.map((r, i) => (
            <span key={r}>
              {i > 0 ? ", " : ""}
              <a href={`https://github.com/${r}`} rel="noreferrer">
                {r}
              </a>
            </span>
          ))}
        </p>
      ) : null}
      {s.status === "accepted" && s.targetSlug ? (
        <p>
          Accepted: <Link to={`/targets/${s.targetSlug}`}>see the target</Link>.
        </p>
      ) : null}
      {s.status === "declined" ? <p>Declined: {s.declineReason}</p> : null}
      {canDecide && s.status === "proposed" ? (
        <>
          <FormError message={data?.message} />
          <ErrorSummary errors={errors} />
          <section className="section" aria-labelledby="accept-heading">
            <h2 id="accept-heading">Accept</h2>
            <Form method="post" className="stack" noValidate aria-label="Accept the suggestion">
              <input type="hidden" name="intent" value="accept" />
              <Field label="Slug" name="slug" required defaultValue={slug} error={errors.slug} hint="The target's address, /targets/<slug>." />
              <button className="button" disabled={busy}>
                Accept and create the target
              </button>
            </Form>
          </section>
          <section className="section" aria-labelledby="decline-heading">
            <h2 id="decline-heading">Decline</h2>
            <Form method="post" className="stack" noValidate aria-label="Decline the suggestion">
              <input type="hidden" name="intent" value="decline" />
              <TextAreaField label="Reason" name="reason" rows={2} required error={errors.reason} />
              <button className="button button--quiet" disabled={busy}>
                Decline
              </button>
            </Form>
          </section>
        </>
      ) : null}
    </article>
  );
}
