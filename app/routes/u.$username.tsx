import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BountyStatusBadge } from "../components/bounties";
import { OriginBadge, PackageStatusBadge } from "../components/packages";
import { db } from "../db.server";
import { formatDate } from "../lib/dates";
import { distroName } from "../lib/distros";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { getProfile } from "../models/profiles.server";
import type { BountyStatus } from "../lib/vocabulary";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? pageMeta(
        `${data.profile.displayName} (@${data.profile.username}) · Club Zero`,
        `What ${data.profile.displayName} finished, works on and packages for SPIFFE.`,
      )
    : pageMeta("Not found · Club Zero");

export function loader({ params }: LoaderFunctionArgs) {
  const profile = getProfile(db, params.username ?? "");
  if (!profile) throw notFound(`There is no Club Zero member called "${params.username}".`);
  return json({ profile });
}

export default function ProfilePage() {
  const { profile: p } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">Contributor</p>
        <h1>{p.displayName}</h1>
        <p className="lede">
          @{p.username}
          {p.githubLogin ? (
            <>
              {" "}
              · GitHub: {p.githubLogin}{" "}
              {p.githubVerified ? <span className="badge badge--native">verified</span> : <span className="badge badge--partial">unverified</span>}
            </>
          ) : null}{" "}
          · member since {formatDate(p.memberSince)}
        </p>
      </header>

      <section className="section" aria-labelledby="completed-heading">
        <h2 id="completed-heading">Completed ({p.completed.length})</h2>
        {p.completed.length === 0 ? (
          <p className="empty">Nothing completed yet.</p>
        ) : (
          <ul className="audit-list">
            {p.completed.map((b) => (
              <li key={b.id}>
                <Link to={`/bounties/${b.id}`}>{b.title}</Link> for <Link to={`/targets/${b.targetSlug}`}>{b.targetName}</Link>
                {b.completedAt ? <span className="muted"> · {formatDate(b.completedAt)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby="claims-heading">
        <h2 id="claims-heading">Working on now ({p.claims.length})</h2>
        {p.claims.length === 0 ? (
          <p className="empty">No claims right now.</p>
        ) : (
          <ul className="audit-list">
            {p.claims.map((b) => (
              <li key={b.id}>
                <Link to={`/bounties/${b.id}`}>{b.title}</Link> for <Link to={`/targets/${b.targetSlug}`}>{b.targetName}</Link>{" "}
                <BountyStatusBadge status={b.status as BountyStatus} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby="packages-heading">
        <h2 id="packages-heading">Packages maintained ({p.packages.length})</h2>
        {p.packages.length === 0 ? (
          <p className="empty">No packages registered.</p>
        ) : (
          <ul className="audit-list">
            {p.packages.map((pkg) => (
              <li key={pkg.id}>
                <Link to={`/packages/${pkg.id}`}>
                  {pkg.packageName} {pkg.version}
                </Link>{" "}
                for {distroName(pkg.distro)} <PackageStatusBadge status={pkg.status} reason={pkg.statusReason} /> <OriginBadge origin={pkg.origin} />
              </li>
            ))}
          </ul>
        )}
        {p.packages.length > 0 ? (
          <p className="small">
            <Link to={`/packages/maintainers/${p.username}`}>Packages by @{p.username}, with their feed</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}
