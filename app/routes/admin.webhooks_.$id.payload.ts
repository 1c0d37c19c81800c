import { requireRole } from "../auth/session.server";
import { db } from "../db.server";
import { notFound } from "../lib/responses";
import { getDelivery } from "../models/github.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

/**
 * A stored delivery's raw body, byte for byte, for admins only and always as a download:
 * the admin page shows a bounded view (app/lib/payload-view.ts), this is the whole of it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const id = Number(params.id);
  const delivery = /^\d{1,15}$/.test(params.id ?? "") && Number.isSafeInteger(id) && id > 0 ? getDelivery(db, id) : null;
  if (!delivery) throw notFound("There is no such delivery.");
  const body = new TextEncoder().encode(delivery.payload);
  return new Response(body, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(body.byteLength),
      "Content-Disposition": `attachment; filename="delivery-${delivery.id}.json"`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
