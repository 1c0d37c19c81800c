import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getUser, requireUser } from "../auth/session.server";
import { BountyStatusBadge, ClaimLine } from "../components/bounties";
import { PersonaChips } from "../components/catalog";
import { Pagination } from "../components/filters";
import { FormError, ReasonForm } from "../components/form";
import { FundRecord } from "../components/fund";
import { SyncFreshness } from "../components/github";
import { GitHubLink, WebLink } from "../components/links";
import { PersonLink } from "../components/people";
import { WatchButton } from "../components/watch";
import { db } from "../db.server";
import { availableIntents, KIND_LABELS, type WebIntent } from "../lib/bounty-lifecycle";
import { formatDateTime } from "../lib/dates";
import { redirectWithMessage } from "../lib/flash.server";
import { githubIssueUrl } from "../lib/links";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors, badRequest, notFound } from "../lib/responses";
import { applyIntent, expireClaims, getBounty, isClaimant, webBountyActor } from "../models/bounties.server";
import { listPublicExpensesFor } from "../models/expenses.server";
import { getIssueFreshness } from "../models/github-sync.server";
import { listPullsForBounty } from "../models/github.server";
import { isWatching } from "../models/notifications.server";
import { isBountyReviewer, maySeeBounty } from "../models/permissions.server";
import { listPersonas } from "../models/personas.server";
import { BountyPageQuerySchema, IntentSchema } from "../schemas/bounties";
import { parseSearchParams } from "../schemas/catalog";
import { parseForm, readForm } from "../schemas/form";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `${data.bounty.title} · Club Zero` : "Not found · Club Zero");

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw ?? "") || !Number.isSafeInteger(id) || id < 1) throw notFound("There is no such bounty.");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  const query = parseSearchParams(BountyPageQuerySchema, new URL(request.url).searchParams);
  if (!query.ok) throw badRequest(query.errors.map((e) => e.message).join(" "));
  const page = query.data.page;
  const now = Date.now();
  expireClaims(db, now);
  const user = await getUser(request);
  const bounty = getBounty(db, id, page);
  const viewerPerson = user ? { userId: user.id, roles: user.roles } : null;
  if (!bounty || !maySeeBounty(viewerPerson, bounty)) throw notFound("There is no such bounty.");
  const reviewer = isBountyReviewer(viewerPerson);
  if (page > bounty.eventPages) throw notFound(`This bounty's timeline has ${bounty.eventPages} ${bounty.eventPages === 1 ? "page" : "pages"}, not ${page}.`);
  const viewer = {
    signedIn: Boolean(user),
    isClaimant: user ? isClaimant(db, id, webBountyActor(user)) : false,
    isReviewer: reviewer,
  };
  // Markdown was rendered when it was written (models/bounties.server.ts); the page sends
  // the stored HTML and not the source, so each note travels once in the HTML and once in
  // the loader data.
  const { description: _source, events, ...rest } = bounty;
  return json({
    bounty: {
      ...rest,
      descriptionHtml: bounty.descriptionHtml ?? "",
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        actorLabel: e.actorLabel,
        source: e.source,
        createdAt: e.createdAt,
        noteHtml: e.noteHtml,
        links: e.linksJson ? (JSON.parse(e.linksJson) as string[]) : [],
      })),
    },
    timeline: { page, pages: bounty.eventPages, total: bounty.eventTotal },
    intents: availableIntents(bounty.status, viewer),
    viewer,
    signedIn: Boolean(user),
    personas: listPersonas(db),
    fundRecord: listPublicExpensesFor(db, { bountyId: id }),
    pulls: listPullsForBounty(db, bounty),
    watching: user ? isWatching(db, user.id, "bounty", id) : null,
    githubSyncedAt: bounty.githubRepo && bounty.githubNumber ? getIssueFreshness(db, bounty.githubRepo, bounty.githubNumber) : null,
    now,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  const user = await requireUser(request);
  const parsed = parseForm(IntentSchema, await readForm(request));
  if (!parsed.ok) return json({ message: Object.values(parsed.fieldErrors)[0] ?? "That action was not understood." }, { status: 400 });
  const { intent, note, reason, links } = parsed.data;
  return answerDomainErrors(() => {
    applyIntent(db, webBountyActor(user), id, intent, { note, reason, links });
    return redirectWithMessage(`/bounties/${id}`, DONE[intent]);
  });
}

/** What the person is told after each action (it arrives focused on the page it redirects to). */
const DONE: Record<WebIntent, string> = {
  claim: "You claimed this bounty. Post progress now and then to keep it.",
  release: "The claim is released; the bounty is open again.",
  progress: "Your progress note is posted on the timeline.",
  submit: "Submitted for review: an SSC member or admin will confirm it.",
  complete: "Confirmed completed; the credit goes to the claimant.",
  reopen: "Reopened: the work can go on, and the timeline says why.",
  cancel: "The bounty is cancelled.",
  accept: "Proposal accepted: the bounty is on the board.",
  decline: "Proposal declined.",
};

const EVENT_WORDS: Record<string, string> = {
  proposed: "proposed this bounty",
  created: "created this bounty",
  accepted: "accepted the proposal",
  declined: "declined the proposal",
  claimed: "claimed it",
  progress: "posted progress",
  released: "released the claim",
  expired: "— claim expired",
  submitted: "submitted it for review",
  completed: "confirmed it completed",
  reopened: "reopened it",
  cancelled: "cancelled it",
  refused: "— a command was refused",
  linked: "— from GitHub",
};

export default function BountyPage() {
  const { bounty, intents, viewer, signedIn, personas, fundRecord, now, timeline, watching, githubSyncedAt, pulls } = useLoaderData<typeof loader>();
  const error = useActionData<{ message?: string }>();
  const busy = useNavigation().state === "submitting";
  const personaNames = Object.fromEntries(personas.map((p) => [p.slug, p.name]));
  const can = (i: WebIntent) => intents.includes(i);
  return (
    <article>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/bounties">Bounties</Link> <span aria-hidden="true">/</span> <Link to={`/targets/${bounty.target.slug}`}>{bounty.target.name}</Link>
      </nav>
      <header className="page-header">
        <p className="eyebrow">
          {KIND_LABELS[bounty.kind]}
          {bounty.difficulty ? ` · ${bounty.difficulty}` : ""}
        </p>
        <h1>{bounty.title}</h1>
        <p className="status-line">
          <BountyStatusBadge status={bounty.status} />
          {bounty.claim ? (
            <span>
              <ClaimLine claim={bounty.claim} now={now} status={bounty.status} />
            </span>
          ) : null}
          {bounty.status === "completed" && bounty.creditLabel ? (
            <span>
              completed by <PersonLink label={bounty.creditLabel} />
            </span>
          ) : null}
        </p>
        <PersonaChips personas={bounty.personas} names={personaNames} />
        {watching !== null ? <WatchButton subject="bounty" id={bounty.id} watching={watching} returnTo={`/bounties/${bounty.id}`} /> : null}
        {bounty.githubRepo && bounty.githubNumber ? (
          <p>
            <GitHubLink url={githubIssueUrl(bounty.githubRepo, bounty.githubNumber)}>
              {bounty.githubRepo}#{bounty.githubNumber} on GitHub
            </GitHubLink>{" "}
            <span className="muted">
              <SyncFreshness syncedAt={githubSyncedAt} now={now} />
            </span>
          </p>
        ) : null}
        {pulls.length > 0 ? (
          <ul aria-label="Pull requests" className="issue-list">
            {pulls.map((pr) => (
              <li key={`${pr.repo}#${pr.number}`}>
                {pr.relation === "fixes" ? "Fix: " : "Related: "}
                <GitHubLink url={pr.url}>
                  {pr.repo}#{pr.number} {pr.title}
                </GitHubLink>{" "}
                ({pr.state})
              </li>
            ))}
          </ul>
        ) : null}
      </header>

      <div className="layout-2">
        <div>
          <section aria-labelledby="description-heading">
            <h2 id="description-heading">What needs doing</h2>
            <div className="prose" dangerouslySetInnerHTML={{ __html: bounty.descriptionHtml }} />
          </section>

          <FundRecord records={fundRecord} />

          <section aria-labelledby="timeline-heading" className="section">
            <h2 id="timeline-heading">Timeline</h2>
            {timeline.pages > 1 ? (
              <p className="muted small">
                Newest first: page {timeline.page} of {timeline.pages} ({timeline.total} events).
              </p>
            ) : null}
            <ol className="timeline">
              {bounty.events.map((e) => (
                <li key={e.id}>
                  <div className="timeline__meta">
                    <strong>
                      <PersonLink label={e.actorLabel} />
                    </strong>{" "}
                    {EVENT_WORDS[e.type] ?? e.type} · <time dateTime={new Date(e.createdAt).toISOString()}>{formatDateTime(e.createdAt)}</time>
                    {e.source !== "web" ? <span> · via {e.source}</span> : null}
                  </div>
                  {e.noteHtml ? <div className="prose timeline__note" dangerouslySetInnerHTML={{ __html: e.noteHtml }} /> : null}
                  {e.links.length > 0 ? (
                    <ul>
                      {e.links.map((l) => (
                        <li key={l}>
                          <WebLink url={l}>{l}</WebLink>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ol>
            <Pagination query={{}} page={timeline.page} pages={timeline.pages} />
          </section>
        </div>

        <aside aria-labelledby="actions-heading">
          <h2 id="actions-heading">What you can do</h2>
          <FormError message={error?.message} />
          {!signedIn && bounty.status === "open" ? (
            <p>
              <Link to={`/login?redirectTo=/bounties/${bounty.id}`}>Sign in</Link> to claim this bounty.
            </p>
          ) : null}
          {intents.length === 0 && signedIn ? <p className="muted">Nothing for you to do here right now.</p> : null}
          {/* every action that succeeds adds an event: the forms start empty again, a refused one keeps what was typed */}
          <div className="actions" key={timeline.total}>
            {can("claim") ? (
              <Form method="post">
                <p className="muted small">Claiming gives you the bounty for a while; check in with progress to keep it.</p>
                <button className="button" name="intent" value="claim" disabled={busy}>
                  Claim this bounty
                </button>
              </Form>
            ) : null}
            {can("progress") ? (
              <Form method="post">
                <label htmlFor="progress-note">Progress note (Markdown)</label>
                <textarea id="progress-note" name="note" required maxLength={10000} />
                <label htmlFor="progress-links">Links, one per line (optional)</label>
                <textarea id="progress-links" name="links" rows={2} />
                <button className="button" name="intent" value="progress" disabled={busy}>
                  Post progress
                </button>
              </Form>
            ) : null}
            {can("submit") ? (
              <Form method="post">
                <label htmlFor="submit-links">Link to the work (PR, doc, package), one per line</label>
                <textarea id="submit-links" name="links" rows={2} required />
                <label htmlFor="submit-note">Note for the reviewers (optional)</label>
                <textarea id="submit-note" name="note" />
                <button className="button" name="intent" value="submit" disabled={busy}>
                  Submit for review
                </button>
              </Form>
            ) : null}
            {can("complete") ? (
              <Form method="post">
                <p className="muted small">Confirm the submitted work is done; the claimant gets the credit.</p>
                <button className="button" name="intent" value="complete" disabled={busy}>
                  Confirm completed
                </button>
              </Form>
            ) : null}
            {can("accept") ? (
              <Form method="post">
                <button className="button" name="intent" value="accept" disabled={busy}>
                  Accept proposal
                </button>
              </Form>
            ) : null}
            {can("reopen") ? (
              <ReasonForm
                intent="reopen"
                label={bounty.status === "in_review" ? "What still needs doing?" : "Why reopen it? (optional)"}
                button={bounty.status === "in_review" ? "Send back to in progress" : "Reopen"}
                required={bounty.status === "in_review"}
                busy={busy}
              />
            ) : null}
            {can("release") ? (
              <Form method="post">
                {viewer.isClaimant ? null : (
                  <>
                    <label htmlFor="release-reason">Why release this claim?</label>
                    <textarea id="release-reason" name="reason" required />
                  </>
                )}
                <button className="button button--quiet" name="intent" value="release" disabled={busy}>
                  {viewer.isClaimant ? "Release my claim" : "Release the claim"}
                </button>
              </Form>
            ) : null}
            {can("decline") ? <ReasonForm intent="decline" label="Why decline it?" button="Decline proposal" busy={busy} /> : null}
            {can("cancel") ? <ReasonForm intent="cancel" label="Why cancel the bounty?" button="Cancel bounty" busy={busy} /> : null}
          </div>
        </aside>
      </div>
    </article>
  );
}
