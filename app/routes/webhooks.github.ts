import { json, type ActionFunctionArgs } from "@remix-run/node";
import { db } from "../db.server";
import { receiveDeliveryGrouped } from "../github/receive.server";
import { parseVerifiedBody, verifiedBody, webhooksConfigured } from "../github/verify.server";
import { webhookDeliveries } from "../http/metrics.server";
import { logEvent } from "../log.server";

/** GitHub's own cap on webhook payloads. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

function refuse(status: number, message: string, reason: string, event: string | null = null) {
  logEvent("webhook.rejected", { status, reason });
  webhookDeliveries.inc({ event: event && event.length <= 40 ? event : "unknown", outcome: `rejected: ${reason}` });
  return json({ ok: false, error: message }, { status });
}

/** Reads at most `limit` bytes of the body; null when it is larger. */
async function readCapped(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading but do not cancel: cancelling destroys the socket before the 413 is
      // sent. Node closes the connection after the response instead of reading the rest.
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

export function loader() {
  return json({ ok: false, error: "Send GitHub webhooks here with POST." }, { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ ok: false, error: "Use POST." }, { status: 405, headers: { Allow: "POST" } });
  if (!webhooksConfigured) return json({ ok: false, error: "webhooks are not configured" }, { status: 503 });

  const event = request.headers.get("x-github-event");
  const deliveryId = request.headers.get("x-github-delivery");
  if (!event || !deliveryId) return refuse(400, "X-GitHub-Event and X-GitHub-Delivery headers are required.", "missing headers");
  if (deliveryId.length > 100 || event.length > 100) return refuse(400, "X-GitHub-Event or X-GitHub-Delivery is too long.", "bad headers");
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return refuse(415, "Set the webhook's content type to application/json.", "content type", event);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return refuse(413, "Payload over 25 MiB.", "too large", event);

  const bytes = await readCapped(request, MAX_BODY_BYTES);
  if (bytes === null) return refuse(413, "Payload over 25 MiB.", "too large", event);
  // The signature covers these exact bytes; nothing is decoded or parsed before it is checked.
  const body = verifiedBody(bytes, request.headers.get("x-hub-signature-256"));
  if (body === null) return refuse(401, "Signature missing or wrong: check the webhook secret.", "signature", event);

  let payload: unknown;
  try {
    payload = parseVerifiedBody(body);
  } catch {
    return refuse(400, "The body is not JSON.", "invalid json", event);
  }
  const hookId = Number(request.headers.get("x-github-hook-id"));
  const result = await receiveDeliveryGrouped(db, { deliveryId, event, hookId: Number.isSafeInteger(hookId) && hookId > 0 ? hookId : null, body, payload });
  const outcome = result.status !== 200 ? "failed" : result.body.duplicate ? "duplicate" : (result.body.outcome ?? "processed");
  webhookDeliveries.inc({ event: event.length <= 40 ? event : "unknown", outcome });
  return json(result.body, { status: result.status });
}
