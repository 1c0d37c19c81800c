// Translate GitHub webhook payloads into model calls, nothing more. Runs inside the
// delivery's transaction (see receive.server.ts); model writes nest as savepoints.
import { BOUNTY_KINDS } from "~/db/schema";
import { env } from "../env.server";
import { ACTIVE_STATUSES } from "../lib/bounty-lifecycle";
import { claimExpiresAt } from "../lib/claims";
import { isClubZeroReply, type CommandOutcome } from "../lib/github-replies";
import { addedCommands, isBot, parseCommands, parseIssueRefs, type Command } from "../lib/github-text";
import { githubIssueUrl, githubReleaseUrl } from "../lib/links";
import {
  activeClaim,
  applyIntent,
  createBounty,
  creditUpstreamCompletion,
  getBountyForIssue,
  getLatestEvent,
  hasActiveClaim,
  recordRefusal,
  recordUpstreamNote,
  type BountyActor,
  type IntentInput,
} from "../models/bounties.server";
import { DomainError, InvalidTransition, RateLimited } from "../models/errors";
import { queueGithubReply } from "../models/github-replies.server";
import {
  ensureIssuePlaceholder,
  followRepository,
  labelsOf,
  linkByLabels,
  demoteOtherLinks,
  linkPull,
  listIssuesForPull,
  listPullsFor,
  recordPing,
  recordRelease,
  transferIssue,
  upsertIssue,
  type IssueRow,
  type IssueSnapshot,
} from "../models/github.server";
import { applyUpstreamRelease } from "../models/packages.server";
import { getUserByVerifiedGithub } from "../models/users.server";
import { handleInstallationEvent, INSTALLATION_HANDLED } from "./installation-handlers.server";
import { IssueCommentEvent, IssuesEvent, PingEvent, PullRequestEvent, ReleaseEvent, type IssuePayload } from "./payloads";
import type { Db } from "../db.server";
import type { UpstreamIntent, WebIntent } from "../lib/bounty-lifecycle";
import type { z } from "zod";
import type { BountyKind, BountyStatus } from "~/db/schema";

export type Outcome = { status: "processed" | "ignored" | "invalid"; note?: string };

/** Event/action pairs Club Zero acts on; everything else is stored as `ignored`. */
const HANDLED: Record<string, readonly string[] | "any"> = {
  ping: "any",
  issues: ["opened", "edited", "closed", "reopened", "labeled", "unlabeled", "assigned", "unassigned", "deleted", "transferred"],
  issue_comment: ["created", "edited", "deleted"],
  pull_request: ["opened", "reopened", "edited", "closed"],
  // `released`: published as a full release, or a pre-release promoted to one (GitHub sends no
  // second `published` for the promotion)
  release: ["published", "released"],
  ...INSTALLATION_HANDLED,
};

export function isHandled(event: string, action: string | null): boolean {
  const actions = HANDLED[event];
  if (!actions) return false;
  return actions === "any" || (action !== null && actions.includes(action));
}

export function handleEvent(db: Db, event: string, action: string | null, payload: unknown, now: number): Outcome {
  if (!isHandled(event, action)) return { status: "ignored" };
  switch (event) {
    case "ping":
      return handlePing(db, payload, now);
    case "issues":
      return handleIssues(db, payload, now);
    case "issue_comment":
      return handleComment(db, payload, now);
    case "pull_request":
      return handlePull(db, payload, now);
    case "release":
      return handleRelease(db, payload, now);
    case "installation":
    case "installation_repositories":
      return handleInstallationEvent(db, event, payload, now);
    default:
      return { status: "ignored" };
  }
}

function invalid(error: z.ZodError): Outcome {
  return {
    status: "invalid",
    note: error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("; "),
  };
}

const ms = (iso: string) => Date.parse(iso);

type RepoPayload = { id: number; full_name: string };
type BountyRef = { id: number; status: BountyStatus };

function snapshotOf(issue: IssuePayload, repository: RepoPayload, overrides: Partial<IssueSnapshot> = {}): IssueSnapshot {
  const repo = repository.full_name;
  return {
    githubId: issue.id,
    repo,
    repoId: repository.id,
    number: issue.number,
    kind: issue.pull_request ? "pull" : "issue",
    title: issue.title,
    state: issue.state,
    stateReason: issue.state_reason ?? null,
    labels: issue.labels.map((l) => l.name),
    assignees: (issue.assignees ?? []).map((a) => a.login),
    author: issue.user?.login ?? null,
    // a link that is not a GitHub page was dropped by the schema; the issue's own address stands in
    url: issue.html_url ?? githubIssueUrl(repo, issue.number, issue.pull_request ? "pull" : "issue"),
    updatedAt: ms(issue.updated_at),
    mergedAt: null,
    ...overrides,
  };
}

/** Upstream events are GitHub's to report; the sender is named on the timeline. */
function upstreamActor(login: string): BountyActor {
  return { userId: null, label: `github:${login}`, source: "github", roles: [] };
}

/** The repository by GitHub's id: a renamed one is the same repository (see followRepository). */
function follow(db: Db, repository: RepoPayload, sender: string, now: number) {
  followRepository(db, { id: repository.id, fullName: repository.full_name }, upstreamActor(sender), now);
}

/**
 * A GitHub login acts as the Club Zero user who verified it, or as itself. A disabled user
 * stays that user (the models refuse them, and the refusal goes on the timeline): they do
 * not get to act again as a bare GitHub login.
 */
function commenterActor(db: Db, who: { login: string; id?: number | null }): BountyActor {
  const login = who.login;
  const user = getUserByVerifiedGithub(db, who);
  if (user) return { userId: user.id, label: `@${user.username}`, source: "github", roles: user.roles };
  return { userId: null, githubLogin: login, label: `@${login} (GitHub)`, source: "github", roles: [] };
}

function creditFor(db: Db, who: { login: string; id?: number | null }) {
  const actor = commenterActor(db, who);
  return { userId: actor.userId, githubLogin: actor.userId === null ? who.login : null };
}

/** Applies an upstream move if it still makes sense; a stale or repeated one is a no-op. */
function tryUpstream(db: Db, actor: BountyActor, bountyId: number, intent: UpstreamIntent, input: IntentInput, now: number) {
  try {
    applyIntent(db, actor, bountyId, intent, input, now);
  } catch (error) {
    if (!(error instanceof InvalidTransition)) throw error;
  }
}

function kindFromLabels(labels: string[]): BountyKind {
  for (const label of labels) {
    const m = /^club-zero\/(.+)$/i.exec(label);
    const kind = BOUNTY_KINDS.find((k) => k === m?.[1]?.toLowerCase());
    if (kind) return kind;
  }
  return "code";
}

/**
 * The bounty for a linked issue labelled `club-zero`, created on first sight. A bounty
 * created late (events out of order) starts from what GitHub already says: a closed
 * issue or a merged PR completes it, an open PR puts it in review.
 */
function ensureBounty(db: Db, issue: IssueRow, targetIds: number[], sender: string, now: number) {
  const existing = getBountyForIssue(db, issue.repo, issue.number);
  if (existing) return existing;
  const labels = labelsOf(issue).map((l) => l.toLowerCase());
  if (issue.kind !== "issue" || targetIds.length === 0 || !labels.includes("club-zero")) return null;
  const actor = upstreamActor(sender);
  const bounty = createBounty(
    db,
    actor,
    {
      targetId: targetIds[0]!,
      title: issue.title,
      description: `Tracked on GitHub: [${issue.repo}#${issue.number}](${issue.url}). Claim it here or with \`/claim\` in a comment there.`,
      kind: kindFromLabels(labels),
      github: { repo: issue.repo, number: issue.number },
    },
    now,
  );
  const pulls = listPullsFor(db, issue.id);
  const merged = pulls.find((p) => p.state === "merged");
  if (issue.state === "closed") {
    const intent = issue.stateReason === "not_planned" ? "upstream_cancel" : "upstream_complete";
    tryUpstream(
      db,
      actor,
      bounty.id,
      intent,
      { credit: merged?.authorLogin ? creditFor(db, { login: merged.authorLogin }) : null, note: "The issue was already closed on GitHub." },
      now,
    );
  } else if (merged) {
    tryUpstream(
      db,
      actor,
      bounty.id,
      "upstream_complete",
      { credit: merged.authorLogin ? creditFor(db, { login: merged.authorLogin }) : null, links: [merged.url] },
      now,
    );
  } else {
    const open = pulls.find((p) => p.state === "open");
    if (open) tryUpstream(db, actor, bounty.id, "upstream_review", { links: [open.url] }, now);
  }
  return getBountyForIssue(db, issue.repo, issue.number);
}

function handlePing(db: Db, payload: unknown, now: number): Outcome {
  const p = PingEvent.safeParse(payload);
  if (!p.success) return invalid(p.error);
  if (p.data.hook_id) {
    recordPing(
      db,
      {
        hookId: p.data.hook_id,
        type: p.data.hook?.type ?? null,
        target: p.data.repository?.full_name ?? p.data.organization?.login ?? null,
        events: p.data.hook?.events ?? [],
      },
      now,
    );
  }
  return { status: "processed" };
}

function handleIssues(db: Db, payload: unknown, now: number): Outcome {
  const p = IssuesEvent.safeParse(payload);
  if (!p.success) return invalid(p.error);
  const { action, issue, repository, sender } = p.data;
  follow(db, repository, sender.login, now);
  const overrides: Partial<IssueSnapshot> = action === "deleted" ? { state: "closed", stateReason: "deleted" } : {};
  const { row, fresh } = upsertIssue(db, snapshotOf(issue, repository, overrides), now);

  // A transfer comes as `transferred` (the old issue, the new one under `changes`) and as
  // `opened` (the new issue, the old one under `changes`), in either order: whichever comes
  // first moves the bounty, so the new issue never gets a bounty of its own.
  const moved = p.data.changes;
  if (action === "transferred") {
    if (!moved?.new_issue || !moved.new_repository) return { status: "processed", note: "transferred without the new issue" };
    follow(db, moved.new_repository, sender.login, now);
    const { row: to } = upsertIssue(db, snapshotOf(moved.new_issue, moved.new_repository), now);
    moveIssue(db, row, to, issue.id, sender.login, now);
    return { status: "processed" };
  }
  if (action === "opened" && moved?.old_issue && moved.old_repository) {
    follow(db, moved.old_repository, sender.login, now);
    const { row: from } = upsertIssue(db, snapshotOf(moved.old_issue, moved.old_repository), now);
    moveIssue(db, from, row, moved.old_issue.id, sender.login, now);
  }

  const targetIds = linkByLabels(db, row, now);
  const bounty = ensureBounty(db, row, targetIds, sender.login, now);
  if (!bounty || !fresh) return { status: "processed" };

  const actor = upstreamActor(sender.login);
  const key = `issues:${issue.id}:${action}:${issue.updated_at}`;
  if (action === "closed" || action === "deleted") {
    if (action === "deleted" || issue.state_reason === "not_planned") {
      tryUpstream(
        db,
        actor,
        bounty.id,
        "upstream_cancel",
        { note: action === "deleted" ? "The issue was deleted on GitHub." : "Closed on GitHub as not planned.", externalKey: key },
        now,
      );
    } else {
      const merged = listPullsFor(db, row.id).find((pr) => pr.state === "merged");
      tryUpstream(
        db,
        actor,
        bounty.id,
        "upstream_complete",
        { note: "Closed on GitHub as completed.", credit: merged?.authorLogin ? creditFor(db, { login: merged.authorLogin }) : null, externalKey: key },
        now,
      );
    }
  } else if (action === "reopened") {
    tryUpstream(db, actor, bounty.id, "upstream_reopen", { note: "Reopened on GitHub.", externalKey: key }, now);
  } else if ((action === "unlabeled" || action === "labeled") && p.data.label?.name.toLowerCase() === "club-zero") {
    // the event's own label, not the labels array (WH-10)
    if (action === "unlabeled") clubZeroLabelRemoved(db, actor, bounty, key, now);
    else clubZeroLabelAdded(db, actor, bounty, row, key, now);
  }
  return { status: "processed" };
}

/**
 * Removing `club-zero` ends an open bounty (cancelled; adding the label again reopens it).
 * Work someone has claimed is not taken from them by a label: the bounty stays as it is and
 * the timeline says so, for an SSC member or admin to decide.
 */
function clubZeroLabelRemoved(db: Db, actor: BountyActor, bounty: BountyRef, key: string, now: number) {
  if (bounty.status === "open") {
    tryUpstream(
      db,
      actor,
      bounty.id,
      "upstream_cancel",
      { note: "The `club-zero` label was removed on GitHub, so this is no longer a bounty. Adding the label again reopens it.", externalKey: key },
      now,
    );
  } else if ((ACTIVE_STATUSES as readonly string[]).includes(bounty.status)) {
    recordUpstreamNote(
      db,
      actor,
      bounty.id,
      {
        note: "The `club-zero` label was removed on GitHub. Someone holds the claim, so the bounty stays as it is: an SSC member or admin decides here whether to cancel it.",
        externalKey: key,
        audit: { action: "bounty.label_removed", after: { status: bounty.status } },
      },
      now,
    );
  }
}

/** The label back on an open issue reopens a bounty its removal cancelled (and nothing else). */
function clubZeroLabelAdded(db: Db, actor: BountyActor, bounty: BountyRef, issue: IssueRow, key: string, now: number) {
  if (bounty.status !== "cancelled" || issue.state !== "open") return;
  const last = getLatestEvent(db, bounty.id);
  if (last?.type !== "cancelled" || !/^issues:\d+:unlabeled:/.test(last.externalKey ?? "")) return;
  tryUpstream(db, actor, bounty.id, "upstream_reopen", { note: "The `club-zero` label was added again on GitHub.", externalKey: key }, now);
}

/**
 * The issue lives on in another repository under a new id and number: the old row is
 * closed, its targets and its bounty follow the new issue (the timeline says where it went),
 * and later events on the new issue act on the bounty. Acts once, whichever event of the
 * transfer comes first.
 */
function moveIssue(db: Db, from: IssueRow, to: IssueRow, oldIssueId: number, sender: string, now: number) {
  const bountyId = transferIssue(db, from, to, now);
  linkByLabels(db, to, now);
  if (bountyId === null) return;
  recordUpstreamNote(
    db,
    upstreamActor(sender),
    bountyId,
    {
      note: `The issue moved on GitHub from ${from.repo}#${from.number} to ${to.repo}#${to.number}.`,
      links: [to.url],
      externalKey: `issues:${oldIssueId}:transferred`,
      audit: { action: "bounty.issue_transferred", before: { issue: `${from.repo}#${from.number}` }, after: { issue: `${to.repo}#${to.number}` } },
    },
    now,
  );
}

const COMMAND_INTENTS: Record<Command["kind"], WebIntent> = { claim: "claim", release: "release", progress: "progress", submit: "submit" };

function handleComment(db: Db, payload: unknown, now: number): Outcome {
  const p = IssueCommentEvent.safeParse(payload);
  if (!p.success) return invalid(p.error);
  const { action, issue, comment, repository, sender } = p.data;
  if (isBot(comment.user)) return { status: "ignored", note: "comment by a bot" };
  if (isClubZeroReply(comment.body ?? "")) return { status: "ignored", note: "Club Zero's own reply" };
  follow(db, repository, sender.login, now);
  const { row } = upsertIssue(db, snapshotOf(issue, repository), now);
  const targetIds = linkByLabels(db, row, now);
  if (action === "deleted") return handleDeletedComment(db, row, comment.id, comment.user.login, sender.login, now);
  // An edit acts on the commands it added; the body before it is in `changes` (no
  // `changes.body`: the body did not change).
  const edited = action === "edited";
  const body = comment.body ?? "";
  const commands = edited ? addedCommands(p.data.changes?.body?.from ?? body, body) : parseCommands(body);
  if (commands.length === 0) return { status: "processed" };
  const key = edited ? `comment:${comment.id}:edit:${comment.updated_at ?? issue.updated_at}` : `comment:${comment.id}`;
  const to = { repo: row.repo, number: row.number };
  const bounty = ensureBounty(db, row, targetIds, comment.user.login, now);
  if (!bounty) {
    queueGithubReply(
      db,
      to,
      key,
      commands.map((c) => ({ kind: "not_a_bounty", command: c.kind })),
      null,
      now,
    );
    return { status: "processed", note: "commands on an issue that is not a Club Zero bounty" };
  }
  const actor = commenterActor(db, comment.user);
  const ignored: string[] = [];
  const outcomes: CommandOutcome[] = [];
  commands.forEach((command, i) => {
    const externalKey = `${key}:${i}`;
    const input: IntentInput = { externalKey };
    if (command.kind === "progress") input.note = command.note;
    if (command.kind === "submit") input.links = [command.url];
    if (command.kind === "release") input.reason = "Released from GitHub.";
    try {
      const { duplicate } = applyIntent(db, actor, bounty.id, COMMAND_INTENTS[command.kind], input, now);
      if (!duplicate) outcomes.push(taken(command, comment.user.login, now));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Over the note rate limit the command is ignored, not refused on the timeline nor
      // answered on GitHub: a refusal would be one more note, and a reply one more comment,
      // which is what the limit stops. The delivery says so.
      try {
        if (error instanceof RateLimited) throw error;
        recordRefusal(db, actor, bounty.id, `/${command.kind} refused: ${error.message}`, externalKey, now);
        outcomes.push({ kind: "refused", command: command.kind, reason: error.message });
      } catch (limited) {
        if (!(limited instanceof RateLimited)) throw limited;
        ignored.push(`/${command.kind} ignored: ${limited.message}`);
      }
    }
  });
  queueGithubReply(db, to, key, outcomes, bounty.id, now);
  return ignored.length > 0 ? { status: "processed", note: ignored.join("; ") } : { status: "processed" };
}

/** What a command that was taken did, for the reply. A claim and a progress note both run the claim CLAIM_DAYS from now. */
function taken(command: Command, login: string, now: number): CommandOutcome {
  switch (command.kind) {
    case "claim":
      return { kind: "claimed", login, until: claimExpiresAt(now, env.CLAIM_DAYS) };
    case "progress":
      return { kind: "progress", login, until: claimExpiresAt(now, env.CLAIM_DAYS) };
    case "submit":
      return { kind: "submitted", login };
    case "release":
      return { kind: "released", login };
  }
}

/**
 * A deleted comment that made the bounty's current claim releases it, as GitHub no longer
 * shows anyone claiming it; work already submitted for review stands (the timeline says the
 * comment went). Deleting any other comment changes nothing.
 */
function handleDeletedComment(db: Db, issue: IssueRow, commentId: number, author: string, sender: string, now: number): Outcome {
  const bounty = getBountyForIssue(db, issue.repo, issue.number);
  if (!bounty || !activeClaim(db, bounty.id)) return { status: "processed" };
  const claimed = getLatestEvent(db, bounty.id, "claimed");
  if (!claimed?.externalKey?.startsWith(`comment:${commentId}:`)) return { status: "processed" };
  const actor = upstreamActor(sender);
  const key = `comment-deleted:${commentId}`;
  if (bounty.status === "claimed" || bounty.status === "in_progress") {
    tryUpstream(
      db,
      actor,
      bounty.id,
      "upstream_release",
      { note: `The comment that claimed this for @${author} was deleted on GitHub, so the claim is released.`, externalKey: key },
      now,
    );
    queueGithubReply(db, { repo: issue.repo, number: issue.number }, key, [{ kind: "claim_comment_deleted", login: author }], bounty.id, now);
  } else {
    recordUpstreamNote(
      db,
      actor,
      bounty.id,
      {
        note: `The comment that claimed this for @${author} was deleted on GitHub. The work is waiting for review, so the claim stands.`,
        externalKey: key,
        audit: { action: "bounty.claim_comment_deleted", after: { status: bounty.status } },
      },
      now,
    );
  }
  return { status: "processed" };
}

function handlePull(db: Db, payload: unknown, now: number): Outcome {
  const p = PullRequestEvent.safeParse(payload);
  if (!p.success) return invalid(p.error);
  const { pull_request: pr, repository, sender } = p.data;
  follow(db, repository, sender.login, now);
  const repo = repository.full_name;
  const merged = Boolean(pr.merged || pr.merged_at);
  const prUrl = pr.html_url ?? githubIssueUrl(repo, pr.number, "pull");
  const { row, fresh } = upsertIssue(
    db,
    {
      githubId: pr.id,
      repo,
      repoId: repository.id,
      number: pr.number,
      kind: "pull",
      title: pr.title,
      state: merged ? "merged" : pr.state,
      stateReason: null,
      labels: pr.labels.map((l) => l.name),
      assignees: [],
      author: pr.user.login,
      url: prUrl,
      updatedAt: ms(pr.updated_at),
      mergedAt: pr.merged_at ? ms(pr.merged_at) : null,
    },
    now,
  );
  // As GitHub links them: closing keywords in the description of a PR into the default
  // branch make it the fix; anything else (a bare link, the title, another base) is related.
  const intoDefault = Boolean(pr.base?.ref) && pr.base?.ref === repository.default_branch;
  const refs = [...parseIssueRefs(pr.body ?? "", repo), ...parseIssueRefs(pr.title, repo).map((r) => ({ ...r, closes: false }))];
  const relations = new Map<string, { repo: string; number: number; fixes: boolean }>();
  for (const ref of refs) {
    if (ref.repo.toLowerCase() === repo.toLowerCase() && ref.number === pr.number) continue;
    const key = `${ref.repo.toLowerCase()}#${ref.number}`;
    relations.set(key, { repo: ref.repo, number: ref.number, fixes: (relations.get(key)?.fixes ?? false) || (ref.closes && intoDefault) });
  }
  // an older snapshot's text does not replace the newer one's links
  if (!fresh) return { status: "processed", note: "older than what we have" };
  const linked = [...relations.values()].map((ref) => {
    const issueId = ensureIssuePlaceholder(db, ref.repo, ref.number).id;
    linkPull(db, row.id, issueId, ref.fixes ? "fixes" : "related", now);
    return issueId;
  });
  // an issue the PR no longer names with a keyword (edited body, another base) is only related now
  demoteOtherLinks(db, row.id, linked);

  const actor = upstreamActor(sender.login);
  for (const issue of listIssuesForPull(db, row.id)) {
    const bounty = getBountyForIssue(db, issue.repo, issue.number);
    if (!bounty) continue;
    if (row.state === "merged") {
      tryUpstream(
        db,
        actor,
        bounty.id,
        "upstream_complete",
        { links: [prUrl], note: "The pull request was merged.", credit: creditFor(db, pr.user), externalKey: `pr-merged:${pr.id}:${bounty.id}` },
        now,
      );
      // the issue's close may have completed it first, with nobody to credit yet
      creditUpstreamCompletion(
        db,
        actor,
        bounty.id,
        creditFor(db, pr.user),
        {
          links: [prUrl],
          note: `The pull request by @${pr.user.login} was merged; credited to its author.`,
          externalKey: `pr-merged-credit:${pr.id}:${bounty.id}`,
        },
        now,
      );
    } else if (pr.state === "open") {
      tryUpstream(
        db,
        actor,
        bounty.id,
        "upstream_review",
        { links: [prUrl], note: `Pull request by @${pr.user.login}.`, externalKey: `pr-open:${pr.id}:${bounty.id}:${pr.updated_at}` },
        now,
      );
    } else if (bounty.status === "in_review") {
      tryUpstream(
        db,
        actor,
        bounty.id,
        hasActiveClaim(db, bounty.id) ? "upstream_withdraw" : "upstream_unreview",
        { note: "The pull request was closed without merging.", externalKey: `pr-closed:${pr.id}:${bounty.id}:${pr.updated_at}` },
        now,
      );
    }
  }
  return { status: "processed" };
}

function handleRelease(db: Db, payload: unknown, now: number): Outcome {
  const p = ReleaseEvent.safeParse(payload);
  if (!p.success) return invalid(p.error);
  const { release, repository } = p.data;
  follow(db, repository, p.data.sender?.login ?? "github", now);
  if (release.draft || release.prerelease) return { status: "ignored", note: "draft or pre-release" };
  recordRelease(
    db,
    {
      repo: repository.full_name,
      tag: release.tag_name,
      name: release.name ?? null,
      url: release.html_url ?? githubReleaseUrl(repository.full_name, release.tag_name),
      publishedAt: release.published_at ? ms(release.published_at) : now,
    },
    now,
  );
  applyUpstreamRelease(db, repository.full_name, release.tag_name, now);
  return { status: "processed" };
}
