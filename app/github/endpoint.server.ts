// POST /webhooks/github: the transport checks in front of verify → receive. Mounted on the node
// server ahead of Remix (app/main.server.ts): a delivery needs none of Remix's route matching,
// web Request/Response conversion or page middleware, and at a thousand deliveries a second
// those were a sixth of each one's CPU. Written against a small request shape so the tests
// feed it web Requests (test/support/github-webhooks.ts) and the server feeds it node's.
import { webhookDeliveries } from "../http/metrics.server";
import { logEvent } from "../log.server";
import { parseVerifiedBody, verifiedBody, webhooksConfigured } from "./verify.server";
import { applyDelivery } from "./writer.server";
import type http from "node:http";

/** GitHub's own cap on webhook payloads. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface WebhookRequest {
  method: string;
  /** A request header by its name (any case), or null. */
  header: (name: string) => string | null;
  /** The body's bytes as they arrive. Left suspended, never ended, when the body is refused part-way. */
  body: AsyncIterable<Uint8Array>;
}

export interface WebhookAnswer {
  status: number;
  headers: Record<string, string>;
  body: { ok: boolean; error?: string; duplicate?: boolean; outcome?: string };
}

const answer = (status: number, body: WebhookAnswer["body"], headers: Record<string, string> = {}): WebhookAnswer => ({ status, headers, body });

function refuse(status: number, message: string, reason: string, event: string | null = null): WebhookAnswer {
  logEvent("webhook.rejected", { status, reason });
  webhookDeliveries.inc({ event: event && event.length <= 40 ? event : "unknown", outcome: `rejected: ${reason}` });
  return answer(status, { ok: false, error: message });
}

/**
 * Reads at most `limit` bytes of the body; null when it is larger. On a body over the limit it
 * stops pulling but does not end the iterator: ending it destroys node's request, and with it
 * the socket, before the 413 is sent (serveGithubWebhook closes the connection after it instead).
 */
async function readCapped(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array | null> {
  const iterator = chunks[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await iterator.next();
    if (done) break;
    size += value.byteLength;
    if (size > limit) return null;
    parts.push(value);
  }
  if (parts.length === 1) return parts[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}

/** One delivery, checked in this order: method, configuration, headers, content type, size, signature, JSON; then recorded and applied (WH-1 to WH-6). */
export async function answerWebhook(request: WebhookRequest): Promise<WebhookAnswer> {
  if (request.method !== "POST") {
    const error = request.method === "GET" || request.method === "HEAD" ? "Send GitHub webhooks here with POST." : "Use POST.";
    return answer(405, { ok: false, error }, { Allow: "POST" });
  }
  if (!webhooksConfigured) return answer(503, { ok: false, error: "webhooks are not configured" });

  const event = request.header("x-github-event");
  const deliveryId = request.header("x-github-delivery");
  if (!event || !deliveryId) return refuse(400, "X-GitHub-Event and X-GitHub-Delivery headers are required.", "missing headers");
  if (deliveryId.length > 100 || event.length > 100) return refuse(400, "X-GitHub-Event or X-GitHub-Delivery is too long.", "bad headers");
  const type = (request.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return refuse(415, "Set the webhook's content type to application/json.", "content type", event);
  const declared = Number(request.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return refuse(413, "Payload over 25 MiB.", "too large", event);

  const bytes = await readCapped(request.body, MAX_BODY_BYTES);
  if (bytes === null) return refuse(413, "Payload over 25 MiB.", "too large", event);
  // The signature covers these exact bytes; nothing is decoded or parsed before it is checked.
  const body = verifiedBody(bytes, request.header("x-hub-signature-256"));
  if (body === null) return refuse(401, "Signature missing or wrong: check the webhook secret.", "signature", event);

  let payload: unknown;
  try {
    payload = parseVerifiedBody(body);
  } catch {
    return refuse(400, "The body is not JSON.", "invalid json", event);
  }
  const hookId = Number(request.header("x-github-hook-id"));
  const result = await applyDelivery({ deliveryId, event, hookId: Number.isSafeInteger(hookId) && hookId > 0 ? hookId : null, body, payload });
  const outcome = result.status !== 200 ? "failed" : result.body.duplicate ? "duplicate" : (result.body.outcome ?? "processed");
  webhookDeliveries.inc({ event: event.length <= 40 ? event : "unknown", outcome });
  return answer(result.status, result.body);
}

/** The endpoint on node's own request and response. Rejects only if reading the body fails (the client went away). */
export async function serveGithubWebhook(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const result = await answerWebhook({
    method: req.method ?? "GET",
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    body: req,
  });
  const text = JSON.stringify(result.body);
  res.statusCode = result.status;
  for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
  // Answered before the body was all read (a refusal, above all a 413): close the connection
  // once the answer is sent rather than read, or leave waiting, the rest of the body.
  if (!req.complete) res.setHeader("Connection", "close");
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
