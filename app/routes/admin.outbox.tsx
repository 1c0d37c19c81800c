import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { env } from "../env.server";
import { formatDateTime } from "../lib/dates";
import { badRequest } from "../lib/responses";
import { OUTBOX_STATES, type OutboxState } from "../lib/vocabulary";
import { countOutboxByState, listOutbox } from "../models/outbox.server";

export const meta: MetaFunction = () => [{ title: "Outbox · Admin · Club Zero" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const raw = new URL(request.url).searchParams.get("state");
  const state = OUTBOX_STATES.find((s) => s === raw);
  if (raw && !state) throw badRequest(`state must be one of ${OUTBOX_STATES.join(", ")}.`);
  return json({ messages: listOutbox(db, { state }), counts: countOutboxByState(db), state: state ?? null, smtp: Boolean(env.SMTP_URL) });
}

const STATE_WORDS: Record<OutboxState, string> = {
  queued: "queued",
  held: "held (no transport)",
  sending: "sending",
  sent: "sent",
  failed: "failed for good",
};

export default function AdminOutbox() {
  const { messages, counts, state, smtp } = useLoaderData<typeof loader>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">/</span> Outbox
      </nav>
      <header className="page-header">
        <h1>Outbox</h1>
        <p className="lede">
          {smtp ? "Mail goes out through SMTP." : "No SMTP_URL is set: mail is held here, to read, until one is."} Replies on GitHub go out through the GitHub
          App or token, and are held without either (or with GITHUB_REPLIES=off). {OUTBOX_STATES.map((s) => `${counts[s] ?? 0} ${STATE_WORDS[s]}`).join(" · ")}
        </p>
      </header>
      <p>
        Show: <Link to="/admin/outbox">all</Link>
        {OUTBOX_STATES.map((s) => (
          <span key={s}>
            {" · "}
            <Link to={`/admin/outbox?state=${s}`}>{s}</Link>
          </span>
        ))}
        {state ? ` (showing ${state})` : null}
      </p>
      {messages.length === 0 ? (
        <p className="empty">No messages.</p>
      ) : (
        <ScrollTable label="Outbox messages">
          <table className="table">
            <caption>The newest 100 messages</caption>
            <TableHead columns={["Queued", "To", "Subject", "State", "Attempts", "Last error"]} />
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt)}</td>
                  <td>{m.recipient}</td>
                  <td>
                    <Link to={`/admin/outbox/${m.id}`}>{m.subject}</Link>
                  </td>
                  <td>
                    {STATE_WORDS[m.state]}
                    {m.state === "queued" && m.attempts > 0 ? `, next try ${formatDateTime(m.nextAttemptAt)}` : ""}
                    {m.sentAt ? `, ${formatDateTime(m.sentAt)}` : ""}
                  </td>
                  <td>{m.attempts}</td>
                  <td>{m.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </>
  );
}
