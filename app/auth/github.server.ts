import { generateState, OAuth2Client } from "arctic";
import { z } from "zod";
import { env } from "../env.server";

/** GitHub sign-in is offered only when both OAuth credentials are configured. */
export const githubSignInEnabled = Boolean(env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET);

export const GITHUB_STATE_COOKIE = "github_oauth_state";

function client() {
  if (!env.GITHUB_CLIENT_ID || !env.GITHUB_CLIENT_SECRET) throw new Error("GitHub sign-in is not configured");
  return new OAuth2Client(env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET, `${env.APP_ORIGIN}/auth/github/callback`);
}

/** Where to send the browser, and the state to remember in a short-lived cookie. */
export function startGithubSignIn(): { url: string; state: string } {
  const state = generateState();
  const url = client().createAuthorizationURL(new URL("/login/oauth/authorize", env.GITHUB_OAUTH_URL).href, state, ["read:user"]);
  return { url: url.href, state };
}

const GithubUser = z.object({
  id: z.number().int().positive(),
  login: z.string().min(1),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});
export type GithubIdentity = z.infer<typeof GithubUser>;

/** Exchanges the callback's code for a token and asks GitHub who it belongs to. */
export async function finishGithubSignIn(code: string): Promise<GithubIdentity> {
  const tokens = await client().validateAuthorizationCode(new URL("/login/oauth/access_token", env.GITHUB_OAUTH_URL).href, code, null);
  // GitHub reports a bad code or bad credentials with HTTP 200 and an `error` field,
  // which the generic client does not treat as an error: name GitHub's reason in the log.
  const data = tokens.data as { error?: unknown; error_description?: unknown };
  if (typeof data.error === "string") {
    throw new Error(`GitHub refused the sign-in: ${data.error}${typeof data.error_description === "string" ? ` (${data.error_description})` : ""}`);
  }
  const res = await fetch(new URL("/user", env.GITHUB_API_URL), {
    headers: {
      Authorization: `Bearer ${tokens.accessToken()}`,
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "club-zero",
    },
  });
  if (!res.ok) throw new Error(`GitHub /user answered ${res.status}`);
  return GithubUser.parse(await res.json());
}
