import { describe, expect, it } from "vitest";
import { safeRedirect } from "../../app/auth/session.server";

describe("redirects after sign-in stay on this site", () => {
  it.each(["/bounties?status=open", "/targets/kafka#issues", "/"])("keeps %s", (to) => expect(safeRedirect(to)).toBe(to));
  it.each([
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil",
    null,
  ])("sends %j home", (to) => expect(safeRedirect(to)).toBe("/"));
});
