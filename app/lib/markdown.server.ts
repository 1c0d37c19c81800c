import MarkdownIt from "markdown-it";

// html: false escapes any raw HTML in the source, and markdown-it's validateLink refuses
// javascript:, vbscript:, file: and non-image data: URLs, so user text cannot inject script.
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet("rel", "nofollow noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Markdown written by users, as HTML that is safe to insert. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
