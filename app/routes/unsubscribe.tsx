// One-click unsubscribe (RFC 8058). The link in each mail works without signing in: its
// token is signed for one person and one kind. GET shows a confirmation (mail scanners
// follow links, so a GET never changes anything); POST, from that page or straight from
// a mail client with `List-Unsubscribe=One-Click`, turns the kind off. The CSRF check lets
// this POST through only with a valid token (app/auth/csrf.server.ts).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "../db.server";
import { describeUnsubscribe, unsubscribe } from "../models/notifications.server";

export const meta: MetaFunction = () => [{ title: "Unsubscribe · Club Zero" }, { name: "robots", content: "noindex" }];

const INVALID = "This unsubscribe link is not valid (it may be cut short). Sign in and change your notification settings instead.";

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const what = describeUnsubscribe(db, token);
  if (!what) throw json({ message: INVALID }, { status: 400 });
  return json({ token: token ?? "", label: what.label, username: what.username });
}

export async function action({ request }: ActionFunctionArgs) {
  const done = unsubscribe(db, new URL(request.url).searchParams.get("token"));
  if (!done) return json({ ok: false, message: INVALID }, { status: 400 });
  return json({ ok: true, message: "Done: you will no longer get these notifications." });
}

export default function Unsubscribe() {
  const { token, label, username } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="narrow">
      <h1>Unsubscribe</h1>
      {result?.ok ? (
        <p role="status" className="alert alert--ok">
          {result.message} You can turn it on again in <Link to="/settings/notifications">notification settings</Link>.
        </p>
      ) : (
        <>
          {result?.message ? (
            <p role="alert" className="alert alert--error">
              {result.message}
            </p>
          ) : null}
          <p>
            Stop &ldquo;{label}&rdquo; for @{username}?
          </p>
          <Form method="post" action={`/unsubscribe?token=${encodeURIComponent(token)}`}>
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <button type="submit">Unsubscribe</button>
          </Form>
        </>
      )}
    </section>
  );
}
