import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "../auth/session.server";
import { redirectWithMessage } from "../lib/flash.server";

export async function action({ request }: ActionFunctionArgs) {
  return redirectWithMessage("/", "You are signed out.", { headers: { "Set-Cookie": await endSession(request) } });
}

// Signing out changes state, so it only happens by POST; a GET just goes home.
export function loader() {
  return redirect("/");
}
