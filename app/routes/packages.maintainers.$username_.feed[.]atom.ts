import { db } from "../db.server";
import { env } from "../env.server";
import { formatAtomFeed } from "../lib/atom";
import { distroName, SOURCE_NAMES } from "../lib/distros";
import { notFound } from "../lib/responses";
import { listPackages } from "../models/packages.server";
import { getUserForLogin } from "../models/users.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

/**
 * A maintainer's packages that need them: one entry per outdated package and upstream
 * version, and one per package whose source reports another version than theirs.
 */
export function loader({ params }: LoaderFunctionArgs) {
  const user = getUserForLogin(db, params.username ?? "");
  if (!user) throw notFound(`There is no Club Zero user called "${params.username}".`);
  const origin = env.APP_ORIGIN;
  const mine = listPackages(db, { maintainer: user.username });
  const outdated = mine.filter((p) => p.status === "outdated");
  const disagreeing = mine.filter((p) => p.disagrees);
  const xml = formatAtomFeed({
    id: `${origin}/packages/maintainers/${user.username}/feed.atom`,
    title: `Club Zero: outdated packages maintained by @${user.username}`,
    url: `${origin}/packages/maintainers/${user.username}`,
    selfUrl: `${origin}/packages/maintainers/${user.username}/feed.atom`,
    entries: [
      ...outdated.map((p) => ({
        // A new upstream version is a new entry, so feed readers notice it.
        id: `${origin}/packages/${p.id}#upstream-${p.upstreamVersion}`,
        title: `${p.packageName} ${p.version} on ${distroName(p.distro)} is behind upstream ${p.upstreamVersion}`,
        url: `${origin}/packages/${p.id}`,
        updated: p.outdatedSince ?? p.updatedAt,
        summary: `${p.softwareName} ${p.upstreamVersion} is out; ${distroName(p.distro)}${p.release ? ` ${p.release}` : ""} has ${p.version}.`,
      })),
      ...disagreeing.map((p) => ({
        id: `${origin}/packages/${p.id}#found-${p.foundVersion}`,
        title: `${p.packageName} on ${distroName(p.distro)}: ${p.source ? SOURCE_NAMES[p.source] : "its source"} reports ${p.foundVersion}, you registered ${p.version}`,
        url: `${origin}/packages/${p.id}`,
        updated: p.updatedAt,
        summary: `The version registered here disagrees with what ${p.source ? SOURCE_NAMES[p.source] : "its source"} reads from ${distroName(p.distro)}${p.release ? ` ${p.release}` : ""}.`,
      })),
    ],
  });
  return new Response(xml, { headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
