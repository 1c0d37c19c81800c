/**
 * The one rule for sending a browser back to a path it asked for (`redirectTo`): the value
 * must be a path ("/…") that the WHATWG URL parser, resolving it against `origin`, keeps on
 * that origin; what goes out is the parser's own serialisation of it (ASCII only, dot
 * segments gone). Anything else gives `fallback`.
 *
 * Refused as well, because a browser or a later decode could read them as another host:
 * control characters and backslashes anywhere (browsers drop tabs and newlines and turn
 * `\` into `/`), and a resolved path that starts with two slashes or backslashes, as it
 * stands or once percent-decoded (`/.//evil.example` resolves to the path `//evil.example`,
 * which a `Location` header turns into the host evil.example; `/%2f/evil.example` is one
 * careless decode away from it).
 */
export function formatSafeRedirect(to: unknown, origin: string, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const home = new URL(origin);
  let url: URL;
  try {
    url = new URL(to, home);
  } catch {
    return fallback;
  }
  if (url.origin !== home.origin) return fallback;
  if (startsLikeAnotherHost(url.pathname) || startsLikeAnotherHost(decodeOnce(url.pathname))) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

const startsLikeAnotherHost = (path: string) => /^[/\\][\u0000-\u001f\u007f]*[/\\]/.test(path);

// Each %XX escape decoded to one character (bytes over 0x7f become Latin-1, which the check ignores):
// unlike decodeURIComponent, a stray "%" elsewhere in the path does not stop the rest being decoded.
const decodeOnce = (path: string) => path.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
