import { json } from "@remix-run/node";

/** A 404 whose message the error page shows. */
export function notFound(message: string): Response {
  return json({ message }, { status: 404 });
}

/** A 400 whose message the error page shows. */
export function badRequest(message: string): Response {
  return json({ message }, { status: 400 });
}

/** Maps a domain error thrown by a model to a JSON response with its sentence. */
export function domainErrorResponse(error: { message: string; status: number }): Response {
  return json({ message: error.message }, { status: error.status });
}
