// Posting Club Zero's replies on GitHub issues: the github_comment channel's transport for
// the outbox job (app/jobs/deliver.server.ts). Only that job posts, never a request.
//
// Sent once: the outbox sends a row until it is marked sent, so a sender killed after GitHub
// created the comment but before `sent` was committed would post it again. Every reply
// carries a hidden marker naming its key (app/lib/github-replies.ts); before any attempt
// after the first, the recent comments are read, and a reply already there counts
// as sent.
import { z } from "zod";
import { env } from "../env.server";
import { PermanentSendError, type Sender } from "../jobs/smtp.server";
import { parseReplyRecipient, replyMarker } from "../lib/github-replies";
import { githubHeaders } from "./auth.server";
import type { OutboxRow } from "../models/outbox.server";

const REQUEST_TIMEOUT_MS = 30_000;
/** How far back to look for an earlier attempt's comment, beyond the row's creation (clocks differ). */
const LOOKBACK_MS = 3_600_000;
/** Pages of 100 comments read at most when looking for an earlier attempt's reply. */
const MAX_PAGES = 10;

const CommentList = z.array(z.looseObject({ body: z.string().nullish() }));

/** A sentence for the admin's outbox page, never GitHub's raw error text. */
function refusal(res: Response, what: string): Error {
  const remaining = res.headers.get("x-ratelimit-remaining");
  if ((res.status === 403 || res.status === 429) && (remaining === "0" || res.headers.has("retry-after"))) {
    return new Error(`GitHub's rate limit was reached while ${what}; it will be tried again.`);
  }
  if (res.status === 401) return new Error(`GitHub refused the credentials (401) while ${what}; it will be tried again.`);
  if (res.status === 404 || res.status === 410) return new PermanentSendError(`The issue does not exist or the credentials cannot see it (${res.status}).`);
  if (res.status === 403) return new PermanentSendError(`GitHub refused the comment (403): the issue may be locked, or the credentials may not write issues.`);
  if (res.status === 422) return new PermanentSendError(`GitHub refused the comment as invalid (422).`);
  return new Error(`GitHub answered ${res.status} while ${what}; it will be tried again.`);
}

async function request(url: URL, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch {
    throw new Error(`GitHub could not be reached while ${what}; it will be tried again.`);
  }
}

function nextPage(link: string | null): string | null {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? "")?.[1] ?? null;
}

/** Whether a comment carrying this reply's marker is already on the issue. */
async function alreadyPosted(message: OutboxRow, repo: string, number: number, headers: Record<string, string>): Promise<boolean> {
  const marker = replyMarker(message.idempotencyKey.replace(/^github_reply:/, ""));
  const first = new URL(`/repos/${repo}/issues/${number}/comments`, env.GITHUB_API_URL);
  first.searchParams.set("since", new Date(message.createdAt - LOOKBACK_MS).toISOString());
  first.searchParams.set("per_page", "100");
  let url: string | null = first.href;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const res = await request(new URL(url), { headers }, "looking for an earlier attempt's reply");
    if (!res.ok) throw refusal(res, "looking for an earlier attempt's reply");
    const comments = CommentList.safeParse(await res.json());
    if (!comments.success) throw new Error("GitHub's list of comments did not look like one; it will be tried again.");
    if (comments.data.some((c) => c.body?.includes(marker))) return true;
    url = nextPage(res.headers.get("link"));
  }
  return false;
}

/** The github_comment channel: each outbox row is one comment on `owner/repo#number`. */
export function createGithubCommentSender(): Sender {
  return {
    channel: "github_comment",
    async send(message) {
      const to = parseReplyRecipient(message.recipient);
      if (!to) throw new PermanentSendError(`"${message.recipient}" does not name an issue.`);
      const headers = await githubHeaders(to.repo);
      if (!headers) throw new PermanentSendError(`Club Zero has no GitHub credentials for ${to.repo}.`);
      // attempts counts this one: a later attempt may follow one that posted and then died
      if (message.attempts > 1 && (await alreadyPosted(message, to.repo, to.number, headers))) return;
      const res = await request(
        new URL(`/repos/${to.repo}/issues/${to.number}/comments`, env.GITHUB_API_URL),
        { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ body: message.textBody }) },
        "posting the reply",
      );
      if (res.status !== 201) throw refusal(res, "posting the reply");
      await res.body?.cancel();
    },
    close: () => undefined,
  };
}
