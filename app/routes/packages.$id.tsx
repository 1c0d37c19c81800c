import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getUser, hasRole, requireUser } from "../auth/session.server";
import { ActionResult } from "../components/form";
import { WebLink } from "../components/links";
import { OriginBadge, PackageForm, PackageStatusBadge } from "../components/packages";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { formatDate, formatDateTime, formatRelative } from "../lib/dates";
import { distroName, SOURCE_NAMES } from "../lib/distros";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { answerDomainErrors, badRequest, notFound } from "../lib/responses";
import { webBountyActor } from "../models/bounties.server";
import { listSourceHealth } from "../models/package-sources.server";
import {
  assertCanEditPackage,
  claimPackage,
  DuplicatePackage,
  getPackage,
  getSoftwareBySlug,
  listSoftware,
  listVersionHistory,
  retirePackage,
  updatePackage,
} from "../models/packages.server";
import { parseForm, readForm } from "../schemas/form";
import { PackageFormSchema } from "../schemas/packages";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta(data ? `${data.pkg.packageName} ${data.pkg.version} · Club Zero` : "Not found · Club Zero");

function parseId(raw: string | undefined) {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw ?? "") || id < 1) throw notFound("There is no such package.");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const pkg = getPackage(db, parseId(params.id));
  if (!pkg || pkg.retiredAt !== null) throw notFound("There is no such package.");
  const user = await getUser(request);
  const canEdit = Boolean(user && (pkg.maintainerUserId === user.id || hasRole(user, "admin")));
  return json({
    pkg,
    canEdit,
    canClaim: pkg.claimable && hasRole(user, "packager", "admin"),
    software: canEdit ? listSoftware(db).map((s) => ({ slug: s.slug, name: s.name })) : [],
    history: listVersionHistory(db, pkg.id),
    sourceHealth: pkg.source ? (listSourceHealth(db).find((s) => s.source === pkg.source) ?? null) : null,
    now: Date.now(),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  const user = await requireUser(request);
  const form = await readForm(request);
  const actor = webBountyActor(user);
  return answerDomainErrors(
    () => {
      if (form.get("intent") === "claim") {
        claimPackage(db, actor, id);
        return redirectWithMessage(
          `/packages/${id}`,
          "You maintain this package now: its version is yours to keep, and you hear when it falls behind upstream.",
        );
      }
      assertCanEditPackage(db, actor, id);
      if (form.get("intent") === "retire") {
        retirePackage(db, actor, id);
        return redirectWithMessage("/packages", "The package is retired: it no longer shows in the matrix.");
      }
      if (form.get("intent") !== "save") throw badRequest("Unknown action.");
      const parsed = parseForm(PackageFormSchema, form);
      if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, duplicateId: null, message: null }, { status: 400 });
      const sw = getSoftwareBySlug(db, parsed.data.software);
      if (!sw) return json({ fieldErrors: { software: "Choose the software from the list." }, duplicateId: null, message: null }, { status: 400 });
      const { software: _slug, ...fields } = parsed.data;
      updatePackage(db, actor, id, { ...fields, softwareId: sw.id });
      return json({ fieldErrors: {}, duplicateId: null, message: "Saved: the package shows your changes." });
    },
    // A duplicate links to the package that already exists; the page says so itself.
    (error) => ({ fieldErrors: {}, duplicateId: error instanceof DuplicatePackage ? error.existingId : null }),
  );
}

export default function PackagePage() {
  const { pkg, canEdit, canClaim, software, history, sourceHealth, now } = useLoaderData<typeof loader>();
  const where = `${distroName(pkg.distro)}${pkg.release ? ` ${pkg.release}` : ""}`;
  const sourceFailing = sourceHealth?.lastErrorAt != null && (sourceHealth.lastSuccessAt === null || sourceHealth.lastErrorAt > sourceHealth.lastSuccessAt);
  const data = useActionData<{ fieldErrors?: Record<string, string>; duplicateId?: number | null; message?: string | null }>();
  return (
    <article className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/packages">Packages</Link> <span aria-hidden="true">/</span> {pkg.softwareName}
      </nav>
      <h1>
        {pkg.packageName} {pkg.version}
      </h1>
      <p className="status-line">
        <PackageStatusBadge status={pkg.status} reason={pkg.statusReason} />
        <OriginBadge origin={pkg.origin} />
        <span>
          {pkg.softwareName} for {distroName(pkg.distro)}
          {pkg.release ? ` (${pkg.release})` : ""}; upstream {pkg.upstreamVersion ?? "unknown"}
        </span>
      </p>
      {pkg.statusReason ? <p className="muted">{pkg.statusReason}</p> : null}
      {pkg.claimable ? (
        <div className="alert" role="note">
          <p>
            {pkg.source ? `Found in ${where} by ${SOURCE_NAMES[pkg.source]}` : `Listed for ${where}`}, no maintainer here yet
            {canClaim ? " — claim it if you package it." : "."}
          </p>
          {canClaim ? (
            <Form method="post">
              <button className="button button--small" name="intent" value="claim">
                Claim this package
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
      {pkg.disagrees && pkg.source ? (
        <p className="alert alert--error" role="note">
          {SOURCE_NAMES[pkg.source]} reports {pkg.foundVersion} for {where}, not {pkg.version}. Its maintainer should check which is right.
        </p>
      ) : null}
      <dl className="facts">
        <dt>Published by</dt>
        <dd>{pkg.origin === "third-party" ? "A third-party repository, not the distribution's own archive" : `${distroName(pkg.distro)} itself`}</dd>
        <dt>Maintainer</dt>
        <dd>
          {pkg.maintainerUsername ? (
            <>
              <Link to={`/u/${pkg.maintainerUsername}`}>@{pkg.maintainerUsername}</Link> (
              <Link to={`/packages/maintainers/${pkg.maintainerUsername}`}>their packages</Link>)
            </>
          ) : (
            (pkg.maintainer ?? "unknown")
          )}
        </dd>
        {pkg.url ? (
          <>
            <dt>Package page</dt>
            <dd>
              <WebLink url={pkg.url}>{pkg.url}</WebLink>
            </dd>
          </>
        ) : null}
        {pkg.notes ? (
          <>
            <dt>Notes</dt>
            <dd>{pkg.notes}</dd>
          </>
        ) : null}
        {pkg.source ? (
          <>
            <dt>Reported by</dt>
            <dd>
              {SOURCE_NAMES[pkg.source]}: {pkg.foundVersion}
              {pkg.foundNormalized ? ` (normalized ${pkg.foundNormalized})` : ""}
              {pkg.foundStatus ? `, which calls it ${pkg.foundStatus}` : ""}
              {sourceHealth?.lastSuccessAt ? `; as of ${formatRelative(sourceHealth.lastSuccessAt, now)}` : ""}
              {sourceFailing ? ` (the source has been failing since ${formatDateTime(sourceHealth!.lastErrorAt!)}; this is its last data)` : ""}
            </dd>
          </>
        ) : null}
        {pkg.outdatedSince ? (
          <>
            <dt>Outdated since</dt>
            <dd>{formatDate(pkg.outdatedSince)}</dd>
          </>
        ) : null}
        <dt>Updated</dt>
        <dd>{formatDate(pkg.updatedAt)}</dd>
      </dl>
      <section className="section" aria-labelledby="history-heading">
        <h2 id="history-heading">Version history</h2>
        {history.length === 0 ? (
          <p className="empty">No change of version recorded yet.</p>
        ) : (
          <ScrollTable label="Version history">
            <table className="table">
              <TableHead columns={["When", "Version", "By"]} />
              <tbody>
                {history.map((h, i) => (
                  <tr key={i}>
                    <td>{formatDateTime(h.at)}</td>
                    <td>{h.previousVersion ? `${h.previousVersion} → ${h.version}` : h.version}</td>
                    <td>{h.side === "source" && h.source ? SOURCE_NAMES[h.source] : h.username ? `@${h.username}` : "a person"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        )}
      </section>
      {canEdit ? (
        <section className="section" aria-labelledby="edit-heading">
          <h2 id="edit-heading">Change or retire it</h2>
          <ActionResult result={data?.message ? { ok: true, message: data.message } : null} />
          {/* The package comes first; the form opens on request, or by itself after a failed save. */}
          <details open={Boolean(data?.fieldErrors && Object.keys(data.fieldErrors).length > 0) || Boolean(data?.duplicateId)}>
            <summary>Edit this package</summary>
            <PackageForm
              software={software}
              values={{
                software: pkg.softwareSlug,
                distro: pkg.distro,
                release: pkg.release,
                packageName: pkg.packageName,
                version: pkg.version,
                url: pkg.url,
                notes: pkg.notes,
                origin: pkg.origin,
              }}
              errors={data?.fieldErrors ?? {}}
              duplicateId={data?.duplicateId}
              submitLabel="Save changes"
            />
          </details>
          <Form method="post">
            <button className="button button--quiet" name="intent" value="retire">
              Retire this package
            </button>
          </Form>
        </section>
      ) : null}
    </article>
  );
}
