// Reading GitHub text: comment commands and issue references. Pure functions.

export type Command = { kind: "claim" } | { kind: "release" } | { kind: "progress"; note: string } | { kind: "submit"; url: string };

/** Columns of leading indentation, a tab reaching the next multiple of four (CommonMark). */
function indentOf(line: string): number {
  let cols = 0;
  for (const ch of line) {
    if (ch === " ") cols += 1;
    else if (ch === "\t") cols += 4 - (cols % 4);
    else break;
  }
  return cols;
}

/**
 * Inline code (`` `...` ``, a run of n backticks closed by the next run of exactly n) and
 * HTML comments (`<!-- ... -->`) in one paragraph, blanked out: GitHub renders them as
 * code or not at all, so nothing inside them is a command.
 */
function blankInline(paragraph: string): string {
  let out = "";
  let i = 0;
  while (i < paragraph.length) {
    if (paragraph.startsWith("<!--", i)) {
      const close = paragraph.indexOf("-->", i + 4);
      if (close !== -1) {
        out += "\u0000";
        i = close + 3;
        continue;
      }
    }
    if (paragraph[i] === "`") {
      let n = 0;
      while (paragraph[i + n] === "`") n += 1;
      const closer = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
      closer.lastIndex = i + n;
      const m = closer.exec(paragraph);
      if (m) {
        out += "\u0000";
        i = m.index + n;
        continue;
      }
      out += paragraph.slice(i, i + n);
      i += n;
      continue;
    }
    out += paragraph[i];
    i += 1;
  }
  return out;
}

/**
 * The lines of a comment GitHub renders as prose, read as CommonMark does: fenced code
 * blocks (``` or ~~~, closed by a fence of the same character at least as long), indented
 * code blocks (4 columns after a blank line), HTML comment blocks, and inline code or
 * comments within a paragraph are dropped. Paragraphs come back separated by blank lines.
 */
function proseLines(body: string): string[] {
  const out: string[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length) out.push(...blankInline(paragraph.join("\n")).split("\n"));
    paragraph = [];
    out.push("");
  };
  let fence: { char: string; length: number } | null = null;
  let comment = false;
  let indentedCode = false;
  let afterBlank = true;
  for (const line of body.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/)) {
    const blank = line.trim() === "";
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (comment) {
      if (line.includes("-->")) comment = false;
      afterBlank = true;
      continue;
    }
    if (indentedCode) {
      if (blank || indentOf(line) >= 4) continue;
      indentedCode = false;
    }
    if (blank) {
      endParagraph();
      afterBlank = true;
      continue;
    }
    if (indentOf(line) >= 4 && afterBlank) {
      indentedCode = true;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open && !(open[1]![0] === "`" && open[2]!.includes("`"))) {
      endParagraph();
      fence = { char: open[1]![0]!, length: open[1]!.length };
      afterBlank = true;
      continue;
    }
    if (/^ {0,3}<!--/.test(line)) {
      endParagraph();
      if (!line.includes("-->", line.indexOf("<!--") + 4)) comment = true;
      afterBlank = true;
      continue;
    }
    paragraph.push(line);
    afterBlank = false;
  }
  endParagraph();
  return out;
}

/**
 * Commands on their own line: `/claim`, `/release`, `/progress <note>`, `/submit <url>`.
 * Markdown code is not a command: lines in fenced or indented code blocks, inline code and
 * HTML comments are skipped, as are quotes (someone quoting `/claim` is not claiming).
 * Returns them in order.
 */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  for (const raw of proseLines(body)) {
    const line = raw.trim();
    if (line.startsWith(">")) continue;
    const m = /^\/(claim|release|progress|submit)(?:\s+(.*))?$/i.exec(line);
    if (!m) continue;
    const verb = m[1]!.toLowerCase();
    const rest = (m[2] ?? "").trim();
    if (verb === "claim" && !rest) commands.push({ kind: "claim" });
    else if (verb === "release" && !rest) commands.push({ kind: "release" });
    else if (verb === "progress" && rest) commands.push({ kind: "progress", note: rest });
    else if (verb === "submit" && /^https?:\/\/\S+$/.test(rest)) commands.push({ kind: "submit", url: rest });
  }
  return commands;
}

/**
 * The commands an edit added: those in the new body beyond the ones the old body already
 * held (counted, so a second `/progress` with the same note is new, and an edit that only
 * fixes a typo elsewhere adds none).
 */
export function addedCommands(before: string, after: string): Command[] {
  const had = new Map<string, number>();
  for (const c of parseCommands(before)) had.set(JSON.stringify(c), (had.get(JSON.stringify(c)) ?? 0) + 1);
  return parseCommands(after).filter((c) => {
    const key = JSON.stringify(c);
    const left = had.get(key) ?? 0;
    if (left === 0) return true;
    had.set(key, left - 1);
    return false;
  });
}

export interface IssueRef {
  repo: string;
  number: number;
  /** Named with a closing keyword (`Fixes #12`), which GitHub honours only in a PR into the default branch. */
  closes: boolean;
}

const KEYWORDS = "close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved";
const ISSUE_URL = String.raw`https://github\.com/([A-Za-z0-9-]+/[A-Za-z0-9._-]+)/issues/(\d+)\b`;

/**
 * Issues a pull request's text names: with a closing keyword (`Fixes #12`, `closes
 * owner/repo#12`, `Resolves https://github.com/owner/repo/issues/12`), or as a bare link to
 * an issue (only related). `#12` means the PR's repo. A keyword wins over a bare link to the
 * same issue.
 */
export function parseIssueRefs(text: string, defaultRepo: string): IssueRef[] {
  const found = new Map<string, IssueRef>();
  const add = (repo: string, number: string, closes: boolean) => {
    const n = Number(number);
    if (!Number.isSafeInteger(n) || n < 1) return;
    const key = `${repo.toLowerCase()}#${n}`;
    if (!found.get(key)?.closes) found.set(key, { repo, number: n, closes });
  };
  const keyword = new RegExp(String.raw`\b(?:${KEYWORDS}):?\s+(?:(?:([A-Za-z0-9-]+/[A-Za-z0-9._-]+))?#(\d+)\b|${ISSUE_URL})`, "gi");
  for (const m of text.matchAll(keyword)) {
    if (m[2]) add(m[1] ?? defaultRepo, m[2], true);
    else add(m[3]!, m[4]!, true);
  }
  for (const m of text.matchAll(new RegExp(ISSUE_URL, "g"))) add(m[1]!, m[2]!, false);
  return [...found.values()];
}

/** GitHub App and bot accounts never drive bounties. */
export function isBot(user: { login: string; type?: string | null }): boolean {
  return user.type === "Bot" || /\[bot\]$/i.test(user.login);
}
