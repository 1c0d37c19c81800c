import { describe, expect, it } from "vitest";
import { matchLanguages, parseAcceptLanguage, parseLanguageTag } from "~/app/lib/languages";
import { renderTutorialMarkdown } from "~/app/lib/markdown.server";
import { diffText } from "~/app/lib/text-diff";
import { availableTutorialIntents, nextTutorialStatus, TUTORIAL_INTENTS, tutorialRefusal } from "~/app/lib/tutorial-lifecycle";
import { TUTORIAL_STATUSES } from "~/app/lib/vocabulary";

describe("the review of tutorials", () => {
  const expected: Record<string, Record<string, string | null>> = {
    submit: { draft: "in_review", in_review: null, published: null, unpublished: "in_review" },
    withdraw: { draft: null, in_review: "draft", published: null, unpublished: null },
    publish: { draft: null, in_review: "published", published: null, unpublished: null },
    send_back: { draft: null, in_review: "draft", published: null, unpublished: null },
    unpublish: { draft: null, in_review: null, published: "unpublished", unpublished: null },
  };
  for (const intent of TUTORIAL_INTENTS) {
    for (const status of TUTORIAL_STATUSES) {
      it(`${intent} from ${status} → ${expected[intent]![status] ?? "refused"}`, () => {
        const move = nextTutorialStatus(status, intent);
        if (expected[intent]![status]) expect(move).toEqual({ ok: true, next: expected[intent]![status] });
        else expect(move.ok).toBe(false);
      });
    }
  }

  it("an author cannot publish their own tutorial, even as an SSC member or admin", () => {
    expect(tutorialRefusal("publish", { isAuthor: true, isReviewer: true })).toMatch(/other than its authors/);
    expect(tutorialRefusal("publish", { isAuthor: false, isReviewer: true })).toBeNull();
  });

  it("only SSC members and admins publish, send back and unpublish; only authors submit", () => {
    for (const intent of ["publish", "send_back", "unpublish"] as const) expect(tutorialRefusal(intent, { isAuthor: false, isReviewer: false })).not.toBeNull();
    expect(tutorialRefusal("submit", { isAuthor: false, isReviewer: true })).not.toBeNull();
    expect(tutorialRefusal("submit", { isAuthor: true, isReviewer: false })).toBeNull();
  });

  it("offers a reviewer who wrote it no publish button", () => {
    expect(availableTutorialIntents("in_review", { isAuthor: true, isReviewer: true })).toEqual(["withdraw", "send_back"]);
    expect(availableTutorialIntents("in_review", { isAuthor: false, isReviewer: true })).toEqual(["publish", "send_back"]);
  });
});

describe("language tags (BCP 47)", () => {
  it.each([
    ["de", "de"],
    ["DE-ch", "de-CH"],
    ["pt-br", "pt-BR"],
    ["zh-hant-tw", "zh-Hant-TW"],
    [" fr ", "fr"],
  ])("%s is canonicalised to %s", (raw, tag) => {
    expect(parseLanguageTag(raw)).toEqual({ ok: true, tag });
  });

  it.each(["", "d", "english!", "de_DE", "x".repeat(40), "und", "de--ch", "<script>", "12"])("%s is refused with a sentence", (raw) => {
    const parsed = parseLanguageTag(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/language/);
  });

  it("reads Accept-Language best first, leaving out q=0, * and nonsense", () => {
    expect(parseAcceptLanguage("fr;q=0.5, de-CH, de;q=0.9, en;q=0, *;q=0.1, !!")).toEqual(["de-CH", "de", "fr"]);
    expect(parseAcceptLanguage(null)).toEqual([]);
  });

  it("matches the reader's languages to the translations: exact first, then the same language", () => {
    expect(matchLanguages(["de-CH", "fr"], ["de", "fr", "ja"])).toEqual(["de", "fr"]);
    expect(matchLanguages(["pt-BR"], ["pt-BR", "pt-PT"])).toEqual(["pt-BR"]);
    expect(matchLanguages(["es"], ["de"])).toEqual([]);
  });
});

describe("revision diffs", () => {
  it("shows added and removed lines with their numbers, and folds unchanged stretches", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].join("\n");
    const after = ["a", "b", "c", "d", "e", "f", "g", "h", "I changed", "j", "k"].join("\n");
    const { rows, added, removed } = diffText(before, after, 1);
    expect({ added, removed }).toEqual({ added: 2, removed: 1 });
    expect(rows[0]).toEqual({ kind: "skipped", count: 7 });
    expect(rows).toContainEqual({ kind: "removed", oldNumber: 9, newNumber: null, text: "i" });
    expect(rows).toContainEqual({ kind: "added", oldNumber: null, newNumber: 9, text: "I changed" });
    expect(rows).toContainEqual({ kind: "added", oldNumber: null, newNumber: 11, text: "k" });
  });

  it("has nothing to show for the same text", () => {
    expect(diffText("x\ny", "x\ny")).toEqual({ rows: [{ kind: "skipped", count: 2 }], added: 0, removed: 0 });
  });
});

describe("tutorial Markdown", () => {
  it("escapes raw HTML and script, and drops javascript: links", () => {
    const { html } = renderTutorialMarkdown(
      '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) [ok](https://spiffe.io) <a href="javascript:alert(2)">a</a>\n',
    );
    expect(html).not.toMatch(/<script|<img|<a href="javascript|href="javascript/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<a href="https://spiffe.io" rel="nofollow noreferrer">ok</a>');
  });

  it("highlights code on the server without letting the code out of its block", () => {
    const { html } = renderTutorialMarkdown("```yaml\nkey: </code><script>alert(1)</script>\n```\n\n```no-such-language\n<b>bold?</b>\n```\n");
    expect(html).toContain('<pre tabindex="0"><code class="language-yaml"><span class="hljs-attr">key:</span>');
    expect(html).not.toMatch(/<script|<b>/);
    expect(html).toContain("&lt;b&gt;bold?&lt;/b&gt;");
  });

  it("anchors headings and lists them as the table of contents, with unique plain ids", () => {
    const { html, toc } = renderTutorialMarkdown("# Title\n\n## Run SPIRE\n\n### Step `one`\n\n## Run SPIRE\n\n## __proto__ <b>\n");
    expect(toc).toEqual([
      { level: 2, id: "s-run-spire", text: "Run SPIRE" },
      { level: 3, id: "s-step-one", text: "Step one" },
      { level: 2, id: "s-run-spire-1", text: "Run SPIRE" },
      { level: 2, id: "s-proto-b", text: "proto <b>" },
    ]);
    expect(html).toContain('<h2 id="s-run-spire" tabindex="-1"><a class="header-anchor" href="#s-run-spire">');
    expect(html).not.toContain("<b>");
  });
});
