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
