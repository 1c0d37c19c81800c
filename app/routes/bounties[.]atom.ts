import { db } from "../db.server";
import { env } from "../env.server";
import { formatAtomFeed } from "../lib/atom";
import { KIND_LABELS } from "../lib/bounty-lifecycle";
import { badRequest } from "../lib/responses";
import { PERSONA_SLUGS } from "../lib/vocabulary";
import { listNewOpenBounties } from "../models/bounties.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

export function loader({ request }: LoaderFunctionArgs) {
  const persona = new URL(request.url).searchParams.get("persona") || undefined;
  const known = PERSONA_SLUGS.find((p) => p === persona);
  if (persona && !known) throw badRequest(`"${persona}" is not a valid persona: choose one of ${PERSONA_SLUGS.join(", ")}.`);
  const origin = env.APP_ORIGIN;
  const rows = listNewOpenBounties(db, known);
  const xml = formatAtomFeed({
    id: `${origin}/bounties.atom${known ? `?persona=${known}` : ""}`,
    title: known ? `Club Zero: new open bounties for ${known}` : "Club Zero: new open bounties",
    url: `${origin}/bounties`,
    selfUrl: `${origin}/bounties.atom${known ? `?persona=${known}` : ""}`,
    entries: rows.map((b) => ({
      id: `${origin}/bounties/${b.id}`,
      title: `${b.title} (${b.targetName})`,
      url: `${origin}/bounties/${b.id}`,
      updated: b.createdAt,
      summary: `${KIND_LABELS[b.kind]} · ${b.description.slice(0, 400)}`,
    })),
  });
  return new Response(xml, { headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=300" } });
}
