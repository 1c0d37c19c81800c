// The comments Club Zero posts on GitHub in answer to a comment command. Pure functions.
import { formatDate } from "./dates";
import type { Command } from "./github-text";

/** What became of one command, as the reply tells it. */
export type CommandOutcome =
  | { kind: "claimed"; login: string; until: number }
  | { kind: "progress"; login: string; until: number }
  | { kind: "submitted"; login: string }
  | { kind: "released"; login: string }
  | { kind: "refused"; command: Command["kind"]; reason: string }
  | { kind: "not_a_bounty"; command: Command["kind"] }
  | { kind: "claim_comment_deleted"; login: string };

/** The hidden line that marks a reply as Club Zero's own, once per key: the sender looks for it before posting again. */
export function replyMarker(key: string): string {
  return `<!-- club-zero:reply:${key} -->`;
}

/** A comment that carries a reply marker is Club Zero's own reply, never a command. */
export function isClubZeroReply(body: string): boolean {
  return /<!-- club-zero:reply:[^\s>]+ -->/.test(body);
}

function sentence(outcome: CommandOutcome): string {
  switch (outcome.kind) {
    case "claimed":
      return `Claimed by @${outcome.login} until ${formatDate(outcome.until)}. Post \`/progress <note>\` now and then to keep it, or \`/release\` to give it up.`;
    case "progress":
      return `Progress noted: the claim by @${outcome.login} now runs until ${formatDate(outcome.until)}.`;
    case "submitted":
      return `Submitted for review by @${outcome.login}: an SSC member or admin will confirm it.`;
    case "released":
      return `@${outcome.login} released the claim; the bounty is open again.`;
    case "refused":
      return `\`/${outcome.command}\` was not taken: ${outcome.reason}`;
    case "not_a_bounty":
      return `\`/${outcome.command}\` did nothing: this issue is not a Club Zero bounty. If it becomes one (a maintainer adds the \`club-zero\` label), comment again.`;
    case "claim_comment_deleted":
      return `The comment that claimed this for @${outcome.login} was deleted, so the claim is released and the bounty is open again.`;
  }
}

/**
 * The reply's Markdown: a paragraph per command, the bounty's address after the last, and
 * the hidden marker. No line starts with a command, so the reply can never be read as one.
 */
export function formatReply(outcomes: CommandOutcome[], bountyUrl: string | null, key: string): string {
  const text = outcomes.map(sentence).join("\n\n");
  return `${text}${bountyUrl ? ` — ${bountyUrl}` : ""}\n\n${replyMarker(key)}`;
}

export interface ReplyTarget {
  repo: string;
  number: number;
}

/** Where a reply goes: `owner/repo#12` (the outbox row's recipient). */
export function formatReplyRecipient(to: ReplyTarget): string {
  return `${to.repo}#${to.number}`;
}

/** `owner/repo#12` back into its parts, or null. */
export function parseReplyRecipient(recipient: string): ReplyTarget | null {
  const m = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)#(\d+)$/.exec(recipient);
  return m ? { repo: m[1]!, number: Number(m[2]) } : null;
}
