import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TargetCard } from "../components/catalog";
import { db } from "../db.server";
import { formatCount } from "../lib/catalog";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { getPersona, listPersonas } from "../models/personas.server";
import { listTargets } from "../models/targets.server";
import type { PersonaSlug } from "../lib/vocabulary";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `${data.persona.name} · Club Zero` : "Not found · Club Zero");

export function loader({ params }: LoaderFunctionArgs) {
  const persona = getPersona(db, params.persona ?? "");
  if (!persona) throw notFound(`"${params.persona}" is not one of Club Zero's personas.`);
  const { rows, total } = listTargets(db, {
    persona: persona.slug as PersonaSlug, // a row of the personas table: a known slug
    sort: "relevance",
    page: 1,
  });
  return json({ persona, rows, total, personas: listPersonas(db) });
}

export default function PersonaPage() {
  const { persona, rows, total, personas } = useLoaderData<typeof loader>();
  const personaNames = Object.fromEntries(personas.map((p) => [p.slug, p.name]));
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/personas">Ways to help</Link> <span aria-hidden="true">/</span> {persona.name}
      </nav>
      <header className="page-header">
        <h1>{persona.name}</h1>
        <p className="lede">
          <strong>How you can help:</strong> {persona.helpText}
        </p>
      </header>
      <section aria-labelledby="targets-heading">
        <h2 id="targets-heading">{formatCount(total, "target")} that need you, most relevant first</h2>
        {rows.length === 0 ? (
          <p className="empty">
            No targets name this role yet. <Link to="/targets">Browse the whole catalog</Link>: most projects need every kind of help.
          </p>
        ) : (
          <ul className="target-list">
            {rows.map((t) => (
              <TargetCard key={t.slug} target={t} personaNames={personaNames} />
            ))}
          </ul>
        )}
        {total > rows.length ? (
          <p>
            <Link to={`/targets?persona=${persona.slug}&page=2`}>See more in the catalog →</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}
