// "Forgot your password?": the answer is the same whether or not an account has the address
// (no enumeration); only a verified address of an active account gets a link.
import { json, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "~/app/components/form";
import { db } from "~/app/db.server";
import { tooManyRequests } from "~/app/lib/responses";
import { RESET_TTL_MS, requestPasswordReset } from "~/app/models/email-tokens.server";
import { RateLimited } from "~/app/models/errors";
import { ForgotPasswordSchema } from "~/app/schemas/account";
import { parseForm, readForm } from "~/app/schemas/form";

export const meta: MetaFunction = () => [{ title: "Forgot your password? · Club Zero" }];

export const loader = () => json({ minutes: RESET_TTL_MS / 60_000 });

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(ForgotPasswordSchema, await readForm(request));
  if (!parsed.ok) return json({ ok: false, fieldErrors: parsed.fieldErrors, message: null, email: String(parsed.values.email ?? "") }, { status: 400 });
  const { email } = parsed.data;
  try {
    requestPasswordReset(db, email, context.clientIp);
  } catch (error) {
    if (error instanceof RateLimited) return tooManyRequests({ ok: false, fieldErrors: {}, message: error.message, email }, error.retryAfterSeconds);
    throw error;
  }
  return json({
    ok: true,
    fieldErrors: {},
    message: `If ${email} is the confirmed address of a Club Zero account, a link to choose a new password is on its way there. It works once, for ${RESET_TTL_MS / 60_000} minutes.`,
    email,
  });
}

export default function ForgotPassword() {
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <h1>Forgot your password?</h1>
      <p className="lede">Give the confirmed email address of your account and we will mail you a link to choose a new password.</p>
      {data?.ok ? (
        <p role="status" className="alert alert--ok">
          {data.message}
        </p>
      ) : (
        <FormError message={data?.message} />
      )}
      <Form method="post" className="stack">
        <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.email} defaultValue={data?.email} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Sending…" : "Send me a link"}
        </button>
      </Form>
      <p className="muted">
        Remembered it? <Link to="/login">Sign in</Link>.
      </p>
    </section>
  );
}
