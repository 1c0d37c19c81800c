import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getUser, hasRole } from "../auth/session.server";
import { TargetCard } from "../components/catalog";
import { FilterActions, FilterForm, FilterSelect, Pagination, QueryErrors } from "../components/filters";
import { db } from "../db.server";
import { CATALOG_PAGE_SIZE, CATALOG_SORTS, SORT_LABELS, STATUS_LABELS, formatCount } from "../lib/catalog";
import { RUNG_LABELS, RUNGS } from "../lib/ladder";
import { pageMeta } from "../lib/meta";
import { pageCount } from "../lib/paging";
import { TARGET_STATUSES } from "../lib/vocabulary";
import { listPersonas } from "../models/personas.server";
import { listCategories, listTargets } from "../models/targets.server";
import { CatalogQuerySchema, pageBeyondEnd, parseSearchParams, type QueryError } from "../schemas/catalog";

export const meta: MetaFunction = () => pageMeta("Catalog · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const who = { signedIn: Boolean(user), keeper: hasRole(user, "ssc", "admin") };
  const params = new URL(request.url).searchParams;
  const personas = listPersonas(db);
  const categories = listCategories(db);
  const parsed = parseSearchParams(CatalogQuerySchema, params);
  const errors: QueryError[] = parsed.ok ? [] : parsed.errors;
  const query = parsed.ok ? parsed.data : null;
  if (query?.category && !categories.some((c) => c.category === query.category)) {
    errors.push({
      param: "category",
      value: query.category,
      message: `"${query.category}" is not a category in the catalog: choose one from the list.`,
    });
  }
  if (!query || errors.length > 0) {
    return json({ errors, query: Object.fromEntries(params), personas, categories, rows: [], total: 0, page: 1, who }, { status: 400 });
  }
  const { rows, total } = listTargets(db, query);
  const beyond = pageBeyondEnd(query.page, total, CATALOG_PAGE_SIZE);
  if (beyond) return json({ errors: [beyond], query: Object.fromEntries(params), personas, categories, rows: [], total: 0, page: 1, who }, { status: 404 });
  return json({
    errors,
    query: Object.fromEntries(params),
    personas,
    categories,
    rows,
    total,
    page: query.page,
    who,
  });
}

export default function Catalog() {
  const { errors, query, personas, categories, rows, total, page, who } = useLoaderData<typeof loader>();
  const personaNames = Object.fromEntries(personas.map((p) => [p.slug, p.name]));
  const persona = personas.find((p) => p.slug === query.persona);
  const pages = pageCount(total, CATALOG_PAGE_SIZE);
  const errorFor = (param: string) => errors.find((e) => e.param === param);

  return (
    <>
      <header className="page-header">
        <h1>{persona ? `Work for ${persona.name.toLowerCase()}` : "Integration catalog"}</h1>
        {persona ? (
          <p className="lede">
            <strong>How you can help:</strong> {persona.helpText}
          </p>
        ) : (
          <p className="lede">Projects that could speak SPIFFE, how far each one is, and where the work is tracked.</p>
        )}
        {query.retired === "only" ? <p>Retired targets: out of the catalog's list, kept for their history and bounties.</p> : null}
        {who.keeper ? (
          <p>
            <Link className="button button--small" to="/targets/new">
              Add a target
            </Link>
          </p>
        ) : who.signedIn ? (
          <p>
            <Link className="button button--small button--quiet" to="/targets/suggest">
              Suggest a target
            </Link>
          </p>
        ) : null}
      </header>

      <QueryErrors errors={errors} clearTo="/targets" />

      <FilterForm label="Filter the catalog">
        <div className="field">
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={query.q ?? ""} placeholder="Name or summary" maxLength={100} />
        </div>
        <FilterSelect
          name="persona"
          label="I am…"
          value={query.persona}
          any="Anyone"
          invalid={Boolean(errorFor("persona"))}
          choices={personas.map((p) => ({ value: p.slug, label: p.name }))}
        />
        <FilterSelect
          name="status"
          label="SPIFFE status"
          value={query.status}
          any="Any"
          invalid={Boolean(errorFor("status"))}
          choices={TARGET_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
        />
        <FilterSelect
          name="category"
          label="Category"
          value={query.category}
          any="Any"
          invalid={Boolean(errorFor("category"))}
          choices={categories.map((c) => ({ value: c.category, label: `${c.category} (${c.targets})` }))}
        />
        <FilterSelect
          name="rung"
          label="Road to done reached"
          value={query.rung}
          any="Any"
          invalid={Boolean(errorFor("rung"))}
          choices={RUNGS.map((r) => ({ value: r, label: RUNG_LABELS[r] }))}
        />
        <FilterSelect
          name="sort"
          label="Sort by"
          value={query.sort ?? "relevance"}
          invalid={Boolean(errorFor("sort"))}
          choices={CATALOG_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
        />
        <FilterActions resetTo="/targets" />
      </FilterForm>

      {errors.length === 0 ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" className="results-count" aria-live="polite">
            {formatCount(total, "target")}
            {pages > 1 ? ` · page ${page} of ${pages}` : ""}
          </h2>
          {rows.length === 0 ? (
            <p className="empty">
              Nothing matches these filters. <Link to="/targets">Show every target</Link>.
            </p>
          ) : (
            <ul className="target-list">
              {rows.map((t) => (
                <TargetCard key={t.slug} target={t} personaNames={personaNames} />
              ))}
            </ul>
          )}
          <Pagination query={query} page={page} pages={pages} />
          <p className="small">
            {query.retired === "only" ? <Link to="/targets">Back to the catalog</Link> : <Link to="/targets?retired=only">Retired targets</Link>}
          </p>
        </section>
      ) : null}
    </>
  );
}
