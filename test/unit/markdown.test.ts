import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/app/lib/markdown.server";

describe("Markdown written by users", () => {
  it("links, written or bare, tell search engines not to follow them and send no referrer", () => {
    expect(renderMarkdown("[docs](https://spiffe.io/docs)")).toBe('<p><a href="https://spiffe.io/docs" rel="nofollow noreferrer">docs</a></p>\n');
    expect(renderMarkdown("see https://spiffe.io")).toBe('<p>see <a href="https://spiffe.io" rel="nofollow noreferrer">https://spiffe.io</a></p>\n');
  });

  it("raw HTML is shown as text and a javascript: link is not a link", () => {
    expect(renderMarkdown('<img src=x onerror="alert(1)">')).toBe("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>\n");
    expect(renderMarkdown("[click](javascript:alert(1))")).toBe("<p>[click](javascript:alert(1))</p>\n");
  });
});
