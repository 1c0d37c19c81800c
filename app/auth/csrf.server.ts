/**
 * Cross-site request check for every state-changing request (all but GET/HEAD/OPTIONS),
 * except the GitHub webhook, which is authenticated by its HMAC signature instead.
 * Browsers send Sec-Fetch-Site; when it is present it must say same-origin. Otherwise the
 * Origin header must be the app's own origin. A request with neither is refused.
 * Returns null when allowed, else the reason to show with a 403.
 */
export function checkSameOrigin(method: string, path: string, headers: { get(name: string): string | null }, appOrigin: string): string | null {
  if (["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return null;
  if (path === "/webhooks/github") return null;
  const site = headers.get("sec-fetch-site");
  if (site !== null) {
    return site === "same-origin" ? null : `Cross-site request refused: this form must be sent from ${appOrigin} itself.`;
  }
  const origin = headers.get("origin");
  if (origin === null) return "Request refused: it carried neither Sec-Fetch-Site nor Origin, so we cannot tell where it came from.";
  return origin === appOrigin ? null : `Cross-site request refused: requests from ${origin} may not change anything here.`;
}
