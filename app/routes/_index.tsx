import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StatusBadge } from "../components/catalog";
import { db } from "../db.server";
import { STATUS_DESCRIPTIONS } from "../lib/catalog";
import { TARGET_STATUSES } from "../lib/vocabulary";
import { listPersonas } from "../models/personas.server";
import { getCatalogStats } from "../models/targets.server";

export function loader() {
  return json({ stats: getCatalogStats(db), personas: listPersonas(db) });
}

export default function Home() {
  const { stats, personas } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="hero">
        <p className="eyebrow">The SPIFFE community's bounty board</p>
        <h1>Make workload identity boring: everywhere, by default.</h1>
        <p className="lede">
          SPIFFE becomes the default only when the software people already run speaks it. Club Zero lists the projects that still need SPIFFE support, how far
          each one is, and where the work is tracked on GitHub, so you can pick something and finish it.
        </p>
        <p>
          <Link className="button" to="/targets">
            Browse all {stats.targets} targets
          </Link>
        </p>
      </section>

      <section aria-labelledby="stats-heading" className="section">
        <h2 id="stats-heading">Where things stand</h2>
        <ul className="stats">
          {TARGET_STATUSES.map((status) => (
            <li key={status} className="stat">
              <Link to={`/targets?status=${status}`} className="stat__link">
                <span className="stat__number">{stats.byStatus[status]}</span>
                <StatusBadge status={status} />
                <span className="stat__label">{STATUS_DESCRIPTIONS[status]}</span>
              </Link>
            </li>
          ))}
          <li className="stat">
            <Link to="/targets?sort=issues" className="stat__link">
              <span className="stat__number">{stats.openIssues}</span>
              <span className="stat__title">Open GitHub issues and PRs</span>
              <span className="stat__label">linked to catalog targets ({stats.closedIssues} closed or merged)</span>
            </Link>
          </li>
        </ul>
      </section>

      <section aria-labelledby="persona-heading" className="section">
        <h2 id="persona-heading">Who are you?</h2>
        <p className="muted">Pick the role that fits you best and we'll show the work that needs you.</p>
        <ul className="persona-grid">
          {personas.map((p) => (
            <li key={p.slug}>
              <Link className="card persona-card" to={`/targets?persona=${p.slug}`}>
                <span className="persona-card__name">{p.name}</span>
                <span className="persona-card__help">{p.helpText}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
