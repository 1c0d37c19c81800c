import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getUser, hasRole, requireUser } from "../auth/session.server";
import { FilterActions, FilterForm, FilterSelect, QueryErrors } from "../components/filters";
import { FormError } from "../components/form";
import { FoundBadges, OriginBadge, PackageStatusBadge, SourceAges, STATUS_TEXT } from "../components/packages";
import { ScrollTable } from "../components/table";
import { db } from "../db.server";
import { distroName } from "../lib/distros";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors, badRequest } from "../lib/responses";
import { DISTRIBUTIONS, DISTRIBUTION_SLUGS, MATRIX_STATUSES } from "../lib/vocabulary";
import { webBountyActor } from "../models/bounties.server";
import { listSourceHealth } from "../models/package-sources.server";
import { getMatrix, listSoftware, requestPackaging } from "../models/packages.server";
import { parseSearchParams, type QueryError } from "../schemas/catalog";
import { readForm } from "../schemas/form";
import { MatrixQuerySchema } from "../schemas/packages";

export const meta: MetaFunction = () => pageMeta("Packages · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const user = await getUser(request);
  const software = listSoftware(db);
  const parsed = parseSearchParams(MatrixQuerySchema, params);
  const errors: QueryError[] = parsed.ok ? [] : parsed.errors;
  if (parsed.ok && parsed.data.software && !software.some((s) => s.slug === parsed.data.software)) {
    errors.push({ param: "software", value: parsed.data.software, message: `"${parsed.data.software}" is not software we track.` });
  }
  const base = {
    query: Object.fromEntries(params),
    software: software.map((s) => ({ slug: s.slug, name: s.name })),
    signedIn: Boolean(user),
    canRegister: hasRole(user, "packager", "admin"),
    isAdmin: hasRole(user, "admin"),
    sources: listSourceHealth(db),
    now: Date.now(),
  };
  if (!parsed.ok || errors.length > 0) return json({ ...base, errors, matrix: { rows: [], distros: [] } }, { status: 400 });
  return json({ ...base, errors, matrix: getMatrix(db, { ...parsed.data, outdatedSince: parsed.data.since }) });
}

/** "Request packaging" on a missing cell opens (or finds) a packaging bounty. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const softwareSlug = String(form.get("software") ?? "");
  const distro = DISTRIBUTION_SLUGS.find((d) => d === form.get("distro"));
  if (form.get("intent") !== "request" || !distro) throw badRequest("Choose a software and a distribution.");
  return answerDomainErrors(() => {
    const result = requestPackaging(db, webBountyActor(user), softwareSlug, distro);
    const asked = result.created ? "Packaging requested" : "Packaging was already requested";
    return redirectWithMessage(
      `/bounties/${result.id}`,
      result.proposed
        ? `${asked}: the proposal is on the bounty board once an SSC member or admin accepts it.`
        : `${asked}: this bounty on the board asks for the package.`,
    );
  });
}

export default function Packages() {
  const { query, software, signedIn, canRegister, isAdmin, errors, matrix, sources, now } = useLoaderData<typeof loader>();
  const failed = useActionData<{ message?: string }>();
  return (
    <>
      <header className="page-header">
        <h1>Packages</h1>
        <p className="lede">
          Where SPIRE and its friends can be installed with one command, how current each package is against the latest upstream release, and where a package is
          still missing.
        </p>
        {canRegister ? (
          <p>
            <Link className="button" to="/packages/new">
              Register a package
            </Link>
          </p>
        ) : null}
      </header>
      <QueryErrors errors={errors} clearTo="/packages" />
      <FormError message={failed?.message} />
      <FilterForm label="Filter packages">
        <FilterSelect name="software" label="Software" value={query.software} any="All" choices={software.map((s) => ({ value: s.slug, label: s.name }))} />
        <FilterSelect
          name="distro"
          label="Distribution"
          value={query.distro}
          any="All"
          choices={DISTRIBUTIONS.map((d) => ({ value: d.slug, label: d.name }))}
        />
        <FilterSelect name="status" label="Status" value={query.status} any="Any" choices={MATRIX_STATUSES.map((s) => ({ value: s, label: STATUS_TEXT[s] }))} />
        <div className="field">
          <label htmlFor="since">Outdated since</label>
          <input id="since" name="since" type="date" defaultValue={query.since ?? ""} aria-describedby="since-hint" />
          <span id="since-hint" className="hint">
            Packages that fell behind upstream on or after that day.
          </span>
        </div>
        <FilterActions resetTo="/packages" />
      </FilterForm>
      {errors.length === 0 ? (
        matrix.rows.length === 0 ? (
          <p className="empty">Nothing matches these filters.</p>
        ) : (
          <ScrollTable label="Packages by software and distribution">
            <table className="matrix">
              <caption className="sr-only">Software by distribution</caption>
              <thead>
                <tr>
                  <th scope="col">Software (upstream)</th>
                  {matrix.distros.map((d) => (
                    <th scope="col" key={d}>
                      {distroName(d)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.rows.map((row) => (
                  <tr key={row.software.slug}>
                    <th scope="row">
                      <Link to={`/targets/${row.software.targetSlug}`}>{row.software.name}</Link>
                      <div className="muted small">
                        {row.software.latestVersion ? `upstream ${row.software.latestVersion}` : "upstream unknown"}
                        {isAdmin ? (
                          <>
                            {" "}
                            · <Link to={`/packages/software/${row.software.slug}`}>edit</Link>
                          </>
                        ) : null}
                      </div>
                    </th>
                    {row.cells.map((cell) => (
                      <td key={cell.distro} className={cell.missing ? "missing" : cell.notApplicable ? "not-applicable" : undefined}>
                        {cell.notApplicable ? (
                          <span className="muted" title={`${row.software.name} is not packaged for ${distroName(cell.distro)}`}>
                            <span aria-hidden="true">—</span>
                            <span className="sr-only">does not apply</span>
                          </span>
                        ) : null}
                        {cell.packages.map((p) => (
                          <span className="pkg" key={p.id}>
                            <Link to={`/packages/${p.id}`}>
                              {p.packageName} {p.version}
                              {p.release ? ` (${p.release})` : ""}
                            </Link>{" "}
                            <PackageStatusBadge status={p.status} reason={p.statusReason} />
                            <OriginBadge origin={p.origin} />
                            <FoundBadges pkg={p} />
                          </span>
                        ))}
                        {cell.missing ? (
                          <>
                            <span>missing</span>
                            {signedIn ? (
                              <Form method="post">
                                <input type="hidden" name="software" value={row.software.slug} />
                                <input type="hidden" name="distro" value={cell.distro} />
                                <button className="button button--small button--quiet" name="intent" value="request">
                                  Request packaging
                                  <span className="sr-only">
                                    {" "}
                                    of {row.software.name} for {distroName(cell.distro)}
                                  </span>
                                </button>
                              </Form>
                            ) : null}
                          </>
                        ) : null}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        )
      ) : null}
      <SourceAges sources={sources} now={now} />
      <p className="muted small">
        Versions are compared after removing epochs, distribution releases and tags (1:1.9.6-2, 1.15.0-1.el9, 1.15.0-r0, v1.15.0, 1.15.0+dfsg). <em>ahead</em>{" "}
        means newer than the latest release (a pre-release or snapshot); <em>unknown</em> means we could not compare: hover the badge for why.{" "}
        <em>third-party repo</em> marks a package from someone else's repository rather than the distribution's own archive; — marks a combination that does not
        apply (a Helm chart is not a Debian package). JSON at <a href="/api/packages">/api/packages</a>.
      </p>
    </>
  );
}
