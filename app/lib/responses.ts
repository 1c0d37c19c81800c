import { json } from "@remix-run/node";

/** A 404 whose message the error page shows. */
export function notFound(message: string): Response {
  return json({ message }, { status: 404 });
}

/** A 400 whose message the error page shows. */
export function badRequest(message: string): Response {
  return json({ message }, { status: 400 });
}

/** Maps a domain error thrown by a model to a JSON response with its sentence (and Retry-After when it says when). */
export function domainErrorResponse(error: { message: string; status: number; retryAfterSeconds?: number }): Response {
  const headers: Record<string, string> = error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {};
  return json({ message: error.message }, { status: error.status, headers });
}

/**
 * The one way to answer 429: `data` for the page plus `Retry-After` in whole seconds (at
 * least 1). A form posted without JavaScript gets an HTML page, not this response, and
 * entry.server.tsx carries the header onto that page.
 */
export function tooManyRequests<T>(data: T, retryAfterSeconds: number) {
  return json(data, { status: 429, headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
}

/** "Wait 3 minutes and try again." for a Retry-After in seconds. */
export function formatRetryWait(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`;
}
