// A flash message survives exactly one redirect and only if this process signed it.
import { describe, expect, it } from "vitest";
import { clearFlashCookie, flashCookie, readFlash, redirectWithMessage } from "~/app/lib/flash.server";

const cookieValue = (setCookie: string) => setCookie.split(";")[0]!;
const requestWith = (cookie: string) => new Request("http://club.test/", { headers: { cookie } });

describe("flash messages", () => {
  it("come back as written, among other cookies however they are spaced", () => {
    const set = flashCookie({ tone: "error", message: "Amount must be at least 1 cent." });
    expect(readFlash(requestWith(`session=abc;${cookieValue(set)}; theme=dark`))).toEqual({ tone: "error", message: "Amount must be at least 1 cent." });
    expect(readFlash(requestWith(`session=abc; ${cookieValue(set)}`))).toEqual({ tone: "error", message: "Amount must be at least 1 cent." });
  });

  it("live one minute, out of reach of scripts, and sent on top-level navigations", () => {
    const set = flashCookie({ tone: "ok", message: "Saved." });
    expect(set).toMatch(/; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(clearFlashCookie()).toBe("flash=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  });

  it("are refused when forged, tampered with, cut short or missing", () => {
    const [payload, mac] = cookieValue(flashCookie({ tone: "ok", message: "Saved." }))
      .slice("flash=".length)
      .split(".");
    const forged = Buffer.from(JSON.stringify({ tone: "ok", message: "Your account is locked: mail evil@example" })).toString("base64url");
    expect(readFlash(requestWith(`flash=${forged}.${mac}`))).toBeNull();
    expect(readFlash(requestWith(`flash=${payload}.${mac!.slice(0, -1)}`))).toBeNull();
    expect(readFlash(requestWith(`flash=${payload}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`))).toBeNull();
    expect(readFlash(requestWith(`flash=${payload}`))).toBeNull();
    expect(readFlash(requestWith(`flash=.${mac}`))).toBeNull();
    expect(readFlash(requestWith("flash="))).toBeNull();
    expect(readFlash(requestWith(`myflash=${payload}.${mac}`))).toBeNull();
    expect(readFlash(new Request("http://club.test/"))).toBeNull();
  });

  it("are refused when signed but not a message (only 'ok' or 'error' with text)", () => {
    const signed = (value: unknown) => requestWith(cookieValue(flashCookie(value as never)));
    expect(readFlash(signed({ tone: "warning", message: "x" }))).toBeNull();
    expect(readFlash(signed({ tone: "ok", message: 42 }))).toBeNull();
    expect(readFlash(signed({ tone: "error" }))).toBeNull();
    expect(readFlash(signed(null))).toBeNull();
    expect(readFlash(signed("ok"))).toBeNull();
    expect(readFlash(signed({ tone: "ok", message: "" }))).toEqual({ tone: "ok", message: "" });
  });

  it("ride on a redirect that keeps its other headers", () => {
    const res = redirectWithMessage("/bounties/7", "Claimed.", { headers: { "Set-Cookie": "other=1" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/bounties/7");
    const cookies = res.headers.getSetCookie();
    expect(cookies[0]).toBe("other=1");
    expect(readFlash(requestWith(cookieValue(cookies[1]!)))).toEqual({ tone: "ok", message: "Claimed." });
  });
});
