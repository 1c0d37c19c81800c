import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { githubSignInEnabled } from "../auth/github.server";
import { hashPassword } from "../auth/password.server";
import { createUserSession, getUser, safeRedirect } from "../auth/session.server";
import { ErrorSummary, Field, FormError } from "../components/form";
import { db } from "../db.server";
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_RULES } from "../lib/account-rules";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { Conflict } from "../models/errors";
import { joinAccount } from "../models/users.server";
import { JoinSchema } from "../schemas/account";
import { parseForm, readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("Join · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  // Where the person was going before they were asked to sign in (checked like /login's).
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  if (await getUser(request)) return redirect(redirectTo);
  return json({ githubSignInEnabled, redirectTo });
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(JoinSchema, await readForm(request));
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, values: parsed.values, formError: null }, { status: 400 });
  const { username, displayName, email, password, redirectTo } = parsed.data;
  // The same answer whether or not the address belongs to someone else (see joinAccount):
  // signed in, back where they meant to go, told to confirm the address. Only a taken username is said.
  try {
    const user = joinAccount(db, { username, displayName, email, passwordHash: await hashPassword(password) });
    return redirectWithMessage(
      safeRedirect(redirectTo),
      `Welcome to Club Zero, ${user.displayName}. You are signed in as @${user.username}. We sent a link to your address: open it to get mail from Club Zero.`,
      { headers: { "Set-Cookie": await createUserSession(user.id) } },
    );
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
    return json({ fieldErrors: { username: error.message }, values: { username, displayName, email }, formError: null }, { status: 409 });
  }
}

export default function Join() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  // no array fields on this form
  const values = (data?.values ?? {}) as Record<string, string | undefined>;
  return (
    <section className="narrow">
      <h1>Join Club Zero</h1>
      <p className="lede">Claim work, report progress and get credit for what you finish.</p>
      <FormError message={data?.formError} />
      <ErrorSummary errors={errors} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field label="Username" name="username" autoComplete="username" required hint={USERNAME_RULES} error={errors.username} defaultValue={values.username} />
        <Field label="Display name" name="displayName" autoComplete="name" required error={errors.displayName} defaultValue={values.displayName} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          hint="We send it a link to confirm it; until then it gets no mail."
          error={errors.email}
          defaultValue={values.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A passphrase is best; common passwords are refused.`}
          error={errors.password}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </Form>
      <p className="muted">
        Already a member? <Link to={redirectTo === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(redirectTo)}`}>Sign in</Link>.
      </p>
    </section>
  );
}
