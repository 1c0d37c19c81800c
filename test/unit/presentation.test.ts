// The small rules every page relies on: security headers, dates, feeds, counts and waits.
// Server tests see them through pages; these pin each rule where it is written.
import { describe, expect, it } from "vitest";
import { formatAtomFeed } from "~/app/lib/atom";
import { formatCount } from "~/app/lib/catalog";
import { formatProfilePath } from "~/app/lib/claims";
import { formatDate, formatDateTime, formatRelative } from "~/app/lib/dates";
import { pageMeta, SITE_DESCRIPTION } from "~/app/lib/meta";
import { answerDomainErrors, badRequest, domainErrorResponse, formatRetryWait, notFound, tooManyRequests } from "~/app/lib/responses";
import { securityHeaders } from "~/app/lib/security-headers";
import { formatSlug } from "~/app/lib/slugs";
import { Conflict, DomainError } from "~/app/models/errors";

function cspDirectives(headers: Record<string, string>): Map<string, string[]> {
  const csp = headers["Content-Security-Policy"]!;
  return new Map(
    csp.split("; ").map((d) => {
      const [name, ...values] = d.split(" ");
      return [name!, values];
    }),
  );
}

describe("security headers", () => {
  it("allow only this origin's scripts and the response's nonce, and no inline script or framing", () => {
    const directives = cspDirectives(securityHeaders("abc123", false));
    expect(Object.fromEntries(directives)).toEqual({
      "default-src": ["'self'"],
      "script-src": ["'self'", "'nonce-abc123'"],
      "style-src": ["'self'"],
      "img-src": ["'self'", "data:"],
      "font-src": ["'self'"],
      "connect-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'none'"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
    });
  });

  it("let forms post only to this origin and the named sign-in targets", () => {
    const directives = cspDirectives(securityHeaders("n", false, ["https://github.com"]));
    expect(directives.get("form-action")).toEqual(["'self'", "https://github.com"]);
  });

  it("forbid sniffing, framing, referrers across origins and device APIs", () => {
    const headers = securityHeaders("n", false);
    expect(headers).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
  });

  it("pin HTTPS for a year in production only (a developer's http://localhost must keep working)", () => {
    expect(securityHeaders("n", true)["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
    expect(securityHeaders("n", false)).not.toHaveProperty("Strict-Transport-Security");
  });
});

describe("dates", () => {
  const now = Date.UTC(2026, 10, 30, 12, 0, 0);
  const minute = 60_000;
  const day = 86_400_000;

  it.each([
    [now, "just now"],
    [now - 59_999, "just now"],
    [now - minute, "1 minute ago"],
    [now + 5 * minute, "in 5 minutes"],
    [now - 90 * minute, "2 hours ago"],
    [now - day, "yesterday"],
    [now + 12 * day, "in 2 weeks"],
    [now - 6 * day, "6 days ago"],
    [now - 45 * day, "2 months ago"],
    [now + 45 * day, "in 2 months"],
    [now + 400 * day, "next year"],
  ])("say %s relative to now as %j", (at, expected) => {
    expect(formatRelative(at, now)).toBe(expected);
  });

  it("write days and minutes in UTC, whatever the server's zone", () => {
    const at = Date.UTC(2026, 10, 23, 14, 5, 59);
    expect(formatDate(at)).toBe("2026-11-23");
    expect(formatDateTime(at)).toBe("2026-11-23 14:05 UTC");
  });
});

describe("Atom feeds", () => {
  const entry = {
    id: "urn:x:1",
    title: "Kafka <SPIFFE> & \"mTLS\" 'now'",
    url: "https://club.example/b/1?a=1&b=2",
    updated: Date.UTC(2026, 0, 2),
    summary: "ok\u0001",
  };

  it("escape every XML special character and drop characters XML 1.0 forbids", () => {
    const xml = formatAtomFeed({ id: "urn:feed", title: "Feed", url: "https://club.example/", selfUrl: "https://club.example/feed", entries: [entry] });
    expect(xml).toContain("<title>Kafka &lt;SPIFFE&gt; &amp; &quot;mTLS&quot; &apos;now&apos;</title>");
    expect(xml).toContain('<link rel="alternate" href="https://club.example/b/1?a=1&amp;b=2"/>');
    expect(xml).toContain("<summary>ok</summary>");
  });

  it("are as new as their newest entry, one entry per line block", () => {
    const older = { ...entry, id: "urn:x:0", updated: Date.UTC(2025, 5, 1) };
    const xml = formatAtomFeed({ id: "urn:feed", title: "Feed", url: "u", selfUrl: "s", entries: [older, entry] });
    expect(xml).toMatch(/<author><name>Club Zero<\/name><\/author>\n {2}<updated>|<updated>2026-01-02T00:00:00.000Z<\/updated>\n {2}<author>/);
    expect(xml.split("\n").filter((l) => l === "  <entry>")).toHaveLength(2);
    expect(xml).toContain("</entry>\n  <entry>");
  });

  it("with no entries still say when (the epoch), so readers accept them", () => {
    const xml = formatAtomFeed({ id: "urn:feed", title: "Feed", url: "u", selfUrl: "s", entries: [] });
    expect(xml).toContain("<updated>1970-01-01T00:00:00.000Z</updated>");
  });
});

describe("counts, names and waits", () => {
  it("count in the singular only for one", () => {
    expect(formatCount(1, "open issue")).toBe("1 open issue");
    expect(formatCount(0, "open issue")).toBe("0 open issues");
    expect(formatCount(3, "person", "people")).toBe("3 people");
  });

  it("link a member's label to their page, and nothing else", () => {
    expect(formatProfilePath("@alice-2")).toBe("/u/alice-2");
    expect(formatProfilePath("@octocat (GitHub)")).toBeNull();
    expect(formatProfilePath("someone")).toBeNull();
    expect(formatProfilePath("x@alice")).toBeNull();
    expect(formatProfilePath("@2alice")).toBeNull();
    expect(formatProfilePath("@a!")).toBeNull();
    expect(formatProfilePath(`@${"a".repeat(32)}`)).toBe(`/u/${"a".repeat(32)}`);
    expect(formatProfilePath(`@${"a".repeat(33)}`)).toBeNull();
  });

  it("say how long to wait in whole minutes, at least one", () => {
    expect(formatRetryWait(1)).toBe("Wait 1 minute and try again.");
    expect(formatRetryWait(60)).toBe("Wait 1 minute and try again.");
    expect(formatRetryWait(61)).toBe("Wait 2 minutes and try again.");
    expect(formatRetryWait(600)).toBe("Wait 10 minutes and try again.");
  });

  it("answer 429 with Retry-After in whole seconds, at least one", async () => {
    const soon = tooManyRequests({ message: "slow down" }, 0.2);
    expect(soon.status).toBe(429);
    expect(soon.headers.get("Retry-After")).toBe("1");
    expect(await soon.json()).toEqual({ message: "slow down" });
    expect(tooManyRequests({}, 90.1).headers.get("Retry-After")).toBe("91");
  });

  it("describe a page with its own words or the site's", () => {
    expect(pageMeta("Fund · Club Zero")).toEqual([{ title: "Fund · Club Zero" }, { name: "description", content: SITE_DESCRIPTION }]);
    expect(pageMeta("Kafka", "Kafka and SPIFFE")).toEqual([{ title: "Kafka" }, { name: "description", content: "Kafka and SPIFFE" }]);
  });
});

describe("error answers", () => {
  it("a missing thing is a 404 and a bad request a 400, each with the sentence the error page shows", async () => {
    const missing = notFound("There is no bounty #9.");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "There is no bounty #9." });
    const bad = badRequest("from: not a revision.");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: "from: not a revision." });
  });

  it("a broken rule answers with its own status and sentence, the page's data beside it, and Retry-After only when it says when", async () => {
    const plain = domainErrorResponse({ message: "Already claimed.", status: 409 }, { fieldErrors: { note: "x" } });
    expect(plain.status).toBe(409);
    expect(plain.headers.get("Retry-After")).toBeNull();
    expect(await plain.json()).toEqual({ fieldErrors: { note: "x" }, message: "Already claimed." });
    const later = domainErrorResponse({ message: "Too many claims.", status: 429, retryAfterSeconds: 120 });
    expect(later.status).toBe(429);
    expect(later.headers.get("Retry-After")).toBe("120");
    expect(await later.json()).toEqual({ message: "Too many claims." });
  });

  it("an action's DomainError becomes its answer; its result passes through; any other error goes on to the error page", async () => {
    expect(await answerDomainErrors(() => "done")).toBe("done");
    const refused = (await answerDomainErrors(
      () => {
        throw new Conflict("That bounty is already claimed.");
      },
      (error: DomainError) => ({ status: error.status }),
    )) as Response;
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ status: 409, message: "That bounty is already claimed." });
    const bare = (await answerDomainErrors(async () => {
      throw new DomainError("No.", 403);
    })) as Response;
    expect(bare.status).toBe(403);
    expect(await bare.json()).toEqual({ message: "No." });
    await expect(
      answerDomainErrors(() => {
        throw new TypeError("boom");
      }),
    ).rejects.toThrow("boom");
  });
});

describe("slugs", () => {
  it("keep lowercase ASCII letters, digits and single hyphens, with none at either end", () => {
    expect(formatSlug("Envoy with SPIRE's SDS")).toBe("envoy-with-spires-sds");
    expect(formatSlug("  Café  --  au lait! ")).toBe("cafe-au-lait");
    expect(formatSlug("ab cd", 3)).toBe("ab");
    expect(formatSlug("!!!")).toBe("");
  });
});
