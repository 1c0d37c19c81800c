import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PackageStatusBadge } from "../components/packages";
import { db } from "../db.server";
import { distroName } from "../lib/distros";
import { pageMeta } from "../lib/meta";
import { notFound } from "../lib/responses";
import { listPackages } from "../models/packages.server";
import { getUserForLogin } from "../models/users.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(data ? `Packages by @${data.username} · Club Zero` : "Not found · Club Zero");

export function loader({ params }: LoaderFunctionArgs) {
  const user = getUserForLogin(db, params.username ?? "");
  if (!user) throw notFound(`There is no Club Zero user called "${params.username}".`);
  return json({ username: user.username, displayName: user.displayName, packages: listPackages(db, { maintainer: user.username }) });
}

export default function MaintainerPage() {
  const { username, displayName, packages } = useLoaderData<typeof loader>();
  const outdated = packages.filter((p) => p.status === "outdated").length;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/packages">Packages</Link> <span aria-hidden="true">/</span> @{username}
      </nav>
      <header className="page-header">
        <h1>Packages maintained by {displayName}</h1>
        <p className="lede">
          {packages.length} package{packages.length === 1 ? "" : "s"}, {outdated} outdated.{" "}
          <a href={`/packages/maintainers/${username}/feed.atom`}>Atom feed of outdated packages</a>: subscribe to hear of upstream releases.
        </p>
      </header>
      {packages.length === 0 ? (
        <p className="empty">No packages registered yet.</p>
      ) : (
        <ul className="target-list">
          {packages.map((p) => (
            <li className="card" key={p.id}>
              <Link to={`/packages/${p.id}`}>
                {p.packageName} {p.version}
              </Link>{" "}
              <PackageStatusBadge status={p.status} reason={p.statusReason} />
              <p className="muted small">
                {p.softwareName} for {distroName(p.distro)}
                {p.release ? ` (${p.release})` : ""}; upstream {p.upstreamVersion ?? "unknown"}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
