import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { db } from "../db.server";
import { AUDIENCE_WORDS, DELIVERY_WORDS, NOTIFICATION_KIND_INFO, audiencesFor } from "../lib/notification-kinds";
import { NOTIFICATION_DELIVERIES, NOTIFICATION_KINDS } from "../lib/vocabulary";
import { getPreferences, setPreferences } from "../models/notifications.server";
import { parseForm, readForm } from "../schemas/form";
import { PreferencesSchema } from "../schemas/notifications";

export const meta: MetaFunction = () => [{ title: "Notification settings · Club Zero" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ preferences: getPreferences(db, user.id), email: user.email, audiences: audiencesFor(user.roles) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseForm(PreferencesSchema, await readForm(request));
  if (!parsed.ok) return json({ ok: false, message: Object.values(parsed.fieldErrors).join(" ") }, { status: 400 });
  setPreferences(db, user.id, parsed.data);
  return json({ ok: true, message: "Notification settings saved." });
}

export default function NotificationSettings() {
  const { preferences, email, audiences } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/settings">Settings</Link> <span aria-hidden="true">/</span> Notifications
      </nav>
      <h1>Notification settings</h1>
      <p className="muted">
        Everything you choose to hear of shows in <Link to="/notifications">Notifications</Link>; mail goes to {email}. &ldquo;Off&rdquo; means neither.
      </p>
      {result?.message ? (
        <p role={result.ok ? "status" : "alert"} className={`alert ${result.ok ? "alert--ok" : "alert--error"}`}>
          {result.message}
        </p>
      ) : null}
      <Form method="post" className="stack">
        {audiences.map((audience) => (
          <fieldset key={audience}>
            <legend>{AUDIENCE_WORDS[audience]}</legend>
            {NOTIFICATION_KINDS.filter((k) => NOTIFICATION_KIND_INFO[k].audience === audience).map((kind) => (
              <div className="field" key={kind}>
                <label htmlFor={`pref-${kind}`}>{NOTIFICATION_KIND_INFO[kind].label}</label>
                <select id={`pref-${kind}`} name={kind} defaultValue={preferences[kind]}>
                  {NOTIFICATION_DELIVERIES.map((d) => (
                    <option key={d} value={d}>
                      {DELIVERY_WORDS[d]}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </fieldset>
        ))}
        <button type="submit">Save notification settings</button>
      </Form>
    </section>
  );
}
