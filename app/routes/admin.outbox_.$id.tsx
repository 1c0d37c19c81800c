import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { db } from "../db.server";
import { formatDateTime } from "../lib/dates";
import { notFound } from "../lib/responses";
import { getOutboxMessage } from "../models/outbox.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.message.subject} · Outbox · Club Zero` : "Not found · Club Zero" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const id = Number(params.id);
  if (!/^\d{1,15}$/.test(params.id ?? "") || id < 1) throw notFound("There is no such message.");
  const message = getOutboxMessage(db, id);
  if (!message) throw notFound("There is no such message.");
  // The HTML part is shown as its source text, never rendered into this page.
  return json({ message: { ...message, headers: message.headersJson ? (JSON.parse(message.headersJson) as Record<string, string>) : {} } });
}

export default function OutboxMessage() {
  const { message: m } = useLoaderData<typeof loader>();
  return (
    <article>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">/</span> <Link to="/admin/outbox">Outbox</Link> <span aria-hidden="true">/</span> #{m.id}
      </nav>
      <h1>{m.subject}</h1>
      <dl className="facts">
        <dt>To</dt>
        <dd>{m.recipient}</dd>
        <dt>Channel</dt>
        <dd>{m.channel}</dd>
        <dt>Kind</dt>
        <dd>{m.kind}</dd>
        <dt>State</dt>
        <dd>{m.state}</dd>
        <dt>Attempts</dt>
        <dd>{m.attempts}</dd>
        <dt>Queued</dt>
        <dd>{formatDateTime(m.createdAt)}</dd>
        <dt>Next attempt</dt>
        <dd>{formatDateTime(m.nextAttemptAt)}</dd>
        <dt>Sent</dt>
        <dd>{m.sentAt ? formatDateTime(m.sentAt) : "not yet"}</dd>
        <dt>Last error</dt>
        <dd>{m.lastError ?? "none"}</dd>
        <dt>Message-ID</dt>
        <dd>
          <code>{m.messageId}</code>
        </dd>
        <dt>Idempotency key</dt>
        <dd>
          <code>{m.idempotencyKey}</code>
        </dd>
        {Object.entries(m.headers).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              <code>{value}</code>
            </dd>
          </div>
        ))}
      </dl>
      <h2>Text</h2>
      <pre className="payload">{m.textBody}</pre>
      {m.htmlBody ? (
        <>
          <h2>HTML (source)</h2>
          <pre className="payload">{m.htmlBody}</pre>
        </>
      ) : null}
    </article>
  );
}
