import { json, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { db } from "../db.server";
import { pageMeta } from "../lib/meta";
import { listPersonas } from "../models/personas.server";

export const meta: MetaFunction = () => pageMeta("Ways to help · Club Zero");

export function loader() {
  return json({ personas: listPersonas(db) });
}

export default function Personas() {
  const { personas } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Ways to help</h1>
        <p className="lede">Everyone can move SPIFFE forward. Find your role and see the work that suits it.</p>
      </header>
      <ul className="persona-grid">
        {personas.map((p) => (
          <li key={p.slug}>
            <Link className="card persona-card" to={`/personas/${p.slug}`}>
              <span className="persona-card__name">{p.name}</span>
              <span className="persona-card__help">{p.helpText}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
