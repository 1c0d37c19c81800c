import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../db.server";
import { CATALOG_PAGE_SIZE } from "../lib/catalog";
import { listCategories, listTargets } from "../models/targets.server";
import { CatalogQuerySchema, parseSearchParams } from "../schemas/catalog";

/** Read-only JSON of the catalog; same filters as /targets. */
export function loader({ request }: LoaderFunctionArgs) {
  const parsed = parseSearchParams(CatalogQuerySchema, new URL(request.url).searchParams);
  if (!parsed.ok) return json({ errors: parsed.errors }, { status: 400 });
  if (parsed.data.category && !listCategories(db).some((c) => c.category === parsed.data.category)) {
    return json(
      { errors: [{ param: "category", value: parsed.data.category, message: `"${parsed.data.category}" is not a category in the catalog.` }] },
      { status: 400 },
    );
  }
  const { rows, total } = listTargets(db, parsed.data);
  return json({ total, page: parsed.data.page, pageSize: CATALOG_PAGE_SIZE, targets: rows }, { headers: { "Access-Control-Allow-Origin": "*" } });
}
