// Real GitHub webhook payloads (@octokit/webhooks-examples), adapted and signed as GitHub does.
import crypto from "node:crypto";
import examples from "@octokit/webhooks-examples";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- GitHub payloads are open-ended JSON

/** A deep copy of GitHub's example for this event and action (the first, or the first that `where` accepts). */
export function example(event: string, action?: string, where: (x: Json) => boolean = () => true): Json {
  const spec = (examples as { name: string; examples: Json[] }[]).find((e) => e.name === event);
  const found = spec?.examples.find((x) => (action === undefined ? true : x.action === action) && where(x));
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found);
}

/**
 * The numeric GitHub user id our test payloads give a login: stable, different for every
 * login (as on GitHub, where the id, not the login, names an account).
 */
export function githubUserId(login: string): number {
  return 1_000_000 + (parseInt(crypto.createHash("sha256").update(login.toLowerCase()).digest("hex").slice(0, 8), 16) % 1_000_000_000);
}

export function sign(secret: string, body: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function deliveryHeaders(event: string, body: string, secret: string, deliveryId: string = crypto.randomUUID()): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": deliveryId,
    "X-GitHub-Hook-ID": "123456",
    "X-Hub-Signature-256": sign(secret, body),
    "User-Agent": "GitHub-Hookshot/test",
  };
}

export interface IssueSpec {
  repo: string;
  number: number;
  id?: number;
  title?: string;
  labels?: string[];
  state?: "open" | "closed";
  stateReason?: string | null;
  updatedAt: string;
  author?: string;
  assignees?: string[];
}

/** Puts a payload on this repository, with a repository id of its own (GitHub's ids, not names, say which repository it is). */
export function applyRepo(p: Json, repo: string) {
  p.repository.full_name = repo;
  p.repository.name = repo.split("/")[1];
  p.repository.owner.login = repo.split("/")[0];
  p.repository.id = Math.abs(hash(repo));
}

function hash(s: string): number {
  return crypto.createHash("sha256").update(s).digest().readInt32BE(0);
}

function applyIssue(issue: Json, spec: IssueSpec) {
  issue.id = spec.id ?? Math.abs(hash(`${spec.repo}#${spec.number}`));
  issue.number = spec.number;
  issue.title = spec.title ?? `Issue ${spec.number}`;
  issue.state = spec.state ?? "open";
  issue.state_reason = spec.stateReason ?? null;
  issue.labels = (spec.labels ?? []).map((name, i) => ({ id: i + 1, name, color: "ededed", default: false }));
  issue.updated_at = spec.updatedAt;
  issue.html_url = `https://github.com/${spec.repo}/issues/${spec.number}`;
  if (spec.author) Object.assign(issue.user, { login: spec.author, id: githubUserId(spec.author) });
  if (spec.assignees) issue.assignees = spec.assignees.map((login) => ({ login, id: githubUserId(login), type: "User" }));
}

/** An `issues` event for this issue, from GitHub's example of the action. */
export function issuesEvent(action: string, spec: IssueSpec, sender = "maintainer"): Json {
  // GitHub's examples have no `closed`: it is a reopened payload in the other state.
  const p = example("issues", action === "closed" ? "reopened" : action);
  p.action = action;
  applyRepo(p, spec.repo);
  applyIssue(p.issue, spec);
  if (action === "labeled" || action === "unlabeled") p.label = { id: 99, name: spec.labels?.at(-1) ?? "club-zero" };
  p.sender.login = sender;
  p.sender.type = "User";
  return p;
}

export function commentEvent(
  spec: IssueSpec,
  comment: { id: number; body: string; login: string; createdAt: string; type?: string; userId?: number },
  edit?: { action: "edited" | "deleted"; updatedAt?: string; previousBody?: string; sender?: string },
): Json {
  const p = example("issue_comment", edit?.action ?? "created");
  applyRepo(p, spec.repo);
  applyIssue(p.issue, spec);
  delete p.issue.pull_request;
  p.comment.id = comment.id;
  p.comment.body = comment.body;
  p.comment.created_at = comment.createdAt;
  p.comment.updated_at = edit?.updatedAt ?? comment.createdAt;
  p.comment.user.login = comment.login;
  p.comment.user.id = comment.userId ?? githubUserId(comment.login);
  p.comment.user.type = comment.type ?? "User";
  p.sender.login = edit?.sender ?? comment.login;
  p.sender.type = comment.type ?? "User";
  // GitHub's `edited` carries the body before the edit; `deleted` has no changes
  if (edit?.action === "edited") p.changes = edit.previousBody === undefined ? {} : { body: { from: edit.previousBody } };
  return p;
}

/** `issues.transferred`: GitHub sends the old issue, and the new issue and repository under `changes`. */
export function transferEvent(from: IssueSpec, to: IssueSpec, sender = "maintainer"): Json {
  const p = issuesEvent("transferred", from, sender);
  const target = structuredClone(p.changes.new_repository);
  target.owner = structuredClone(p.repository.owner);
  const holder = { repository: target };
  applyRepo(holder, to.repo);
  const issue = structuredClone(p.issue);
  applyIssue(issue, to);
  p.changes = { new_issue: issue, new_repository: holder.repository };
  return p;
}

/**
 * `issues.opened` for the new issue of a transfer: GitHub sends it as well as `transferred`, in
 * either order, with the old issue and repository under `changes`.
 */
export function transferOpenedEvent(from: IssueSpec, to: IssueSpec, sender = "maintainer"): Json {
  const p = example("issues", "opened", (x) => Boolean(x.changes?.old_issue));
  applyRepo(p, to.repo);
  applyIssue(p.issue, to);
  const old = { repository: p.changes.old_repository };
  applyRepo(old, from.repo);
  applyIssue(p.changes.old_issue, from);
  p.sender.login = sender;
  p.sender.type = "User";
  return p;
}

export interface PullSpec {
  repo: string;
  id: number;
  number: number;
  title: string;
  body: string;
  author: string;
  updatedAt: string;
  merged?: boolean;
  base?: string;
}

/** A pull request on the issue's repository whose description fixes it (`Fixes #N`), by pr-author unless `extra` says otherwise. */
export function fixingPull(spec: IssueSpec, extra: Partial<PullSpec> = {}): PullSpec {
  return {
    repo: spec.repo,
    id: 880_000 + spec.number,
    number: 8000 + spec.number,
    title: "Use SPIFFE IDs",
    body: `Fixes #${spec.number}`,
    author: "pr-author",
    updatedAt: "2026-01-01T10:10:00.000Z",
    ...extra,
  };
}

export function pullEvent(action: "opened" | "closed" | "reopened" | "edited", pr: PullSpec): Json {
  const p = example("pull_request", action === "edited" ? "opened" : action);
  p.action = action;
  applyRepo(p, pr.repo);
  // every test repository's default branch is main; a PR goes into it unless `base` says otherwise
  p.repository.default_branch = "main";
  p.pull_request.base.ref = pr.base ?? "main";
  Object.assign(p.pull_request, {
    id: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    state: action === "closed" ? "closed" : "open",
    merged: Boolean(pr.merged),
    merged_at: pr.merged ? pr.updatedAt : null,
    updated_at: pr.updatedAt,
    html_url: `https://github.com/${pr.repo}/pull/${pr.number}`,
  });
  p.number = pr.number;
  Object.assign(p.pull_request.user, { login: pr.author, id: githubUserId(pr.author) });
  p.sender.login = pr.author;
  return p;
}
