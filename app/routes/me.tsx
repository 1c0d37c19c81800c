import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { BountyStatusBadge } from "../components/bounties";
import { db } from "../db.server";
import { formatDate, formatRelative } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { expireClaims, listMyWork } from "../models/bounties.server";

export const meta: MetaFunction = () => pageMeta("My work · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const now = Date.now();
  expireClaims(db, now);
  return json({ username: user.username, work: listMyWork(db, user.id), now });
}

export default function Me() {
  const { username, work, now } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>My work</h1>
        <p className="lede">Your claims, your proposals and what you have finished, @{username}.</p>
        <p>
          <Link to={`/u/${username}`}>Your public page</Link> · <Link to="/expenses">Your expense requests</Link>
        </p>
      </header>

      <section aria-labelledby="claims-heading" className="section">
        <h2 id="claims-heading">My claims</h2>
        {work.claims.length === 0 ? (
          <p className="empty">
            You hold no claims. <Link to="/bounties">Find something to work on</Link>.
          </p>
        ) : (
          <ul className="target-list">
            {work.claims.map((c) => (
              <li key={c.bountyId} className="card">
                <Link to={`/bounties/${c.bountyId}`}>{c.title}</Link> <BountyStatusBadge status={c.status} />
                <p className="muted small">
                  {c.targetName} · checked in {formatRelative(c.lastCheckinAt, now)}
                  {c.status === "in_review" ? " · waiting for review" : ` · expires ${formatRelative(c.expiresAt, now)}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="proposals-heading" className="section">
        <h2 id="proposals-heading">My proposals</h2>
        {work.proposals.length === 0 ? (
          <p className="empty">No proposals waiting. Propose a bounty from any target's page.</p>
        ) : (
          <ul className="target-list">
            {work.proposals.map((p) => (
              <li key={p.id} className="card">
                <Link to={`/bounties/${p.id}`}>{p.title}</Link> <BountyStatusBadge status={p.status} />
                <p className="muted small">
                  {p.targetName} · proposed {formatDate(p.createdAt)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="done-heading" className="section">
        <h2 id="done-heading">Completed</h2>
        {work.completed.length === 0 ? (
          <p className="empty">Nothing completed yet. Your finished work will be listed here and on the appreciation board.</p>
        ) : (
          <ul className="target-list">
            {work.completed.map((c) => (
              <li key={c.id} className="card">
                <Link to={`/bounties/${c.id}`}>{c.title}</Link>
                <p className="muted small">
                  {c.targetName}
                  {c.completedAt ? ` · ${formatDate(c.completedAt)}` : ""}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
