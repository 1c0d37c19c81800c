import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { finishGithubSignIn, GITHUB_STATE_COOKIE, githubSignInEnabled } from "../auth/github.server";
import { createUserSession, getUser } from "../auth/session.server";
import { db } from "../db.server";
import { notFound } from "../lib/responses";
import { logEvent } from "../log.server";
import { webActor } from "../models/audit.server";
import { createUser, freeUsername, getUserByGithubId, linkGithub } from "../models/users.server";

function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

const clearState = `${GITHUB_STATE_COOKIE}=; Path=/auth/github; HttpOnly; SameSite=Lax; Max-Age=0`;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!githubSignInEnabled) throw notFound("GitHub sign-in is not configured on this Club Zero.");
  const url = new URL(request.url);
  const code = url.searchParams.get("code");
  const state = url.searchParams.get("state");
  const expected = readCookie(request, GITHUB_STATE_COOKIE);
  if (!code || !state || !expected || state !== expected) {
    logEvent("login.github_state_mismatch", { ip: context.clientIp });
    return redirect("/login?github=failed", { headers: { "Set-Cookie": clearState } });
  }

  let identity;
  try {
    identity = await finishGithubSignIn(code);
  } catch (error) {
    console.error("GitHub sign-in failed", error);
    return redirect("/login?github=failed", { headers: { "Set-Cookie": clearState } });
  }
  const github = { id: identity.id, login: identity.login };

  const current = await getUser(request);
  let userId: number;
  const existing = getUserByGithubId(db, identity.id);
  if (existing) {
    if (existing.disabledAt !== null) {
      logEvent("login.disabled", { via: "github", githubLogin: identity.login, ip: context.clientIp });
      return redirect("/login?github=disabled", { headers: { "Set-Cookie": clearState } });
    }
    userId = existing.id;
  } else if (current) {
    userId = linkGithub(db, webActor(current), current.id, github).id;
  } else {
    const username = freeUsername(db, identity.login);
    userId = createUser(
      db,
      { userId: null, label: `@${username}`, source: "web" },
      {
        username,
        displayName: identity.name?.trim() || identity.login,
        // GitHub's no-reply address until the user sets their own on /settings.
        email: `${identity.id}+${identity.login}@users.noreply.github.com`,
        passwordHash: null,
        github,
      },
    ).id;
  }
  logEvent("login.succeeded", { via: "github", githubLogin: identity.login, ip: context.clientIp });
  const headers = new Headers();
  headers.append("Set-Cookie", clearState);
  headers.append("Set-Cookie", await createUserSession(userId));
  return redirect(current && !existing ? "/settings" : "/", { headers });
}
