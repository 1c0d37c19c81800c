import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { ActionResult } from "../components/form";
import { ScrollTable, TableHead } from "../components/table";
import { db } from "../db.server";
import { replayDelivery } from "../github/receive.server";
import { webhooksConfigured } from "../github/verify.server";
import { formatDateTime } from "../lib/dates";
import { pageMeta } from "../lib/meta";
import { formatPayload, PAYLOAD_MAX_CHARS, PAYLOAD_MAX_DEPTH } from "../lib/payload-view";
import { answerDomainErrors, badRequest } from "../lib/responses";
import { DELIVERY_STATUSES } from "../lib/vocabulary";
import { webActor } from "../models/audit.server";
import { getDelivery, getWebhookHealth, listDeliveries } from "../models/github.server";
import { readForm } from "../schemas/form";

export const meta: MetaFunction = () => pageMeta("Webhook deliveries · Admin · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const url = new URL(request.url);
  const status = DELIVERY_STATUSES.find((s) => s === url.searchParams.get("status"));
  const showId = Number(url.searchParams.get("show"));
  const shown = Number.isSafeInteger(showId) && showId > 0 ? getDelivery(db, showId) : null;
  // Bounded in depth and size whatever was signed; the whole body is a download.
  const view = shown ? formatPayload(shown.payload) : null;
  return json({
    configured: webhooksConfigured,
    health: getWebhookHealth(db),
    status: status ?? null,
    deliveries: listDeliveries(db, { status, limit: 100 }),
    shown: shown &&
      view && {
        id: shown.id,
        deliveryId: shown.deliveryId,
        event: shown.event,
        action: shown.action,
        status: shown.status,
        error: shown.error,
        payload: view.text,
        truncated: view.truncated,
        bytes: new TextEncoder().encode(shown.payload).byteLength,
      },
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await readForm(request);
  const id = Number(form.get("id"));
  if (form.get("intent") !== "replay" || !Number.isSafeInteger(id) || id < 1) throw badRequest("Choose a delivery to replay.");
  return answerDomainErrors(
    () => {
      const result = replayDelivery(db, webActor(admin), id);
      return json({
        message:
          result.status === 200
            ? `Delivery #${id} replayed: ${"outcome" in result.body ? result.body.outcome : "done"}.`
            : `Delivery #${id} failed again; see its error.`,
        ok: result.status === 200,
      });
    },
    () => ({ ok: false }),
  );
}

export default function AdminWebhooks() {
  const { configured, health, status, deliveries, shown } = useLoaderData<typeof loader>();
  const result = useActionData<{ message: string; ok?: boolean }>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/admin">Admin</Link> <span aria-hidden="true">/</span> Webhooks
      </nav>
      <header className="page-header">
        <h1>GitHub webhook deliveries</h1>
        <p className="lede">
          {configured ? "Receiving at /webhooks/github." : "Not configured: set GITHUB_WEBHOOK_SECRET to receive deliveries."} Last delivery:{" "}
          {health.lastDeliveryAt ? formatDateTime(health.lastDeliveryAt) : "none yet"}. Failures in the last 24 hours: {health.failures24h}.
        </p>
      </header>
      <ActionResult result={result} />
      <p>
        Show:{" "}
        {[null, ...DELIVERY_STATUSES].map((s) => (
          <span key={s ?? "all"}>{s === status ? <strong>{s ?? "all"}</strong> : <Link to={s ? `?status=${s}` : "?"}>{s ?? "all"}</Link>} </span>
        ))}
      </p>
      {shown ? (
        <section className="card section" aria-labelledby="payload-heading">
          <h2 id="payload-heading">
            Delivery #{shown.id}: {shown.event}
            {shown.action ? `.${shown.action}` : ""} ({shown.status})
          </h2>
          <p className="muted small">GUID {shown.deliveryId}</p>
          {shown.error ? <p className="alert alert--error">{shown.error}</p> : null}
          <p className="small">
            {shown.truncated ? `Shown truncated: at most ${PAYLOAD_MAX_DEPTH} levels deep and ${PAYLOAD_MAX_CHARS.toLocaleString("en")} characters. ` : null}
            <a href={`/admin/webhooks/${shown.id}/payload`} download>
              Download the raw body
            </a>{" "}
            ({shown.bytes.toLocaleString("en")} bytes)
          </p>
          <pre className="payload">{shown.payload}</pre>
        </section>
      ) : null}
      {deliveries.length === 0 ? (
        <p className="empty">No deliveries{status ? ` with status ${status}` : ""} yet.</p>
      ) : (
        <ScrollTable label="Webhook deliveries">
          <table className="table">
            <TableHead columns={["Received", "Event", "Status", "Error", "Actions"]} />
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td>{formatDateTime(d.receivedAt)}</td>
                  <td>
                    {d.event}
                    {d.action ? `.${d.action}` : ""}
                  </td>
                  <td>
                    {d.status}
                    {d.attempts > 1 ? ` (${d.attempts} attempts)` : ""}
                  </td>
                  <td className="small">{d.error ?? ""}</td>
                  <td>
                    <div className="row-actions">
                      <Link to={`?${status ? `status=${status}&` : ""}show=${d.id}`}>
                        Payload<span className="sr-only"> of delivery {d.id}</span>
                      </Link>
                      <Form method="post">
                        <input type="hidden" name="id" value={d.id} />
                        <button className="button button--small button--quiet" name="intent" value="replay">
                          Replay<span className="sr-only"> delivery {d.id}</span>
                        </button>
                      </Form>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </>
  );
}
