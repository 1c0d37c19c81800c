import { json, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { db } from "../db.server";
import { KIND_LABELS } from "../lib/bounty-lifecycle";
import { formatDate } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { listAppreciation } from "../models/bounties.server";

export const meta: MetaFunction = () => pageMeta("Appreciation board · Club Zero");

export function loader() {
  return json({ people: listAppreciation(db) });
}

export default function Appreciation() {
  const { people } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Appreciation board</h1>
        <p className="lede">Everyone who finished a piece of SPIFFE work through Club Zero, and what they did. Thank you.</p>
      </header>
      {people.length === 0 ? (
        <p className="empty">
          No completed bounties yet. <Link to="/bounties">Be the first</Link>.
        </p>
      ) : (
        <ul className="target-list">
          {people.map((p) => (
            <li key={p.label} className="card">
              <h2 className="target-card__title">
                {p.username ? (
                  <Link to={`/u/${p.username}`}>
                    {p.displayName ? `${p.displayName} ` : ""}
                    <span className="muted">{p.label}</span>
                  </Link>
                ) : (
                  <>
                    {p.displayName ? `${p.displayName} ` : ""}
                    <span className="muted">{p.label}</span>
                  </>
                )}
              </h2>
              <ul>
                {p.work.map((w) => (
                  <li key={w.id}>
                    <Link to={`/bounties/${w.id}`}>{w.title}</Link> — {KIND_LABELS[w.kind]} for <Link to={`/targets/${w.targetSlug}`}>{w.targetName}</Link>
                    {w.completedAt ? <span className="muted"> · {formatDate(w.completedAt)}</span> : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
