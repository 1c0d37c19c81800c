import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { githubSignInEnabled } from "../auth/github.server";
import { checkCurrentPassword } from "../auth/login.server";
import { hashPassword } from "../auth/password.server";
import { createUserSession, requireUser } from "../auth/session.server";
import { ActionResult, ErrorSummary, Field } from "../components/form";
import { db } from "../db.server";
import { redirectWithMessage } from "../lib/flash.server";
import { pageMeta } from "../lib/meta";
import { badRequest, formatRetryWait, tooManyRequests } from "../lib/responses";
import { webActor } from "../models/audit.server";
import { resendVerification } from "../models/email-tokens.server";
import { Conflict, RateLimited } from "../models/errors";
import { getUserForLogin, setPasswordHash, updateProfile } from "../models/users.server";
import { PasswordChangeSchema, ProfileSchema } from "../schemas/account";
import { parseForm, readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("Settings · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const row = getUserForLogin(db, user.username);
  return json({ user, hasPassword: Boolean(row?.passwordHash), githubSignInEnabled });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "profile") {
    const parsed = parseForm(ProfileSchema, form);
    if (!parsed.ok) return json({ intent, fieldErrors: parsed.fieldErrors, message: null }, { status: 400 });
    let saved;
    try {
      saved = updateProfile(db, webActor(user), user.id, parsed.data);
    } catch (error) {
      if (error instanceof Conflict) return json({ intent, fieldErrors: { email: error.message }, message: null }, { status: 409 });
      throw error;
    }
    // Said the same whether or not the new address is someone else's (it stays unconfirmed then).
    const changed = saved.email !== user.email;
    return json({
      intent,
      fieldErrors: {},
      message: changed ? `Profile saved. We sent a link to ${saved.email}; follow it to confirm the address.` : "Profile saved.",
    });
  }
  if (intent === "resend-verification") {
    try {
      const sent = resendVerification(db, user.id, context.clientIp);
      return json({ intent, fieldErrors: {}, message: sent ? `We sent a new link to ${user.email}.` : "Your address is confirmed already." });
    } catch (error) {
      if (error instanceof RateLimited) return tooManyRequests({ intent, fieldErrors: {}, message: error.message }, error.retryAfterSeconds);
      throw error;
    }
  }
  if (intent === "password") {
    const parsed = parseForm(PasswordChangeSchema, form);
    if (!parsed.ok) return json({ intent, fieldErrors: parsed.fieldErrors, message: null }, { status: 400 });
    const check = await checkCurrentPassword(user.username, parsed.data.currentPassword, context.clientIp);
    if (check.kind === "throttled") {
      const message = `Too many wrong passwords for this account. ${formatRetryWait(check.retryAfterSeconds)}`;
      return tooManyRequests({ intent, fieldErrors: { currentPassword: message }, message: null }, check.retryAfterSeconds);
    }
    if (check.kind === "invalid")
      return json({ intent, fieldErrors: { currentPassword: "That is not your current password." }, message: null }, { status: 400 });
    // Ends every session, this one included; then this browser gets a fresh one.
    setPasswordHash(db, webActor(user), user.id, await hashPassword(parsed.data.newPassword));
    return redirectWithMessage("/settings", "Password changed. You are signed out everywhere else.", {
      headers: { "Set-Cookie": await createUserSession(user.id) },
    });
  }
  throw badRequest(`Unknown intent "${String(intent)}".`);
}

export default function Settings() {
  const { user, hasPassword, githubSignInEnabled } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = data?.fieldErrors ?? {};
  return (
    <section className="narrow">
      <h1>Settings</h1>
      <p className="muted">
        Signed in as <strong>@{user.username}</strong>. Roles: {user.roles.join(", ")}.
      </p>

      <h2>Profile</h2>
      {data?.intent === "profile" ? data.message ? <ActionResult result={{ ok: true, message: data.message }} /> : <ErrorSummary errors={errors} /> : null}
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="profile" />
        <Field
          label="Display name"
          name="displayName"
          defaultValue={user.displayName}
          required
          error={data?.intent === "profile" ? errors.displayName : undefined}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          defaultValue={user.email}
          required
          error={data?.intent === "profile" ? errors.email : undefined}
          hint={
            user.emailVerified ? (
              <span className="badge badge--native">confirmed</span>
            ) : (
              <>
                <span className="badge badge--partial">not confirmed</span> No mail goes there until you follow the link we sent.
              </>
            )
          }
        />
        <Field
          label="GitHub login"
          name="githubLogin"
          defaultValue={user.githubLogin ?? ""}
          error={data?.intent === "profile" ? errors.githubLogin : undefined}
          hint={
            user.githubLogin ? (
              user.githubVerified ? (
                <span className="badge badge--native">verified by GitHub sign-in</span>
              ) : (
                <span className="badge badge--partial">unverified</span>
              )
            ) : (
              "Optional. A login you type stays unverified; sign in with GitHub to verify it."
            )
          }
        />
        <button className="button" type="submit">
          Save profile
        </button>
      </Form>
      {!user.emailVerified ? (
        <Form method="post">
          <input type="hidden" name="intent" value="resend-verification" />
          {data?.intent === "resend-verification" && data.message ? (
            <p role={data.message.startsWith("We sent") ? "status" : "alert"} className="alert">
              {data.message}
            </p>
          ) : null}
          <button className="button button--quiet" type="submit">
            Send the link again
          </button>
        </Form>
      ) : null}
      {githubSignInEnabled && !user.githubVerified ? (
        <Form method="post" action="/auth/github">
          <button className="button button--quiet" type="submit">
            Verify with GitHub
          </button>
        </Form>
      ) : null}

      {hasPassword ? (
        <>
          <h2 className="section">Password</h2>
          {data?.intent === "password" ? <ErrorSummary errors={errors} /> : null}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="password" />
            <Field
              label="Current password"
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              required
              error={data?.intent === "password" ? errors.currentPassword : undefined}
            />
            <Field
              label="New password"
              name="newPassword"
              type="password"
              autoComplete="new-password"
              required
              hint="Changing it signs you out everywhere else."
              error={data?.intent === "password" ? errors.newPassword : undefined}
            />
            <button className="button" type="submit">
              Change password
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
