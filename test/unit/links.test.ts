import { describe, expect, it } from "vitest";
import { githubIssueUrl, githubReleaseUrl, safeGitHubUrl, safeWebUrl } from "~/app/lib/links";

describe("links from GitHub", () => {
  it.each(["https://github.com/spiffe/spire/issues/12", "https://github.com/spiffe/spire/pull/3", "https://github.com/spiffe/spire/releases/tag/v1.9.0"])(
    "%s stays a link",
    (url) => expect(safeGitHubUrl(url)).toBe(url),
  );

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://github.com/spiffe/spire/issues/12",
    "https://github.com.evil.example/spiffe/spire",
    "https://evil.example/https://github.com/",
    "https://user:pass@github.com/spiffe/spire",
    "https://api.github.com/repos/spiffe/spire/issues/12",
    "//github.com/spiffe/spire",
    "/spiffe/spire/issues/12",
    "",
    null,
    undefined,
  ])("%j is no link", (url) => expect(safeGitHubUrl(url)).toBeNull());

  it("a person's link may be any http(s) page, and nothing else", () => {
    expect(safeWebUrl("https://docs.example.org/spiffe")).toBe("https://docs.example.org/spiffe");
    expect(safeWebUrl("http://example.org/x")).toBe("http://example.org/x");
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "mailto:a@b.org", "not a url"]) expect(safeWebUrl(bad), bad).toBeNull();
  });

  it("builds an issue's, a pull request's and a release's own address on GitHub", () => {
    expect(githubIssueUrl("spiffe/spire", 12)).toBe("https://github.com/spiffe/spire/issues/12");
    expect(githubIssueUrl("spiffe/spire", 3, "pull")).toBe("https://github.com/spiffe/spire/pull/3");
    expect(githubReleaseUrl("spiffe/spire", "v1.0.0")).toBe("https://github.com/spiffe/spire/releases/tag/v1.0.0");
    expect(safeGitHubUrl(githubIssueUrl('a/b?x="y', 1))).not.toBeNull();
  });

  it("no address is a link when it is missing, has a user name or password, or whitespace around it", () => {
    for (const check of [safeGitHubUrl, safeWebUrl]) {
      expect(check(null)).toBeNull();
      expect(check(undefined)).toBeNull();
      expect(check("https://someone@github.com/spiffe/spire")).toBeNull();
      expect(check("https://:secret@github.com/spiffe/spire")).toBeNull();
      expect(check(" https://github.com/spiffe/spire")).toBeNull();
      expect(check("https://github.com/spiffe/spire\n")).toBeNull();
    }
  });
});
