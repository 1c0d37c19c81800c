import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { countIfBusy } from "./http/sqlite-metrics.server";
import { logger } from "./log.server";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, HandleErrorFunction, LoaderFunctionArgs } from "@remix-run/node";

/**
 * Renders the whole document to one string. No route streams (nothing uses defer), and
 * one string skips the Node-stream → web-stream → Node-stream hops and the per-request
 * abort timer a streamed render takes (npm run bench: /login 330-430 → 520 req/s, and
 * the server's peak RSS fell by about 40 MB).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  const html = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  keepPrivate(request, responseHeaders);
  // Remix copies only Set-Cookie from an action or loader onto the HTML page, so a form
  // posted without JavaScript would get its 429 without Retry-After: carry it over here,
  // for every route at once.
  if (responseStatusCode === 429 && !responseHeaders.has("Retry-After")) {
    const { actionHeaders, loaderHeaders } = remixContext.staticHandlerContext;
    const retryAfter = [...Object.values(actionHeaders), ...Object.values(loaderHeaders)].map((h) => h.get("Retry-After")).find(Boolean);
    if (retryAfter) responseHeaders.set("Retry-After", retryAfter);
  }
  // As UTF-8 bytes: a string body would be re-scanned for lone surrogates by the Response.
  return new Response(Buffer.from(`<!DOCTYPE html>${html}`, "utf8"), { headers: responseHeaders, status: responseStatusCode });
}

/**
 * A page or data answer for a signed-in person is theirs: no shared cache (a CDN, a proxy) may
 * keep it, unless the route said otherwise. Anonymous pages get theirs from the page cache.
 */
function keepPrivate(request: Request, headers: Headers) {
  if (!headers.has("Cache-Control") && (request.headers.get("cookie") || request.headers.get("authorization")))
    headers.set("Cache-Control", "private, no-cache");
}

export function handleDataRequest(response: Response, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  keepPrivate(request, response.headers);
  return response;
}

/** Every unexpected loader/action/render error lands here: the log gets the stack. */
export const handleError: HandleErrorFunction = (error, { request }) => {
  // A client that went away, and answers such as "no page at this address" (Remix hands its own
  // 404 and 405 here too), are not errors of ours: the request line already has their status.
  if (request.signal.aborted || (isRouteErrorResponse(error) && error.status < 500)) return;
  countIfBusy(error);
  logger.error(
    {
      event: "request.error",
      method: request.method,
      path: new URL(request.url).pathname,
      error: error instanceof Error ? error.message : isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    },
    "unexpected error",
  );
};
