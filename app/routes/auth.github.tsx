import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { GITHUB_STATE_COOKIE, githubSignInEnabled, startGithubSignIn } from "../auth/github.server";
import { env } from "../env.server";
import { notFound } from "../lib/responses";

// POST (not a link) so a cross-site page cannot start a sign-in in someone's browser.
export function action(_: ActionFunctionArgs) {
  if (!githubSignInEnabled) throw notFound("GitHub sign-in is not configured on this Club Zero.");
  const { url, state } = startGithubSignIn();
  const secure = env.NODE_ENV === "production" ? "; Secure" : "";
  return redirect(url, {
    headers: { "Set-Cookie": `${GITHUB_STATE_COOKIE}=${state}; Path=/auth/github; HttpOnly; SameSite=Lax; Max-Age=600${secure}` },
  });
}

export function loader() {
  return redirect("/login");
}
