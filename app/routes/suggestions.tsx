import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { GitHubLink } from "../components/links";
import { db } from "../db.server";
import { formatRelative } from "../lib/dates";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors } from "../lib/responses";
import { webActor } from "../models/audit.server";
import { decideSuggestion, listSuggestions } from "../models/github-suggestions.server";
import { parseForm, readForm } from "../schemas/form";
import { SuggestionDecisionSchema } from "../schemas/suggestions";

export const meta: MetaFunction = () => pageMeta("Suggested issues · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ssc", "admin");
  return json({ suggestions: listSuggestions(db), now: Date.now() });
}

/** Link a suggestion to its target, or dismiss it (remembered: it is not suggested again). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const parsed = parseForm(SuggestionDecisionSchema, await readForm(request));
  if (!parsed.ok) return json({ message: Object.values(parsed.fieldErrors)[0] ?? "That decision was not understood." }, { status: 400 });
  const { id, decision } = parsed.data;
  return answerDomainErrors(() => {
    const { status } = decideSuggestion(db, webActor(user), id, decision);
    return redirectWithMessage("/suggestions", status === "linked" ? "Linked to its target." : "Dismissed: it will not be suggested again.");
  });
}

export default function Suggestions() {
  const { suggestions, now } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Suggested issues</h1>
        <p className="lede">
          Open issues and pull requests in targets' upstream repositories that mention SPIFFE, SPIRE or workload identity, found by GitHub's search. Link one to
          its target, or dismiss it for good.
        </p>
      </header>
      {suggestions.length === 0 ? (
        <p className="empty">Nothing to decide.</p>
      ) : (
        <ul className="issue-list">
          {suggestions.map((s) => (
            <li key={s.id} className="issue">
              <span className="issue__kind">{s.kind === "pull" ? "PR" : "Issue"}</span>
              <GitHubLink url={s.url} className="issue__title">
                {s.title}
              </GitHubLink>
              <span className="muted issue__ref">
                {s.repo}#{s.number} · for <Link to={`/targets/${s.targetSlug}`}>{s.targetName}</Link> · found {formatRelative(s.foundAt, now)}
              </span>
              <Form method="post" className="inline-form" aria-label={`Decide on ${s.repo}#${s.number}`}>
                <input type="hidden" name="id" value={s.id} />
                <button className="button button--small" type="submit" name="decision" value="link">
                  Link to {s.targetName}
                </button>
                <button className="button button--small button--quiet" type="submit" name="decision" value="dismiss">
                  Dismiss
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
