import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../db.server";
import { BOARD_PAGE_SIZE } from "../lib/bounty-lifecycle";
import { expireClaims, listBounties } from "../models/bounties.server";
import { findTarget } from "../models/targets.server";
import { BoardQuerySchema } from "../schemas/bounties";
import { parseSearchParams } from "../schemas/catalog";

/** Read-only JSON of the board; same filters as /bounties. */
export function loader({ request }: LoaderFunctionArgs) {
  expireClaims(db);
  const parsed = parseSearchParams(BoardQuerySchema, new URL(request.url).searchParams);
  if (!parsed.ok) return json({ errors: parsed.errors }, { status: 400 });
  const target = parsed.data.target;
  if (target && !findTarget(db, target)) {
    return json({ errors: [{ param: "target", value: target, message: `"${target}" is not a target in the catalog.` }] }, { status: 400 });
  }
  const { rows, total } = listBounties(db, parsed.data);
  return json(
    {
      total,
      page: parsed.data.page,
      pageSize: BOARD_PAGE_SIZE,
      bounties: rows.map((b) => ({
        id: b.id,
        title: b.title,
        kind: b.kind,
        status: b.status,
        difficulty: b.difficulty,
        target: b.targetSlug,
        personas: b.personas,
        claim: b.claim && {
          claimant: b.claim.label,
          claimedAt: new Date(b.claim.claimedAt).toISOString(),
          lastCheckinAt: new Date(b.claim.lastCheckinAt).toISOString(),
          expiresAt: new Date(b.claim.expiresAt).toISOString(),
        },
        createdAt: new Date(b.createdAt).toISOString(),
      })),
    },
    { headers: { "Access-Control-Allow-Origin": "*" } },
  );
}
