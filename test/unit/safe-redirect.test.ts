import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/app/auth/session.server";
import { env } from "~/app/env.server";
import { formatSafeRedirect } from "~/app/lib/safe-redirect";

const APP = "https://clubzero.example.org";

/**
 * What a browser does with a `Location` header: resolve it against the page it is on. A
 * safe answer stays on the app's origin, and also reads as a plain path (not `//host`,
 * `/\host`) wherever it is resolved, so no later hop can turn it into another host.
 */
function expectStaysHome(location: string) {
  expect(new URL(location, `${APP}/some/page`).origin).toBe(APP);
  expect(new URL(location, "http://elsewhere.test/").host).toBe("elsewhere.test");
  expect(location).toMatch(/^\/(?![/\\])/);
  expect(location).toMatch(/^[\x21-\x7e]*$/); // ASCII, no spaces or controls in a header
}

describe("redirects after sign-in stay on this site", () => {
  it.each(["/bounties?status=open", "/targets/kafka#issues", "/", "/login?redirectTo=%2Fsettings"])("keeps %s", (to) => {
    expect(safeRedirect(to)).toBe(to);
    expect(formatSafeRedirect(to, APP)).toBe(to);
  });

  it.each([
    ["/./bounties", "/bounties"],
    ["/targets/../bounties", "/bounties"],
    ["/targets/%2e%2e/bounties", "/bounties"],
    ["/search?q=a b", "/search?q=a%20b"],
    ["/ünïcode", "/%C3%BCn%C3%AFcode"],
  ])("sends %j as the path the URL parser resolves it to, %j", (to, resolved) => {
    expect(formatSafeRedirect(to, APP)).toBe(resolved);
  });

  // Each of these reached another site through the old check or is a classic bypass.
  it.each([
    // dot segments that resolve to //host
    "/.//evil.com",
    "/..//evil.com",
    "/%2e//evil.com",
    "/%2e%2e//evil.com",
    "/.%2e//evil.com",
    "/%2E%2E//evil.com",
    "/a/..//evil.com",
    // more slashes, backslashes, and their encodings
    "//evil.com",
    "////evil.com",
    "/\\evil.com",
    "/\\/evil.com",
    "\\\\evil.com",
    "/%5cevil.com",
    "/%5C%5Cevil.com",
    "/%2f/evil.com",
    "/%2F%2Fevil.com",
    // tabs, newlines and CR inside (browsers drop them), encoded ones, and leading whitespace
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r/evil.com",
    "/%09/evil.com",
    "/%0d%0a/evil.com",
    " //evil.com",
    "\t/evil.com",
    "\u00a0//evil.com",
    // Unicode lookalikes of the solidus
    "／／evil.com",
    "\u2215\u2215evil.com",
    "/\u2215evil.com/..//evil.com",
    // other schemes and absolute URLs
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "http:evil.com",
    "http:/evil.com",
    "http://evil.com",
    "https://evil.com/",
    "https://clubzero.example.org@evil.com/",
    "data:text/html,<script>alert(1)</script>",
    // not a path, or nothing at all
    "evil.com",
    "",
    null,
    undefined,
  ])("sends %j home", (to) => {
    expect(formatSafeRedirect(to, APP)).toBe("/");
    expect(safeRedirect(to)).toBe("/");
  });

  it.each(["/\u2215evil.com", "/／evil.com", "/.%2fevil.com", "/.%2f/evil.com/..//evil.com", "/@evil.com", "/evil.com:443"])(
    "%j stays a path on this site",
    (to) => expectStaysHome(formatSafeRedirect(to, APP)),
  );

  it("whatever is typed, the answer is a plain path on this site", () => {
    const pieces = [
      "/",
      "\\",
      ".",
      "..",
      "%2e",
      "%2f",
      "%5c",
      "%09",
      "\t",
      "\n",
      "\r",
      " ",
      "／",
      "\u2215",
      "evil.com",
      "@",
      ":",
      "?",
      "#",
      "http:",
      "javascript:",
      "%",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), (parts) => {
        expectStaysHome(formatSafeRedirect(parts.join(""), APP));
      }),
      { numRuns: 5000 },
    );
  });

  it("an encoded double slash is refused even when a stray % elsewhere would stop a strict decoder", () => {
    for (const to of ["/%2f/evil.com/100%", "/%5C%5Cevil.com%zz", "/%2F%2fevil.com?q=%"]) expect(formatSafeRedirect(to, APP), to).toBe("/");
  });

  it.each(["/targets//kafka", "/search/100%", "/docs/%2f-is-a-slash"])("a path with a double slash or a percent sign later on, %j, is kept", (to) => {
    expect(formatSafeRedirect(to, APP)).toBe(to);
  });

  it("uses APP_ORIGIN: a full URL is refused even when it names the app's own origin", () => {
    expect(safeRedirect(`${env.APP_ORIGIN}/bounties`)).toBe("/");
    expect(safeRedirect("/bounties", "/settings")).toBe("/bounties");
    expect(safeRedirect("/.//evil.com", "/settings")).toBe("/settings");
    // another host gives the fallback, not that host's path
    expect(formatSafeRedirect("//evil.com/bounties", APP, "/settings")).toBe("/settings");
  });
});
