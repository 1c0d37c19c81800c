import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/session.server";
import { db } from "../db.server";
import { formatDateTime } from "../lib/dates";
import { badRequest } from "../lib/responses";
import { listNotifications, markAllRead, markRead } from "../models/notifications.server";
import { parseForm, readForm } from "../schemas/form";
import { MarkReadSchema } from "../schemas/notifications";

export const meta: MetaFunction = () => [{ title: "Notifications · Club Zero" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ notifications: listNotifications(db, user.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseForm(MarkReadSchema, await readForm(request));
  if (!parsed.ok) throw badRequest("Unknown action: mark one notification read, or all of them.");
  if (parsed.data.intent === "read-all") return json({ ok: true, message: `Marked ${markAllRead(db, user.id)} read.` });
  markRead(db, user.id, parsed.data.id);
  return json({ ok: true, message: "Marked read." });
}

export default function Notifications() {
  const { notifications } = useLoaderData<typeof loader>();
  const unread = notifications.filter((n) => n.readAt === null).length;
  return (
    <section className="narrow">
      <header className="page-header">
        <h1>Notifications</h1>
        <p className="lede">
          {unread === 0 ? "Nothing unread." : `${unread} unread.`} Choose what reaches you by mail in{" "}
          <Link to="/settings/notifications">notification settings</Link>.
        </p>
      </header>
      {unread > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="read-all" />
          <button type="submit">Mark all read</button>
        </Form>
      ) : null}
      {notifications.length === 0 ? (
        <p className="empty">No notifications yet. Watch a target or bounty to hear of its changes.</p>
      ) : (
        <ul className="target-list" aria-label="Notifications">
          {notifications.map((n) => (
            <li key={n.id} className={`card${n.readAt === null ? " card--unread" : ""}`}>
              <Link to={n.link}>{n.title}</Link> {n.readAt === null ? <strong className="badge">unread</strong> : null}
              <p>{n.body}</p>
              <p className="muted small">{formatDateTime(n.createdAt)}</p>
              {n.readAt === null ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="read" />
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" aria-label={`Mark read: ${n.title}`}>
                    Mark read
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
