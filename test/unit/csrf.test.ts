import { describe, expect, it } from "vitest";
import { checkSameOrigin } from "~/app/auth/csrf.server";

const APP = "https://clubzero.example.org";
const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
const check = (h: Record<string, string>, method = "POST", path = "/login") => checkSameOrigin(method, path, headers(h), APP);

describe("cross-site request check", () => {
  it.each([
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
    ["Sec-Fetch-Site: none", { "sec-fetch-site": "none" }],
    ["Origin: https://evil.example", { origin: "https://evil.example" }],
    ["Origin: null", { origin: "null" }],
    ["neither header", {}],
    ["same-origin Origin but cross-site fetch metadata", { "sec-fetch-site": "cross-site", origin: APP }],
  ])("refuses a POST with %s", (_name, h) => {
    expect(check(h)).toMatch(/refused/);
  });

  it.each([
    ["Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
    ["our Origin and no fetch metadata", { origin: APP }],
  ])("allows a POST with %s", (_name, h) => {
    expect(check(h)).toBeNull();
  });

  // links from mails lead to same-origin forms: their POSTs get no exemption, token or not
  it.each(["/forgot-password", "/reset-password", "/verify-email"])("refuses a cross-site POST to %s and allows our own", (path) => {
    expect(checkSameOrigin("POST", path, headers({ "sec-fetch-site": "cross-site" }), APP, () => true)).toMatch(/refused/);
    expect(checkSameOrigin("POST", `${path}?token=x`, headers({}), APP, () => true)).toMatch(/refused/);
    expect(checkSameOrigin("POST", path, headers({ "sec-fetch-site": "same-origin" }), APP)).toBeNull();
  });

  it("lets a one-click unsubscribe through only on /unsubscribe and only with a valid token", () => {
    const crossSite = headers({ "sec-fetch-site": "cross-site" });
    expect(checkSameOrigin("POST", "/unsubscribe", crossSite, APP, () => true)).toBeNull();
    expect(checkSameOrigin("POST", "/unsubscribe", headers({}), APP, () => true)).toBeNull();
    expect(checkSameOrigin("POST", "/unsubscribe", crossSite, APP, () => false)).toMatch(/refused/);
    expect(checkSameOrigin("POST", "/unsubscribe", headers({}), APP)).toMatch(/refused/);
    expect(checkSameOrigin("POST", "/settings", crossSite, APP, () => true)).toMatch(/refused/);
    expect(checkSameOrigin("POST", "/unsubscribe/x", crossSite, APP, () => true)).toMatch(/refused/);
  });

  it("tells the person why a POST with neither header was refused, and whose origin was refused otherwise", () => {
    expect(check({})).toBe("Request refused: it carried neither Sec-Fetch-Site nor Origin, so we cannot tell where it came from.");
    expect(check({ origin: "https://evil.example" })).toBe("Cross-site request refused: requests from https://evil.example may not change anything here.");
    expect(check({ "sec-fetch-site": "same-site" })).toBe(`Cross-site request refused: this form must be sent from ${APP} itself.`);
  });

  it("never blocks reads", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(check({ origin: "https://evil.example" }, method)).toBeNull();
  });

  it("leaves the GitHub webhook to its signature check", () => {
    expect(check({}, "POST", "/webhooks/github")).toBeNull();
  });
});
