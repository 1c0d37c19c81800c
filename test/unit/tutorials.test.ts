import { describe, expect, it } from "vitest";
import { LANGUAGE_TAG_MAX, languageName, matchLanguages, parseAcceptLanguage, parseLanguageTag } from "~/app/lib/languages";
import { htmlToText, renderMarkdown, renderTutorialMarkdown } from "~/app/lib/markdown.server";
import { diffText } from "~/app/lib/text-diff";
import { availableTutorialIntents, isPublic, nextTutorialStatus, TUTORIAL_INTENTS, tutorialRefusal } from "~/app/lib/tutorial-lifecycle";
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

  it("says in a sentence why a move or a person is refused", () => {
    expect(nextTutorialStatus("draft", "publish")).toEqual({ ok: false, reason: "You can't publish a tutorial that is a draft." });
    expect(nextTutorialStatus("published", "withdraw")).toEqual({ ok: false, reason: "You can't withdraw from review a tutorial that is published." });
    const reader = { isAuthor: false, isReviewer: false };
    expect(tutorialRefusal("withdraw", reader)).toBe("Only its authors can send it for review or withdraw it.");
    expect(tutorialRefusal("publish", reader)).toBe("Only SSC members and admins publish tutorials.");
    expect(tutorialRefusal("publish", { isAuthor: true, isReviewer: true })).toBe("Someone other than its authors must review and publish it.");
    expect(tutorialRefusal("send_back", reader)).toBe("Only SSC members and admins can send back or unpublish a tutorial.");
    expect(tutorialRefusal("unpublish", reader)).toBe("Only SSC members and admins can send back or unpublish a tutorial.");
    expect(tutorialRefusal("send_back", { isAuthor: false, isReviewer: true })).toBeNull();
    expect(tutorialRefusal("withdraw", { isAuthor: true, isReviewer: false })).toBeNull();
  });

  it("only a published tutorial is public", () => {
    expect(TUTORIAL_STATUSES.filter(isPublic)).toEqual(["published"]);
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

  it("leaves out an entry whose weight is malformed, rather than reading it as the best", () => {
    expect(parseAcceptLanguage("fr;q=0.5x, de;q=0.8")).toEqual(["de"]);
    expect(parseAcceptLanguage("fr;q=2, ja;q=1.5, es;q=, de;q=0.8")).toEqual(["de"]);
    expect(parseAcceptLanguage("fr;Q=0.9, de;q=0.8, en;level=1")).toEqual(["en", "fr", "de"]);
  });

  it("matches the reader's languages to the translations: exact first, then the same language", () => {
    expect(matchLanguages(["de-CH", "fr"], ["de", "fr", "ja"])).toEqual(["de", "fr"]);
    expect(matchLanguages(["pt-BR"], ["pt-BR", "pt-PT"])).toEqual(["pt-BR"]);
    expect(matchLanguages(["es"], ["de"])).toEqual([]);
  });

  it("says which sentence fits: an empty field asks to fill it in, a wrong tag is quoted (cut to the longest tag)", () => {
    expect(parseLanguageTag("  ")).toEqual({ ok: false, message: "Fill in the language (a BCP 47 tag such as de, pt-BR or zh-Hant)." });
    expect(parseLanguageTag("x".repeat(50))).toEqual({
      ok: false,
      message: `"${"x".repeat(LANGUAGE_TAG_MAX)}" is not a language tag: use a BCP 47 tag such as de, pt-BR or zh-Hant.`,
    });
  });

  it("takes a tag of exactly 35 characters and refuses one of 36", () => {
    const longest = "en-US-x-aaaaaaaa-bbbbbbbb-cccc-dddd";
    expect(longest).toHaveLength(LANGUAGE_TAG_MAX);
    expect(parseLanguageTag(longest)).toEqual({ ok: true, tag: longest.toLowerCase().replace("en-us", "en-US") });
    expect(parseLanguageTag(`${longest}e`).ok).toBe(false);
  });

  it("names a language in English, and falls back to the tag itself", () => {
    expect(languageName("de-CH")).toBe("Swiss High German");
    expect(languageName("pt-BR")).toBe("Brazilian Portuguese");
    expect(languageName("not a tag")).toBe("not a tag");
  });

  it("reads q with spaces and up to three decimals, skips other parameters, and keeps the header's order between equals", () => {
    expect(parseAcceptLanguage("fr; q = 0.5 , de")).toEqual(["de", "fr"]);
    expect(parseAcceptLanguage("fr;q=0.25, de;q=0.3")).toEqual(["de", "fr"]);
    expect(parseAcceptLanguage("fr;level=1;q=0.5, de;q=0.8")).toEqual(["de", "fr"]);
    expect(parseAcceptLanguage("it, fr, de")).toEqual(["it", "fr", "de"]);
  });

  it("reads at most 10 languages", () => {
    expect(parseAcceptLanguage("de, fr, it, es, pt, nl, sv, da, fi, pl, ja")).toEqual(["de", "fr", "it", "es", "pt", "nl", "sv", "da", "fi", "pl"]);
  });

  it("reads only the first 1000 characters of the header", () => {
    expect(parseAcceptLanguage(`${"x".repeat(1000)},de`)).toEqual([]);
    expect(parseAcceptLanguage(`${"x".repeat(990)},de`)).toEqual(["de"]);
  });

  it("matches by the whole primary language and lists each translation once", () => {
    expect(matchLanguages(["da"], ["de-CH"])).toEqual([]);
    expect(matchLanguages(["de-AT", "de-CH"], ["de-CH"])).toEqual(["de-CH"]);
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

  it("numbers every line of a change of several lines, and folds nothing next to a change", () => {
    expect(diffText("a\nb\nc", "c\nd\ne")).toEqual({
      rows: [
        { kind: "removed", oldNumber: 1, newNumber: null, text: "a" },
        { kind: "removed", oldNumber: 2, newNumber: null, text: "b" },
        { kind: "same", oldNumber: 3, newNumber: 1, text: "c" },
        { kind: "added", oldNumber: null, newNumber: 2, text: "d" },
        { kind: "added", oldNumber: null, newNumber: 3, text: "e" },
      ],
      added: 2,
      removed: 2,
    });
  });

  it("a first revision is all added lines, numbered from 1", () => {
    expect(diffText("", "a\nb")).toEqual({
      rows: [
        { kind: "added", oldNumber: null, newNumber: 1, text: "a" },
        { kind: "added", oldNumber: null, newNumber: 2, text: "b" },
      ],
      added: 2,
      removed: 0,
    });
  });

  it("a last line without its newline is the same line as with it", () => {
    expect(diffText("a\nb", "a\nb\n")).toEqual({ rows: [{ kind: "skipped", count: 2 }], added: 0, removed: 0 });
    expect(diffText("a\nb\n", "a\nb")).toEqual({ rows: [{ kind: "skipped", count: 2 }], added: 0, removed: 0 });
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

describe("tutorial headings and plain text", () => {
  it("lists headings of level 2 and 3 only, names a heading without letters 'section', and reads only its text", () => {
    const { toc } = renderTutorialMarkdown("## !!!\n\n#### Deep detail\n\n## Run ![logo](https://spiffe.io/logo.png) SPIRE\n");
    expect(toc).toEqual([
      { level: 2, id: "s-section", text: "!!!" },
      { level: 2, id: "s-run-spire", text: "Run  SPIRE" },
    ]);
  });

  it("turns rendered HTML into one line of text, entities decoded", () => {
    expect(htmlToText(renderMarkdown("**Envoy** &amp; <SPIRE>\n\nsays \"hi\" & 'bye'\n"))).toBe("Envoy & <SPIRE> says \"hi\" & 'bye'");
  });
});
