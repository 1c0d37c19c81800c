import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BountyCard } from "../components/bounties";
import { FilterActions, FilterForm, FilterSelect, Pagination, QueryErrors } from "../components/filters";
import { db } from "../db.server";
import { BOARD_PAGE_SIZE, BOUNTY_STATUS_LABELS, KIND_LABELS } from "../lib/bounty-lifecycle";
import { formatCount } from "../lib/catalog";
import { pageMeta } from "../lib/meta";
import { pageCount } from "../lib/paging";
import { BOUNTY_KINDS, BOARD_STATUSES } from "../lib/vocabulary";
import { expireClaims, listBountyTargetOptions } from "../models/bounties.server";
import { listPersonas } from "../models/personas.server";
import { getBoardPage } from "../models/shared-reads.server";
import { findTarget } from "../models/targets.server";
import { BoardQuerySchema } from "../schemas/bounties";
import { pageBeyondEnd, parseSearchParams, type QueryError } from "../schemas/catalog";

export const meta: MetaFunction = () => pageMeta("Bounties · Club Zero");

export function loader({ request }: LoaderFunctionArgs) {
  const now = Date.now();
  expireClaims(db, now);
  const params = new URL(request.url).searchParams;
  const parsed = parseSearchParams(BoardQuerySchema, params);
  const errors: QueryError[] = parsed.ok ? [] : parsed.errors;
  if (parsed.ok && parsed.data.target && !findTarget(db, parsed.data.target)) {
    errors.push({ param: "target", value: parsed.data.target, message: `"${parsed.data.target}" is not a target in the catalog.` });
  }
  const query = Object.fromEntries(params);
  if (!parsed.ok || errors.length > 0) {
    return json({ query, personas: listPersonas(db), targets: listBountyTargetOptions(db), now, errors, rows: [], total: 0, page: 1 }, { status: 400 });
  }
  const { personas, targets, rows, total } = getBoardPage(db, parsed.data);
  const beyond = pageBeyondEnd(parsed.data.page, total, BOARD_PAGE_SIZE);
  if (beyond) return json({ query, personas, targets, now, errors: [beyond], rows: [], total: 0, page: 1 }, { status: 404 });
  return json({ query, personas, targets, now, errors, rows, total, page: parsed.data.page });
}

export default function Board() {
  const { query, personas, targets, now, errors, rows, total, page } = useLoaderData<typeof loader>();
  const personaNames = Object.fromEntries(personas.map((p) => [p.slug, p.name]));
  const pages = pageCount(total, BOARD_PAGE_SIZE);
  return (
    <>
      <header className="page-header">
        <h1>Bounties</h1>
        <p className="lede">Wanted work on SPIFFE integrations. Claim one, post your progress, and get credit when it's done.</p>
        <p>
          <a href={`/bounties.atom${query.persona ? `?persona=${query.persona}` : ""}`}>Atom feed of new open bounties</a>
        </p>
      </header>
      <QueryErrors errors={errors} clearTo="/bounties" />
      <FilterForm label="Filter bounties">
        <div className="field">
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={query.q ?? ""} maxLength={100} />
        </div>
        <FilterSelect
          name="status"
          label="Status"
          value={query.status}
          any="Open and active"
          choices={BOARD_STATUSES.map((s) => ({ value: s, label: BOUNTY_STATUS_LABELS[s] }))}
        />
        <FilterSelect name="persona" label="I am…" value={query.persona} any="Anyone" choices={personas.map((p) => ({ value: p.slug, label: p.name }))} />
        <FilterSelect name="kind" label="Kind" value={query.kind} any="Any" choices={BOUNTY_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} />
        {targets ? (
          <FilterSelect name="target" label="Target" value={query.target} any="Any" choices={targets.map((t) => ({ value: t.slug, label: t.name }))} />
        ) : (
          <div className="field">
            <label htmlFor="target">Target</label>
            <input id="target" name="target" type="search" defaultValue={query.target ?? ""} placeholder="slug, e.g. kafka" maxLength={64} />
          </div>
        )}
        <FilterActions resetTo="/bounties" />
      </FilterForm>
      {errors.length === 0 ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" className="results-count">
            {formatCount(total, "bounty", "bounties")}
            {pages > 1 ? ` · page ${page} of ${pages}` : ""}
          </h2>
          {rows.length === 0 ? (
            <p className="empty">
              No bounties match. <Link to="/bounties">See all open work</Link>, or propose one from a target's page.
            </p>
          ) : (
            <ul className="target-list">
              {rows.map((b) => (
                <BountyCard key={b.id} bounty={b} personaNames={personaNames} now={now} />
              ))}
            </ul>
          )}
          <Pagination query={query} page={page} pages={pages} />
        </section>
      ) : null}
    </>
  );
}
