import crypto from "node:crypto";
import { json, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { env } from "../env.server";
import { buildManifest } from "../github/app-manifest.server";
import { githubAuth } from "../github/auth.server";
import { pageMeta } from "../lib/meta";
import { badRequest } from "../lib/responses";

// the page itself carries the loader's headers (no caching; the state cookie)
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export const meta: MetaFunction = () => pageMeta("GitHub App · Club Zero");

/** The cookie that ties GitHub's redirect back to the admin who started the flow. */
export const MANIFEST_STATE_COOKIE = "gh_app_state";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const org = new URL(request.url).searchParams.get("org")?.trim() ?? "";
  if (org !== "" && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(org)) throw badRequest("org: must be a GitHub organisation name (letters, digits and dashes).");
  const state = crypto.randomBytes(16).toString("hex");
  const path = org ? `/organizations/${org}/settings/apps/new` : "/settings/apps/new";
  const secure = new URL(env.APP_ORIGIN).protocol === "https:";
  return json(
    {
      mode: githubAuth.mode,
      org,
      manifest: buildManifest(env.APP_ORIGIN),
      action: `${new URL(path, env.GITHUB_OAUTH_URL).href}?state=${state}`,
    },
    {
      headers: {
        "Set-Cookie": `${MANIFEST_STATE_COOKIE}=${state}; Path=/admin/github-app; Max-Age=3600; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`,
        "Cache-Control": "private, no-store",
      },
    },
  );
}

export default function GithubAppSetup() {
  const { mode, org, manifest, action } = useLoaderData<typeof loader>();
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">/</span> GitHub App
      </nav>
      <h1>Create Club Zero's GitHub App</h1>
      <p className="lede">
        {mode === "app"
          ? "A GitHub App is configured already. Creating another one replaces it only once you change the environment."
          : "The app lets Club Zero read linked issues with its own rate limit, receive webhooks from every repository it is installed on, and answer commands on GitHub."}
      </p>
      <Form method="get" className="inline-form" aria-label="Owner of the app">
        <label htmlFor="org">Organisation (empty: your own account)</label>
        <input id="org" name="org" defaultValue={org} placeholder="spiffe" />
        <button className="button button--small" type="submit">
          Use
        </button>
      </Form>
      <form method="post" action={action}>
        <input type="hidden" name="manifest" value={manifest} />
        <button className="button" type="submit">
          Create the app on GitHub{org ? ` for ${org}` : ""}
        </button>
      </form>
      <details>
        <summary>What GitHub will be asked for</summary>
        <pre>{JSON.stringify(JSON.parse(manifest), null, 2)}</pre>
      </details>
    </section>
  );
}
