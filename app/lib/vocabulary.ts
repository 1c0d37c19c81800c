// The words of each domain: statuses, kinds, roles. Pure data shared by the database schema,
// the models, the forms and the UI (so no page imports the schema to name a status).
import { PACKAGE_STATUSES } from "./versions";

// Catalog

/** SPIFFE support status of an integration target, from most to least mature. */
export const TARGET_STATUSES = ["native", "partial", "requested", "none"] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const PERSONA_SLUGS = [
  "end-user",
  "sysadmin",
  "security",
  "distro",
  "packager",
  "documenter",
  "influencer",
  "translator",
  "developer",
  "other",
] as const;
export type PersonaSlug = (typeof PERSONA_SLUGS)[number];

export const GITHUB_ITEM_KINDS = ["issue", "pull"] as const;
export const GITHUB_ITEM_STATES = ["open", "closed", "merged"] as const;
export const LINK_SOURCES = ["seed", "manual", "label"] as const;

/** A suggested new target: waiting in the proposals queue, then accepted (a target exists) or declined with a reason. */
export const TARGET_SUGGESTION_STATUSES = ["proposed", "accepted", "declined"] as const;
export type TargetSuggestionStatus = (typeof TARGET_SUGGESTION_STATUSES)[number];

// Accounts, sessions and the audit log

/** Roles a user can be granted. Everyone is a contributor; that role is implicit. */
export const GRANTABLE_ROLES = ["packager", "ssc", "admin"] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
/** Who holds each role, in words ("This page is for SSC members and admins only."). */
export const ROLE_HOLDERS: Record<GrantableRole, string> = { packager: "packagers", ssc: "SSC members", admin: "admins" };
export type Role = "contributor" | GrantableRole;

export const AUDIT_SOURCES = ["web", "cli", "github", "system"] as const;

// Bounties

export const BOUNTY_KINDS = ["code", "docs", "tutorial", "packaging", "translation", "advocacy", "security-review", "deployment-feedback"] as const;
export type BountyKind = (typeof BOUNTY_KINDS)[number];

/** See app/lib/bounty-lifecycle.ts for the transitions between them. */
export const BOUNTY_STATUSES = ["proposed", "declined", "open", "claimed", "in_progress", "in_review", "completed", "cancelled"] as const;
/** The statuses the public board filters by (proposals and declined ones live in the queue). */
export const BOARD_STATUSES = ["open", "claimed", "in_progress", "in_review", "completed", "cancelled"] as const;
export type BountyStatus = (typeof BOUNTY_STATUSES)[number];

export const DIFFICULTIES = ["easy", "medium", "hard"] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const CLAIM_END_REASONS = ["released", "revoked", "expired", "completed", "cancelled"] as const;

export const BOUNTY_EVENT_TYPES = [
  "proposed",
  "created",
  "accepted",
  "declined",
  "claimed",
  "progress",
  "released",
  "expired",
  "submitted",
  "completed",
  "reopened",
  "cancelled",
  "refused",
  "linked",
] as const;
export type BountyEventType = (typeof BOUNTY_EVENT_TYPES)[number];

// GitHub webhooks

export const DELIVERY_STATUSES = ["processed", "ignored", "invalid", "failed"] as const;

/** How a pull request refers to an issue: as its fix (a closing keyword, into the default branch), or only related. */
export const PULL_RELATIONS = ["fixes", "related"] as const;
export type PullRelation = (typeof PULL_RELATIONS)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// Packages

export const DISTRIBUTIONS = [
  { slug: "debian", name: "Debian" },
  { slug: "ubuntu", name: "Ubuntu" },
  { slug: "fedora", name: "Fedora" },
  { slug: "epel", name: "EPEL / Enterprise Linux" },
  { slug: "alpine", name: "Alpine" },
  { slug: "arch", name: "Arch / AUR" },
  { slug: "nixpkgs", name: "Nixpkgs" },
  { slug: "homebrew", name: "Homebrew" },
  { slug: "wolfi", name: "Wolfi" },
  { slug: "helm", name: "Helm" },
  { slug: "container", name: "Container images" },
  { slug: "other", name: "Other" },
] as const;
export const DISTRIBUTION_SLUGS = DISTRIBUTIONS.map((d) => d.slug) as unknown as readonly [
  (typeof DISTRIBUTIONS)[number]["slug"],
  ...(typeof DISTRIBUTIONS)[number]["slug"][],
]; // a non-empty tuple for zod enums
export type DistributionSlug = (typeof DISTRIBUTIONS)[number]["slug"];

/** Who publishes a package: the distribution itself, or a third party's repository for it. */
export const PACKAGE_ORIGINS = ["distribution", "third-party"] as const;
/** What the package matrix filters by: a package's status, or no package at all. */
export const MATRIX_STATUSES = [...PACKAGE_STATUSES, "missing"] as const;
export type PackageOrigin = (typeof PACKAGE_ORIGINS)[number];

/**
 * Where package versions are read from without anyone typing them (app/packages/): GitHub
 * releases (the upstream version), Repology (distribution repositories), a Helm chart
 * repository's index.yaml, and an OCI registry's tag list.
 */
export const PACKAGE_SOURCES = ["github", "repology", "helm", "oci"] as const;
export type PackageSource = (typeof PACKAGE_SOURCES)[number];
/** Who changed a package's version: its source (a sync) or a person (register, edit, claim). */
export const PACKAGE_VERSION_SIDES = ["source", "person"] as const;

// The community fund

export const LEDGER_KINDS = ["donation", "reimbursement", "reversal"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const EXPENSE_KINDS = ["pre_approval", "reimbursement"] as const;
export const EXPENSE_CATEGORIES = ["travel", "lodging", "registration", "event-catering", "swag", "infrastructure", "security-audit", "other"] as const;
export const EXPENSE_STATUSES = ["draft", "submitted", "approved", "rejected", "changes_requested", "paid", "cancelled"] as const;
export type ExpenseStatus = (typeof EXPENSE_STATUSES)[number];
/** Each expense status as the list and the expense's page say it. */
export const EXPENSE_STATUS_LABELS: Record<ExpenseStatus, string> = {
  draft: "Draft",
  submitted: "Waiting for SSC votes",
  approved: "Approved, not yet paid",
  rejected: "Rejected",
  changes_requested: "Changes requested",
  paid: "Paid",
  cancelled: "Cancelled",
};
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

export const VOTES = ["approve", "reject", "changes"] as const;

// Notifications

/**
 * What people are told. Each is a `kind` a person turns on (at once or in a daily digest)
 * or off on /settings/notifications.
 */
export const NOTIFICATION_KINDS = [
  "claim_expiring",
  "claim_expired",
  "work_sent_back",
  "work_completed",
  "review_needed",
  "proposal_waiting",
  "expense_vote_needed",
  "expense_payment_waiting",
  "expense_approved",
  "expense_rejected",
  "expense_changes_requested",
  "expense_paid",
  "packaging_requested",
  "package_outdated",
  "watched_change",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a person wants one kind: a mail at once, a daily digest mail, or not at all. */
export const NOTIFICATION_DELIVERIES = ["now", "digest", "off"] as const;
export type NotificationDelivery = (typeof NOTIFICATION_DELIVERIES)[number];

/** Things a person can watch. */
export const WATCH_SUBJECTS = ["bounty", "target"] as const;
export type WatchSubject = (typeof WATCH_SUBJECTS)[number];

/** Channels the outbox delivers through (a later issue adds `github_comment`). */
export const OUTBOX_CHANNELS = ["email", "github_comment"] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/**
 * An outbox row's state: `queued` (waiting for its next attempt), `held` (no transport is
 * configured; an admin can read it), `sending` (taken by a sender under a lease), `sent`,
 * `failed` (given up: a permanent refusal, or too many attempts).
 */
export const OUTBOX_STATES = ["queued", "held", "sending", "sent", "failed"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** Single-use links sent by mail. */
export const EMAIL_TOKEN_PURPOSES = ["verify_email", "reset_password"] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/** Who made a backup: the scheduled `backup` job, or `npm run db:backup` by hand. */
export const BACKUP_SOURCES = ["schedule", "command"] as const;
export type BackupSource = (typeof BACKUP_SOURCES)[number];
// Tutorials and their translations

/**
 * A tutorial's (or a translation's) state: written as a `draft`, sent `in_review`, `published`
 * by an SSC member or admin who is not one of its authors, `unpublished` with a reason.
 * See app/lib/tutorial-lifecycle.ts for the moves.
 */
export const TUTORIAL_STATUSES = ["draft", "in_review", "published", "unpublished"] as const;
export type TutorialStatus = (typeof TUTORIAL_STATUSES)[number];

/** The language tutorials are written in first; translations go from it into others. */
export const SOURCE_LANGUAGE = "en";
/** A discovered upstream issue waiting for an SSC member or admin: linked to its target, or dismissed (remembered). */
export const SUGGESTION_STATUSES = ["suggested", "linked", "dismissed"] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];
