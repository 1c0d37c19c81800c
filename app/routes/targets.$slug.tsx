import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getUser, hasRole, requireRole } from "../auth/session.server";
import { BountyCard, ProgressMeter } from "../components/bounties";
import { PersonaChips, StatusBadge } from "../components/catalog";
import { Pagination } from "../components/filters";
import { ActionResult } from "../components/form";
import { FundRecord } from "../components/fund";
import { SyncFreshness } from "../components/github";
import { LadderSection } from "../components/ladder";
import { GitHubLink, WebLink } from "../components/links";
import { TargetTutorials } from "../components/tutorials";
import { WatchButton } from "../components/watch";
import { db } from "../db.server";
import { githubConfigured } from "../github/auth.server";
import { refreshIssueNow } from "../github/sync.server";
import { STATUS_DESCRIPTIONS, STATUS_LABELS } from "../lib/catalog";
import { formatDate } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { badRequest, notFound } from "../lib/responses";
import { requireTargetFollowingRenames } from "../lib/target-pages.server";
import { webActor } from "../models/audit.server";
import { expireClaims } from "../models/bounties.server";
import { linkIssueManually } from "../models/github.server";
import { isWatching } from "../models/notifications.server";
import { getTargetPage } from "../models/shared-reads.server";
import { findTarget, TARGET_ISSUES_PAGE_SIZE } from "../models/targets.server";
import { parseGithubIssueRef } from "../schemas/bounties";
import { parseSearchParams, TargetPageQuerySchema } from "../schemas/catalog";
import { readForm } from "../schemas/form";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `${data.target.name} · Club Zero` : "Not found · Club Zero");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const query = parseSearchParams(TargetPageQuerySchema, new URL(request.url).searchParams);
  if (!query.ok) throw badRequest(query.errors.map((e) => e.message).join(" "));
  const page = query.data.page;
  const now = Date.now();
  expireClaims(db, now);
  const shared = getTargetPage(db, params.slug ?? "", page);
  // a renamed target's old address is sent on (this throws a 301 or a 404)
  if (!shared) throw requireTargetFollowingRenames(request, params.slug ?? "");
  const { target } = shared;
  if (page > target.issuePages)
    throw notFound(`${target.name} has ${target.issuePages} ${target.issuePages === 1 ? "page" : "pages"} of linked issues, not ${page}.`);
  const user = await getUser(request);
  return json({
    target,
    personas: shared.personas,
    bounties: shared.bounties,
    bountyTotal: shared.bountyTotal,
    progress: shared.progress,
    signedIn: Boolean(user),
    canCreate: hasRole(user, "ssc", "admin"),
    freshness: shared.freshness,
    fundRecord: shared.fundRecord,
    watching: user ? isWatching(db, user.id, "target", target.id) : null,
    tutorials: shared.tutorials,
    parts: shared.parts,
    history: shared.history,
    ladder: shared.ladder,
    offered: shared.offered,
    now,
  });
}

/** ssc/admin paste a GitHub issue or PR URL to link it to this target. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "ssc", "admin");
  const target = findTarget(db, params.slug ?? "");
  if (!target) throw notFound(`There is no target called "${params.slug}" in the catalog.`);
  const form = await readForm(request);
  const raw = String(form.get("url") ?? "").trim();
  const ref = parseGithubIssueRef(raw);
  if (!ref) return json({ ok: false, message: "Paste a GitHub issue or pull request URL, or write owner/repo#123." }, { status: 400 });
  const kind = /\/pull\//.test(raw) ? "pull" : "issue";
  const { added } = linkIssueManually(db, webActor(user), target.id, ref, kind);
  const name = `${ref.repo}#${ref.number}`;
  if (!githubConfigured()) {
    return json({
      ok: true,
      message: `${added ? "Linked" : "Already linked:"} ${name}. Its title and state will update when GitHub sends an event about it (set GITHUB_TOKEN or a GitHub App to fetch them right away).`,
    });
  }
  const fetched = await refreshIssueNow(db, ref);
  return json({
    ok: true,
    message: fetched.ok
      ? `${added ? "Linked" : "Already linked:"} ${name}, fetched from GitHub.`
      : `${added ? "Linked" : "Already linked:"} ${name}, but fetching it failed (${fetched.message}) The scheduled sync will try again.`,
  });
}

const STATE_LABELS = { open: "Open", closed: "Closed", merged: "Merged" } as const;

export default function TargetPage() {
  const {
    target,
    personas,
    bounties,
    bountyTotal,
    progress,
    signedIn,
    canCreate,
    freshness,
    fundRecord,
    now,
    watching,
    tutorials,
    parts,
    history,
    ladder,
    offered,
  } = useLoaderData<typeof loader>();
  const retired = target.retiredAt !== null;
  const linked = useActionData<typeof action>();
  const personaNames = Object.fromEntries(personas.map((p) => [p.slug, p.name]));
  const open = target.issueCounts.open;
  const allIssues = target.issueCounts.open + target.issueCounts.closed;
  return (
    <article>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/targets">Catalog</Link> <span aria-hidden="true">/</span> {target.name}
      </nav>
      <header className="page-header">
        <p className="eyebrow">{target.category}</p>
        <h1>{target.name}</h1>
        {retired ? (
          <p className="alert" role="note">
            Retired on {formatDate(target.retiredAt!)}: this target is no longer in the catalog's list. Its history and bounties stay here.
          </p>
        ) : null}
        <p className="status-line">
          <StatusBadge status={target.status} /> <span className="muted">{STATUS_DESCRIPTIONS[target.status]}</span>
        </p>
        {target.summaryHtml ? (
          <div className="lede prose" dangerouslySetInnerHTML={{ __html: target.summaryHtml }} />
        ) : (
          <p className="lede">{target.summary}</p>
        )}
        {canCreate ? (
          <p>
            <Link className="button button--small button--quiet" to={`/targets/${target.slug}/edit`}>
              Edit target
            </Link>
          </p>
        ) : null}
        {watching !== null ? <WatchButton subject="target" id={target.id} watching={watching} returnTo={`/targets/${target.slug}`} /> : null}
        <ul className="links-inline">
          {parts.repos.map((repo) => (
            <li key={repo}>
              <a href={`https://github.com/${repo}`} rel="noreferrer">
                {repo} on GitHub
              </a>
            </li>
          ))}
          {target.homepage ? (
            <li>
              <WebLink url={target.homepage}>Project homepage</WebLink>
            </li>
          ) : null}
        </ul>
      </header>

      <section aria-labelledby="personas-heading" className="section">
        <h2 id="personas-heading">Who can help</h2>
        <PersonaChips personas={target.personas} names={personaNames} />
        {parts.personaHelp.some((p) => p.helpText) ? (
          <dl className="persona-help">
            {parts.personaHelp
              .filter((p) => p.helpText)
              .map((p) => (
                <div key={p.slug}>
                  <dt>{personaNames[p.slug] ?? p.slug}</dt>
                  <dd>{p.helpText}</dd>
                </div>
              ))}
          </dl>
        ) : null}
      </section>

      <section aria-labelledby="bounties-heading" className="section">
        <h2 id="bounties-heading">Bounties</h2>
        <ProgressMeter completed={progress.completed} total={progress.total} />
        {bounties.length === 0 ? (
          <p className="empty">No bounties for {target.name} yet.</p>
        ) : (
          <ul className="target-list">
            {bounties.map((b) => (
              <BountyCard key={b.id} bounty={b} personaNames={personaNames} now={now} />
            ))}
          </ul>
        )}
        {bountyTotal > bounties.length ? (
          <p>
            <Link to={`/bounties?target=${target.slug}`}>
              All {bountyTotal} bounties for {target.name} →
            </Link>
          </p>
        ) : null}
        <p>
          {retired ? null : signedIn ? (
            <Link className="button button--quiet" to={`/targets/${target.slug}/bounties/new`}>
              {canCreate ? "Create a bounty" : "Propose a bounty"}
            </Link>
          ) : (
            <>
              <Link to={`/login?redirectTo=/targets/${target.slug}`}>Sign in</Link> to propose a bounty.
            </>
          )}
        </p>
      </section>

      <TargetTutorials targetSlug={target.slug} targetName={target.name} tutorials={tutorials} signedIn={signedIn} />

      <LadderSection ladder={ladder} targetSlug={target.slug} offered={offered} signedIn={signedIn} canPropose={!retired} />

      {parts.bridges.length > 0 ? (
        <section aria-labelledby="bridges-heading" className="section">
          <h2 id="bridges-heading">Bridges that work today</h2>
          <ul>
            {parts.bridges.map((b) => (
              <li key={b.url + b.name}>
                <WebLink url={b.url}>{b.name}</WebLink>
                {b.note ? <span className="muted"> — {b.note}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="history-heading" className="section">
        <h2 id="history-heading">Status history</h2>
        <ol className="status-history" reversed>
          {history.map((h) => (
            <li key={h.id}>
              <time dateTime={new Date(h.createdAt).toISOString()}>{formatDate(h.createdAt)}</time>:{" "}
              {h.fromStatus ? `${STATUS_LABELS[h.fromStatus]} → ${STATUS_LABELS[h.toStatus]}` : `started as ${STATUS_LABELS[h.toStatus]}`}
              {" · "}
              {h.actorUsername ? <Link to={`/u/${h.actorUsername}`}>@{h.actorUsername}</Link> : h.actorLabel}
              {h.evidenceUrl ? (
                <>
                  {" · "}
                  <WebLink url={h.evidenceUrl}>evidence</WebLink>
                </>
              ) : null}
              {h.note ? <span className="muted"> — {h.note}</span> : null}
            </li>
          ))}
        </ol>
      </section>

      <FundRecord records={fundRecord} />

      <section aria-labelledby="issues-heading" className="section">
        <h2 id="issues-heading">GitHub issues and pull requests</h2>
        <p className="muted">
          {open} open, {target.issueCounts.closed} closed or merged
          {allIssues > target.issues.length
            ? ` (showing ${(target.issuePage - 1) * TARGET_ISSUES_PAGE_SIZE + 1}–${(target.issuePage - 1) * TARGET_ISSUES_PAGE_SIZE + target.issues.length}: open ones first, then the most recently linked)`
            : ""}
          . <SyncFreshness syncedAt={freshness.syncedAt} unsynced={freshness.unsynced} now={now} />
        </p>
        {canCreate ? (
          <Form method="post" className="inline-form" aria-label="Link a GitHub issue">
            <label htmlFor="link-url">Link a GitHub issue or PR</label>
            <input id="link-url" name="url" placeholder="https://github.com/owner/repo/issues/123" required />
            <button className="button button--small" type="submit">
              Link
            </button>
          </Form>
        ) : null}
        <ActionResult result={linked} />
        {target.issues.length === 0 ? (
          <p className="empty">No GitHub issues are linked yet.</p>
        ) : (
          <ul className="issue-list">
            {target.issues.map((issue) => (
              <li key={issue.id} className="issue">
                <span className={`state state--${issue.state}`}>{STATE_LABELS[issue.state]}</span>
                <span className="issue__kind">{issue.kind === "pull" ? "PR" : "Issue"}</span>
                <GitHubLink url={issue.url} className="issue__title">
                  {issue.title}
                </GitHubLink>
                <span className="muted issue__ref">
                  {issue.repo}#{issue.number}
                </span>
              </li>
            ))}
          </ul>
        )}
        <Pagination query={{}} page={target.issuePage} pages={target.issuePages} />
      </section>
    </article>
  );
}
