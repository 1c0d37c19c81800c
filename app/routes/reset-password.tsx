// The link in a password-reset mail: a GET shows the form (changing nothing); the POST sets
// the new password, ends every session of the account and uses the link up.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hashPassword } from "~/app/auth/password.server";
import { blankSessionCookie } from "~/app/auth/session.server";
import { Field, FormError } from "~/app/components/form";
import { db } from "~/app/db.server";
import { PASSWORD_MAX, PASSWORD_MIN } from "~/app/lib/account-rules";
import { describeEmailToken, resetPassword } from "~/app/models/email-tokens.server";
import { InvalidLink } from "~/app/models/errors";
import { ResetPasswordSchema } from "~/app/schemas/account";
import { parseForm, readForm } from "~/app/schemas/form";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Club Zero" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  try {
    const what = describeEmailToken(db, "reset_password", token);
    return json({ ok: true as const, token, username: what.username, message: null });
  } catch (error) {
    if (error instanceof InvalidLink) return json({ ok: false as const, token: "", username: null, message: error.message }, { status: 400 });
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(ResetPasswordSchema, await readForm(request));
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, message: null }, { status: 400 });
  const passwordHash = await hashPassword(parsed.data.newPassword);
  try {
    resetPassword(db, parsed.data.token, passwordHash);
  } catch (error) {
    if (error instanceof InvalidLink) return json({ fieldErrors: {}, message: error.message }, { status: 400 });
    throw error;
  }
  // Every session of the account ended, this browser's included.
  return redirect("/login?reset=done", { headers: { "Set-Cookie": blankSessionCookie() } });
}

export default function ResetPassword() {
  const page = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <h1>Choose a new password</h1>
      <FormError message={data?.message ?? page.message} />
      {page.ok ? (
        <Form method="post" className="stack">
          <p>For @{page.username}. Every place this account is signed in will be signed out.</p>
          <input type="hidden" name="token" value={page.token} />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A passphrase is best; common passwords are refused.`}
            error={errors.newPassword}
          />
          <button type="submit" className="button">
            Set the new password
          </button>
        </Form>
      ) : (
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      )}
    </section>
  );
}
