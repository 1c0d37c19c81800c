import { z } from "zod";
import { safeGitHubUrl } from "../lib/links";

// Only the fields Club Zero reads; .passthrough() (zod 4: looseObject) keeps parsing when
// GitHub adds fields. A payload that fails these is stored as `invalid`, with no effect.

const Login = z.looseObject({ login: z.string().min(1), type: z.string().nullish(), id: z.number().int().optional() });
const Label = z.looseObject({ name: z.string() });
const Repo = z.looseObject({
  id: z.number().int(),
  full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  default_branch: z.string().nullish(),
});
const Time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a timestamp");
/** A page on GitHub, or null when the payload's link is anything else (e.g. `javascript:`). */
export const GitHubLink = z.string().transform(safeGitHubUrl);

export const IssuePayloadIssue = z.looseObject({
  id: z.number().int(),
  number: z.number().int().positive(),
  title: z.string(),
  state: z.enum(["open", "closed"]),
  state_reason: z.string().nullish(),
  labels: z.array(Label).default([]),
  assignees: z.array(Login).nullish(),
  user: Login.nullish(),
  html_url: GitHubLink,
  updated_at: Time,
  pull_request: z.looseObject({}).nullish(),
});

export const IssuesEvent = z.looseObject({
  action: z.string(),
  issue: IssuePayloadIssue,
  repository: Repo,
  sender: Login,
  label: Label.nullish(),
  changes: z
    .looseObject({
      new_issue: IssuePayloadIssue.optional(),
      new_repository: Repo.optional(),
      // `opened` for the new issue of a transfer
      old_issue: IssuePayloadIssue.optional(),
      old_repository: Repo.optional(),
    })
    .nullish(),
});

export const IssueCommentEvent = z.looseObject({
  action: z.string(),
  issue: IssuePayloadIssue,
  comment: z.looseObject({ id: z.number().int(), body: z.string().nullish(), created_at: Time, updated_at: Time.nullish(), user: Login }),
  repository: Repo,
  sender: Login,
  /** `edited`: the body before the edit. */
  changes: z.looseObject({ body: z.looseObject({ from: z.string().nullish() }).nullish() }).nullish(),
});

export const PullRequestEvent = z.looseObject({
  action: z.string(),
  number: z.number().int().positive(),
  pull_request: z.looseObject({
    id: z.number().int(),
    number: z.number().int().positive(),
    title: z.string(),
    body: z.string().nullish(),
    state: z.enum(["open", "closed"]),
    merged: z.boolean().nullish(),
    merged_at: Time.nullish(),
    html_url: GitHubLink,
    updated_at: Time,
    user: Login,
    labels: z.array(Label).default([]),
    base: z.looseObject({ ref: z.string() }).nullish(),
  }),
  repository: Repo,
  sender: Login,
});

export const ReleaseEvent = z.looseObject({
  action: z.string(),
  release: z.looseObject({
    tag_name: z.string().min(1),
    name: z.string().nullish(),
    html_url: GitHubLink,
    published_at: Time.nullish(),
    draft: z.boolean().optional(),
    prerelease: z.boolean().optional(),
  }),
  repository: Repo,
  sender: Login.nullish(),
});

export const PingEvent = z.looseObject({
  hook_id: z.number().int().optional(),
  zen: z.string().optional(),
  hook: z.looseObject({ type: z.string().optional(), events: z.array(z.string()).optional() }).optional(),
  repository: Repo.optional(),
  organization: z.looseObject({ login: z.string() }).optional(),
});

export type IssuePayload = z.infer<typeof IssuePayloadIssue>;

// The GitHub App's own events: where it is installed, and on which repositories.
const InstallationRepo = z.looseObject({ id: z.number().int(), full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/) });
const Installation = z.looseObject({
  id: z.number().int(),
  account: z.looseObject({ login: z.string().min(1), type: z.string().nullish() }),
  repository_selection: z.string().nullish(),
  suspended_at: Time.nullish(),
});

export const InstallationEvent = z.looseObject({
  action: z.string(),
  installation: Installation,
  repositories: z.array(InstallationRepo).nullish(),
});

export const InstallationRepositoriesEvent = z.looseObject({
  action: z.string(),
  installation: Installation,
  repository_selection: z.string().nullish(),
  repositories_added: z.array(InstallationRepo).default([]),
  repositories_removed: z.array(InstallationRepo).default([]),
});
