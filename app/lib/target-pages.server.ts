// What the target pages share: finding the target a URL names, old slugs included.
import { redirect } from "@remix-run/node";
import { db } from "../db.server";
import { findRenamedTarget } from "../models/target-edits.server";
import { findTarget } from "../models/targets.server";
import { notFound } from "./responses";

/**
 * The target `/targets/:slug/…` names. A renamed target's old slug keeps working: a GET is
 * sent (301) to the same page under the new slug, query included; a form posted there acts on
 * the renamed target. Any other slug is a 404 that says so.
 */
export function requireTargetFollowingRenames(request: Request, slug: string) {
  const target = findTarget(db, slug);
  if (target) return target;
  const renamed = findRenamedTarget(db, slug);
  const current = renamed ? findTarget(db, renamed.slug) : null;
  if (!renamed || !current) throw notFound(`There is no target called "${slug}" in the catalog.`);
  if (request.method === "GET" || request.method === "HEAD") {
    const url = new URL(request.url);
    throw redirect(`${url.pathname.replace(`/targets/${slug}`, `/targets/${renamed.slug}`)}${url.search}`, 301);
  }
  return current;
}
