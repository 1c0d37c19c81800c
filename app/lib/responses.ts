import { json } from "@remix-run/node";
import { DomainError } from "../models/errors";

/** A 404 whose message the error page shows. */
export function notFound(message: string): Response {
  return json({ message }, { status: 404 });
}

/** A 400 whose message the error page shows. */
export function badRequest(message: string): Response {
  return json({ message }, { status: 400 });
}

/**
 * Maps a domain error thrown by a model to a JSON response: its status, its sentence as
 * `message` (with whatever else the page's form needs in `data`), and Retry-After when it
 * says when to try again.
 */
export function domainErrorResponse<D extends object = object>(error: { message: string; status: number; retryAfterSeconds?: number }, data?: D) {
  const headers: Record<string, string> = error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {};
  return json({ ...(data as D), message: error.message }, { status: error.status, headers });
}

/**
 * The one way an action answers a broken business rule: runs `work`, and a DomainError a
 * model throws becomes domainErrorResponse(error, data(error)). Anything else goes on to
 * the error boundary (and the log).
 */
export async function answerDomainErrors<T, D extends object = object>(work: () => T | Promise<T>, data?: (error: DomainError) => D) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) return domainErrorResponse(error, data?.(error));
    throw error;
  }
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
