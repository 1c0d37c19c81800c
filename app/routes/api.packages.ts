import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../db.server";
import { listPackages, listSoftware } from "../models/packages.server";
import { parseSearchParams } from "../schemas/catalog";
import { MatrixQuerySchema } from "../schemas/packages";

/** Read-only JSON: software with upstream versions, and every package with its status. */
export function loader({ request }: LoaderFunctionArgs) {
  const parsed = parseSearchParams(MatrixQuerySchema, new URL(request.url).searchParams);
  if (!parsed.ok) return json({ errors: parsed.errors }, { status: 400 });
  const { software, distro, status, since } = parsed.data;
  const packages = listPackages(db, { software, distro, outdatedSince: since }).filter((p) => !status || status === "missing" || p.status === status);
  return json(
    {
      software: listSoftware(db).map((s) => ({ slug: s.slug, name: s.name, repo: s.repo, latestVersion: s.latestVersion, target: s.targetSlug })),
      packages: packages.map((p) => ({
        ...p,
        updatedAt: new Date(p.updatedAt).toISOString(),
        outdatedSince: p.outdatedSince === null ? null : new Date(p.outdatedSince).toISOString(),
      })),
    },
    { headers: { "Access-Control-Allow-Origin": "*" } },
  );
}
