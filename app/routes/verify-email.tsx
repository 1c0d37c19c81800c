// The link in a verification mail. Mail scanners follow links, so a GET only shows what the
// link would do; the button POSTs (a same-origin form like any other) and that verifies.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "~/app/db.server";
import { answerDomainErrors } from "~/app/lib/responses";
import { describeEmailToken, verifyEmail } from "~/app/models/email-tokens.server";
import { InvalidLink } from "~/app/models/errors";
import { TokenSchema } from "~/app/schemas/account";
import { parseForm, readForm } from "~/app/schemas/form";

export const meta: MetaFunction = () => [{ title: "Confirm your address · Club Zero" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  try {
    const what = describeEmailToken(db, "verify_email", token);
    return json({ ok: true as const, token, email: what.email, username: what.username, message: null });
  } catch (error) {
    if (error instanceof InvalidLink) return json({ ok: false as const, token: "", email: null, username: null, message: error.message }, { status: 400 });
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(TokenSchema, await readForm(request));
  const token = parsed.ok ? parsed.data.token : "";
  return answerDomainErrors(
    () => {
      const done = verifyEmail(db, token);
      return json({ ok: true, message: `Thank you: ${done.email} is confirmed for @${done.username}. Club Zero will send your notifications there.` });
    },
    () => ({ ok: false }),
  );
}

export default function VerifyEmail() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="narrow">
      <h1>Confirm your address</h1>
      {result?.ok ? (
        <p role="status" className="alert alert--ok">
          {result.message} <Link to="/">Go to Club Zero</Link>.
        </p>
      ) : result?.message || !page.ok ? (
        <p role="alert" className="alert alert--error">
          {result?.message ?? page.message}
        </p>
      ) : null}
      {page.ok && !result?.ok ? (
        <>
          <p>
            Confirm <strong>{page.email}</strong> as the address of @{page.username}?
          </p>
          <Form method="post">
            <input type="hidden" name="token" value={page.token} />
            <button type="submit" className="button">
              Confirm this address
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
