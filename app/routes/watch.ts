// POST /watch: start or stop watching a bounty or target, then back to its page.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireUser, safeRedirect } from "../auth/session.server";
import { db } from "../db.server";
import { answerDomainErrors, badRequest } from "../lib/responses";
import { webPerson } from "../models/audit.server";
import { setWatching } from "../models/notifications.server";
import { parseForm, readForm } from "../schemas/form";
import { WatchSchema } from "../schemas/notifications";

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseForm(WatchSchema, await readForm(request));
  if (!parsed.ok) throw badRequest(Object.values(parsed.fieldErrors).join(" "));
  const { subject, id, watch, returnTo } = parsed.data;
  return answerDomainErrors(() => {
    setWatching(db, webPerson(user), subject, id, watch);
    return redirect(safeRedirect(returnTo, "/notifications"));
  });
}

export function loader() {
  throw new Response("Watch a bounty or target with the button on its page.", { status: 405, headers: { Allow: "POST" } });
}
