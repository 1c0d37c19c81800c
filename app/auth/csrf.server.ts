/**
 * Cross-site request check for every state-changing request (all but GET/HEAD/OPTIONS),
 * except the GitHub webhook, which is authenticated by its HMAC signature instead, and a
 * one-click unsubscribe carrying a valid signed token.
 * Browsers send Sec-Fetch-Site; when it is present it must say same-origin. Otherwise the
 * Origin header must be the app's own origin. A request with neither is refused.
 * Returns null when allowed, else the reason to show with a 403.
 */
export function checkSameOrigin(
  method: string,
  path: string,
  headers: { get(name: string): string | null },
  appOrigin: string,
  hasValidUnsubscribeToken: () => boolean = () => false,
): string | null {
  if (["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return null;
  if (path === "/webhooks/github") return null;
  // RFC 8058 one-click unsubscribe: a mail provider POSTs it from nowhere, with no cookie.
  // Allowed on this one path and only with a signed token (which is what authorizes it).
  if (path === "/unsubscribe" && hasValidUnsubscribeToken()) return null;
  const site = headers.get("sec-fetch-site");
  if (site !== null) {
    return site === "same-origin" ? null : `Cross-site request refused: this form must be sent from ${appOrigin} itself.`;
  }
  const origin = headers.get("origin");
  if (origin === null) return "Request refused: it carried neither Sec-Fetch-Site nor Origin, so we cannot tell where it came from.";
  return origin === appOrigin ? null : `Cross-site request refused: requests from ${origin} may not change anything here.`;
}
