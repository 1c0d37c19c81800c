import type { PersonaSlug, TargetStatus } from "./vocabulary";

/** A target as the catalog lists it (card, API row). */
export interface TargetSummary {
  slug: string;
  name: string;
  category: string;
  status: TargetStatus;
  summary: string;
  /** The summary as one line of plain text (its Markdown rendered, tags dropped), for cards. */
  summaryText: string;
  openIssues: number;
  closedIssues: number;
  personas: PersonaSlug[];
  /** How many rungs of its road to "done" it has reached (app/lib/ladder.ts). */
  ladderReached: number;
  /** When it was retired, or null. */
  retiredAt: number | null;
}

export const STATUS_LABELS: Record<TargetStatus, string> = {
  native: "Native",
  partial: "Partial",
  requested: "Requested",
  none: "None yet",
};

export const STATUS_DESCRIPTIONS: Record<TargetStatus, string> = {
  native: "Speaks SPIFFE out of the box.",
  partial: "Some SPIFFE support; gaps remain.",
  requested: "Someone has asked upstream; the work is open.",
  none: "No SPIFFE support and no request yet.",
};

export const CATALOG_SORTS = ["relevance", "name", "status", "issues", "closest"] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

export const SORT_LABELS: Record<CatalogSort, string> = {
  relevance: "Most relevant",
  name: "Name",
  status: "SPIFFE status",
  issues: "Open issues",
  closest: "Closest to done",
};

export const CATALOG_PAGE_SIZE = 50;

/** "3 open issues", "1 open issue". */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
