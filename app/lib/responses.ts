import { json } from "@remix-run/node";

/** A 404 whose message the error page shows. */
export function notFound(message: string): Response {
  return json({ message }, { status: 404 });
}

/** A 400 whose message the error page shows. */
export function badRequest(message: string): Response {
  return json({ message }, { status: 400 });
}
