import hljs from "highlight.js/lib/common";
import MarkdownIt, { type Options } from "markdown-it";
import anchor from "markdown-it-anchor";
import { formatSlug } from "./slugs";

// html: false escapes any raw HTML in the source, and markdown-it's validateLink refuses
// javascript:, vbscript:, file: and non-image data: URLs, so user text cannot inject script.
//
// maxNesting 20 (markdown-it's CommonMark preset; the default is 100): openers nobody closes
// ("[" or "![" ten thousand times) are retried at every nesting level. Measured on 10,000
// characters: "[" 10.0 -> 3.5 ms, "![" 19.6 -> 5.1 ms, and linear in the length (20,000:
// 7 / 10 ms). Deeper lists or quotes than 20 levels come out as text. Rendering happens
// once per write (see app/models/bounties.server.ts), never per page view.
// (maxNesting is a real option, set by markdown-it's own presets, that @types/markdown-it leaves out.)
const options: Options & { maxNesting: number } = { html: false, linkify: true, breaks: false, maxNesting: 20 };
const md = new MarkdownIt(options);

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet("rel", "nofollow noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Markdown written by users, as HTML that is safe to insert. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}

// Tutorials: the same safety (raw HTML off, links checked, nesting capped, rel on links), plus
// code blocks highlighted on the server with highlight.js (its output escapes the code; only
// its own <span class="hljs-…"> are added) and headings with anchors (markdown-it-anchor) from
// which the table of contents is read. Rendered once per saved revision, never per view.
const tutorialMd = new MarkdownIt({
  ...options,
  highlight: (code, lang) => {
    const language = lang.trim().toLowerCase();
    // An unknown language: markdown-it escapes the code itself.
    if (!language || !hljs.getLanguage(language)) return "";
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  },
});
tutorialMd.renderer.rules.link_open = (tokens, idx, opts, env, self) => {
  // headings' own anchors stay on the page; every other link leaves it
  if (!tokens[idx]!.attrGet("href")?.startsWith("#")) tokens[idx]!.attrSet("rel", "nofollow noreferrer");
  return self.renderToken(tokens, idx, opts);
};
// A long line scrolls its code block sideways: the block takes keyboard focus so it can be
// scrolled without a mouse (WCAG 2.1.1; axe's scrollable-region-focusable).
for (const rule of ["fence", "code_block"] as const) {
  const render = tutorialMd.renderer.rules[rule]!;
  tutorialMd.renderer.rules[rule] = (tokens, idx, opts, env, self) => render(tokens, idx, opts, env, self).replace(/^<pre>/, '<pre tabindex="0">');
}
tutorialMd.use(anchor, {
  level: [2, 3, 4],
  slugify: slugifyHeading,
  permalink: anchor.permalink.headerLink({ safariReaderFix: true }),
});

/** Headings' anchors: lowercase ASCII letters, digits and hyphens only (never an id that shadows a DOM property). */
export function slugifyHeading(text: string): string {
  return `s-${formatSlug(text) || "section"}`;
}

export interface TocEntry {
  level: number;
  id: string;
  text: string;
}

/** A tutorial's Markdown as safe HTML, with its table of contents (headings of level 2 and 3). */
export function renderTutorialMarkdown(source: string): { html: string; toc: TocEntry[] } {
  const env = {};
  const tokens = tutorialMd.parse(source, env);
  const toc: TocEntry[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== "heading_open") return;
    const level = Number(token.tag.slice(1));
    const id = token.attrGet("id");
    const inline = tokens[i + 1];
    if (level > 3 || !id || !inline) return;
    const text = (inline.children ?? [])
      .filter((c) => c.type === "text" || c.type === "code_inline")
      .map((c) => c.content)
      .join("");
    toc.push({ level, id, text });
  });
  return { html: tutorialMd.renderer.render(tokens, tutorialMd.options, env), toc };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };

/** HTML this module rendered, as one line of plain text (tags dropped, its entities decoded, spaces collapsed). */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, name: string) => ENTITIES[name]!)
    .replace(/\s+/g, " ")
    .trim();
}
