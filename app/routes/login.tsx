import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { githubSignInEnabled } from "../auth/github.server";
import { signIn } from "../auth/login.server";
import { createUserSession, getUser, safeRedirect } from "../auth/session.server";
import { ErrorSummary, Field, FormError } from "../components/form";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { formatRetryWait, tooManyRequests } from "../lib/responses";
import { LoginSchema } from "../schemas/account";
import { parseForm, readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("Sign in · Club Zero");

const INVALID = "Invalid username or password.";

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  if (await getUser(request)) return redirect(redirectTo);
  const github = url.searchParams.get("github");
  const githubError =
    github === "failed"
      ? "GitHub sign-in did not complete. Please try again."
      : github === "disabled"
        ? "This account has been disabled. Ask a Club Zero admin if you think that is a mistake."
        : null;
  const notice =
    url.searchParams.get("reset") === "done" ? "Your password is changed and every session of the account has ended. Sign in with the new password." : null;
  return json({ githubSignInEnabled, githubError, redirectTo, notice });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(LoginSchema, await readForm(request));
  if (!parsed.ok) {
    return json({ formError: null, fieldErrors: parsed.fieldErrors, username: parsed.values.username ?? "" }, { status: 400 });
  }
  const { username, password, redirectTo } = parsed.data;
  const result = await signIn(username, password, context.clientIp);
  switch (result.kind) {
    case "throttled":
      return tooManyRequests(
        { formError: `Too many failed sign-ins. ${formatRetryWait(result.retryAfterSeconds)}`, fieldErrors: {}, username },
        result.retryAfterSeconds,
      );
    case "invalid":
      return json({ formError: INVALID, fieldErrors: {}, username }, { status: 401 });
    case "disabled":
      return json(
        { formError: "This account has been disabled. Ask a Club Zero admin if you think that is a mistake.", fieldErrors: {}, username },
        { status: 403 },
      );
    case "ok":
      return redirectWithMessage(safeRedirect(redirectTo), `You are signed in as @${username.trim().toLowerCase()}.`, {
        headers: { "Set-Cookie": await createUserSession(result.userId) },
      });
  }
}

export default function Login() {
  const { githubSignInEnabled, githubError, redirectTo, notice } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {notice && !data ? (
        <p role="status" className="alert alert--ok">
          {notice}
        </p>
      ) : null}
      <FormError message={data?.formError ?? githubError} />
      <ErrorSummary errors={errors} />
      <Form method="post" className="stack">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field label="Username" name="username" autoComplete="username" required error={errors.username} defaultValue={data?.username} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
      {githubSignInEnabled ? (
        <Form method="post" action="/auth/github" className="stack">
          <button type="submit" className="button button--quiet">
            Sign in with GitHub
          </button>
        </Form>
      ) : null}
      <p className="muted">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="muted">
        New here? <Link to={redirectTo === "/" ? "/join" : `/join?redirectTo=${encodeURIComponent(redirectTo)}`}>Create an account</Link>.
      </p>
    </section>
  );
}
