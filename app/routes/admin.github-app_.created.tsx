import { json, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { env } from "../env.server";
import { convertManifestCode } from "../github/app-manifest.server";
import { pageMeta } from "../lib/meta";
import { badRequest } from "../lib/responses";
import { MANIFEST_STATE_COOKIE } from "./admin.github-app";

// the page itself carries the loader's headers (no caching; the state cookie)
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export const meta: MetaFunction = () => pageMeta("GitHub App created · Club Zero");

/** GitHub's redirect after the admin confirmed the app: trade the code, show the credentials once. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const url = new URL(request.url);
  const code = url.searchParams.get("code") ?? "";
  const state = url.searchParams.get("state") ?? "";
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) throw badRequest("code: GitHub's redirect carries a code; start again from the GitHub App page.");
  const cookie = (request.headers.get("Cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(`${MANIFEST_STATE_COOKIE}=`));
  if (!state || cookie?.slice(MANIFEST_STATE_COOKIE.length + 1) !== state)
    throw badRequest("state: this redirect was not started from this browser; start again from the GitHub App page.");
  const result = await convertManifestCode(env.GITHUB_API_URL, code);
  return json(result, {
    status: result.ok ? 200 : 502,
    headers: { "Cache-Control": "private, no-store", "Set-Cookie": `${MANIFEST_STATE_COOKIE}=; Path=/admin/github-app; Max-Age=0; HttpOnly; SameSite=Lax` },
  });
}

export default function GithubAppCreated() {
  const result = useLoaderData<typeof loader>();
  if (!result.ok) {
    return (
      <section className="narrow">
        <h1>The app was not created</h1>
        <p className="alert alert--error">{result.message}</p>
        <Link to="/admin/github-app">Back to the GitHub App page</Link>
      </section>
    );
  }
  const { app } = result;
  return (
    <section className="narrow">
      <h1>GitHub App “{app.name}” created</h1>
      <p className="alert alert--ok" role="status">
        This page is shown once: Club Zero keeps none of it. Put these in the server's environment and restart it.
      </p>
      <pre>
        {[
          `GITHUB_APP_ID=${app.appId}`,
          "GITHUB_APP_PRIVATE_KEY_FILE=/etc/club-zero/github-app.pem   # the key below, saved with mode 0600",
          app.webhookSecret ? `GITHUB_WEBHOOK_SECRET=${app.webhookSecret}` : "",
        ]
          .filter(Boolean)
          .join("\n")}
      </pre>
      <h2>Private key</h2>
      <pre>{app.pem}</pre>
      <p>
        Then install the app on the repositories that should send webhooks: <a href={`${app.htmlUrl}/installations/new`}>{app.htmlUrl}/installations/new</a>
      </p>
    </section>
  );
}
