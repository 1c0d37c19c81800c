// What each notification kind is called, who gets it, and its default delivery. Pure data
// for the settings page, the mails and the notify() model.
import type { NotificationDelivery, NotificationKind } from "./vocabulary";

export interface KindInfo {
  /** What the person is told about, as the settings page lists it. */
  label: string;
  /** Who receives it. */
  audience: "claimant" | "reviewers" | "ssc" | "requester" | "packager" | "watchers";
  /** Without a choice of their own. */
  default: NotificationDelivery;
}

/**
 * Defaults: what needs someone to act, or is about their own work or money, arrives at once;
 * news about things they watch and packages that fell behind upstream come in the daily digest.
 */
export const NOTIFICATION_KIND_INFO: Record<NotificationKind, KindInfo> = {
  claim_expiring: { label: "Your claim expires in 3 days", audience: "claimant", default: "now" },
  claim_expired: { label: "Your claim expired", audience: "claimant", default: "now" },
  work_sent_back: { label: "Your work was sent back from review", audience: "claimant", default: "now" },
  work_completed: { label: "Your work was completed", audience: "claimant", default: "now" },
  review_needed: { label: "Work submitted for review", audience: "reviewers", default: "now" },
  proposal_waiting: { label: "A bounty proposal is waiting", audience: "reviewers", default: "digest" },
  expense_vote_needed: { label: "An expense needs your vote", audience: "ssc", default: "now" },
  expense_payment_waiting: { label: "An approved expense waits for payment", audience: "reviewers", default: "now" },
  expense_approved: { label: "Your expense was approved", audience: "requester", default: "now" },
  expense_rejected: { label: "Your expense was rejected", audience: "requester", default: "now" },
  expense_changes_requested: { label: "Changes requested to your expense", audience: "requester", default: "now" },
  expense_paid: { label: "Your expense was paid", audience: "requester", default: "now" },
  packaging_requested: { label: "Packaging requested for software you package", audience: "packager", default: "now" },
  package_outdated: { label: "Your package became outdated", audience: "packager", default: "digest" },
  watched_change: { label: "Changes to targets and bounties you watch", audience: "watchers", default: "digest" },
};

export const AUDIENCE_WORDS: Record<KindInfo["audience"], string> = {
  claimant: "When you hold a claim",
  reviewers: "For SSC members and admins",
  ssc: "For SSC members",
  requester: "When you request money",
  packager: "For packagers",
  watchers: "Things you watch",
};

/** Audiences only some roles are ever part of; the rest (claimants, requesters, watchers) can be anyone. */
const AUDIENCE_ROLES: Partial<Record<KindInfo["audience"], readonly string[]>> = {
  reviewers: ["ssc", "admin"],
  ssc: ["ssc"],
  packager: ["packager"],
};

/** The settings page's groups for a person with these roles, in the kinds' order: nobody is asked about mail they can never get. */
export function audiencesFor(roles: readonly string[]): KindInfo["audience"][] {
  const all = [...new Set(Object.values(NOTIFICATION_KIND_INFO).map((k) => k.audience))];
  return all.filter((audience) => AUDIENCE_ROLES[audience]?.some((role) => roles.includes(role)) ?? true);
}

export const DELIVERY_WORDS: Record<NotificationDelivery, string> = {
  now: "At once",
  digest: "Daily digest",
  off: "Off",
};
