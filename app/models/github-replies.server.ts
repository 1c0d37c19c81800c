// Replies on GitHub to comment commands: queued in the outbox (channel github_comment) in
// the delivery's transaction, posted later by the github-replies job (app/github/replies.server.ts).
import { env } from "../env.server";
import { githubConfigured } from "../github/auth.server";
import { formatReply, formatReplyRecipient, type CommandOutcome, type ReplyTarget } from "../lib/github-replies";
import { enqueueMessage } from "./outbox.server";
import type { Db, Tx } from "../db.server";

/** Replies are on when a GitHub App or token is configured and GITHUB_REPLIES is not `off`. */
export function githubRepliesOn(): boolean {
  return env.GITHUB_REPLIES === "on" && githubConfigured();
}

/**
 * Queues one reply on the issue, inside the caller's transaction (the delivery's), so the
 * decision and its reply are committed together. `key` names the command that caused it
 * (`comment:<id>`, …): one reply per key, ever, whichever delivery brings the command again
 * (the outbox's UNIQUE key decides). Nothing is queued while replies are off. Returns
 * whether a reply was queued.
 */
export function queueGithubReply(tx: Tx | Db, to: ReplyTarget, key: string, outcomes: CommandOutcome[], bountyId: number | null, now: number): boolean {
  if (outcomes.length === 0 || !githubRepliesOn()) return false;
  const bountyUrl = bountyId === null ? null : `${env.APP_ORIGIN}/bounties/${bountyId}`;
  return enqueueMessage(
    tx,
    {
      channel: "github_comment",
      idempotencyKey: `github_reply:${key}`,
      recipientUserId: null,
      recipient: formatReplyRecipient(to),
      kind: "github_reply",
      subject: `Reply on ${formatReplyRecipient(to)}`,
      text: formatReply(outcomes, bountyUrl, key),
    },
    new URL(env.APP_ORIGIN).hostname,
    now,
  );
}
