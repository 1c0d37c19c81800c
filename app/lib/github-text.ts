// Reading GitHub text: comment commands and issue references. Pure functions.

export type Command = { kind: "claim" } | { kind: "release" } | { kind: "progress"; note: string } | { kind: "submit"; url: string };

/**
 * Commands on their own line: `/claim`, `/release`, `/progress <note>`, `/submit <url>`.
 * Lines inside code blocks or quotes are not commands (someone quoting `/claim` is not
 * claiming). Returns them in order.
 */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || line.startsWith(">")) continue;
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

export interface IssueRef {
  repo: string;
  number: number;
}

const KEYWORDS = "close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved";

/**
 * Issues a pull request says it resolves: `Fixes #12`, `closes owner/repo#12`, or any
 * link to an issue (`https://github.com/owner/repo/issues/12`). `#12` means the PR's repo.
 */
export function parseIssueRefs(text: string, defaultRepo: string): IssueRef[] {
  const found = new Map<string, IssueRef>();
  const add = (repo: string, number: string) => {
    const n = Number(number);
    if (!Number.isSafeInteger(n) || n < 1) return;
    found.set(`${repo.toLowerCase()}#${n}`, { repo, number: n });
  };
  const keyword = new RegExp(`\\b(?:${KEYWORDS}):?\\s+(?:([A-Za-z0-9-]+/[A-Za-z0-9._-]+))?#(\\d+)\\b`, "gi");
  for (const m of text.matchAll(keyword)) add(m[1] ?? defaultRepo, m[2]!);
  const url = /https:\/\/github\.com\/([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)\/issues\/(\d+)\b/g;
  for (const m of text.matchAll(url)) add(m[1]!, m[2]!);
  return [...found.values()];
}

/** GitHub App and bot accounts never drive bounties. */
export function isBot(user: { login: string; type?: string | null }): boolean {
  return user.type === "Bot" || /\[bot\]$/i.test(user.login);
}
