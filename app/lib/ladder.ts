// Each target's road to "done": seven rungs, from someone asking for SPIFFE support to a
// translated tutorial. Pure: it takes the facts Club Zero already holds (linked issues and
// pull requests, upstream releases, registered packages, tutorials, the status history) and
// says which rungs are met, by what evidence, and what the next step is. The facts are
// gathered by app/models/ladder.server.ts; the target page and the catalog both show this.
import { safeWebUrl } from "./links";
import type { BountyKind, TargetStatus } from "./vocabulary";

export const RUNGS = ["requested", "issue", "merged", "released", "packaged", "documented", "translated"] as const;
export type Rung = (typeof RUNGS)[number];

export const RUNG_LABELS: Record<Rung, string> = {
  requested: "SPIFFE support requested",
  issue: "Upstream issue open",
  merged: "Fix merged",
  released: "Released upstream",
  packaged: "Packaged in a distribution",
  documented: "Documented",
  translated: "Translated",
};

/** What to do to meet each rung, said to a person who wants to help. */
export const RUNG_NEXT_STEPS: Record<Rung, string> = {
  requested: "Ask upstream for SPIFFE support: explain the use case in an issue or discussion and link it here.",
  issue: "Open an upstream issue that tracks SPIFFE support, and link it to this target.",
  merged: "Get a pull request that adds SPIFFE support merged upstream, and link it here.",
  released: "Help upstream ship a release that contains the merged fix.",
  packaged: "Package a release with SPIFFE support in a distribution and register the package.",
  documented: "Write a tutorial that shows the integration working, and get it published.",
  translated: "Translate the published tutorial into another language.",
};

/** The kind of bounty whose completion would meet each rung. */
export const RUNG_BOUNTY_KINDS: Record<Rung, BountyKind> = {
  requested: "advocacy",
  issue: "advocacy",
  merged: "code",
  released: "code",
  packaged: "packaging",
  documented: "tutorial",
  translated: "translation",
};

/** A GitHub issue or pull request linked to the target. */
export interface LinkedItemFact {
  url: string;
  title: string;
  kind: "issue" | "pull";
  state: "open" | "closed" | "merged";
  /** When the pull request was merged (ms); null when not merged or not known (seeded rows). */
  mergedAt: number | null;
}

/** The latest release of one of the target's upstream repositories. */
export interface ReleaseFact {
  repo: string;
  tag: string;
  url: string;
  publishedAt: number;
}

/** A registered (not retired) package of software built from this target. */
export interface PackageFact {
  label: string;
  url: string;
}

/** One entry of the target's status history. */
export interface StatusFact {
  fromStatus: TargetStatus | null;
  toStatus: TargetStatus;
  evidenceUrl: string | null;
  at: number;
}

export interface LadderFacts {
  status: TargetStatus;
  /** Oldest first. */
  statusHistory: StatusFact[];
  linked: LinkedItemFact[];
  releases: ReleaseFact[];
  packages: PackageFact[];
  publishedTutorialUrl?: string;
  translatedTutorialUrl?: string;
}

export interface Evidence {
  label: string;
  /** An http(s) link, or null when the fact is known without one (a status as first catalogued). */
  url: string | null;
}

export interface RungView {
  rung: Rung;
  label: string;
  /** Met by its own evidence. */
  met: boolean;
  /** Not met by its own evidence, but a higher rung is (the road was taken another way). */
  passed: boolean;
  evidence: Evidence | null;
  nextStep: string;
  bountyKind: BountyKind;
}

export interface Ladder {
  rungs: RungView[];
  /** How many rungs the target has reached: the position of the highest met rung (0 = none). */
  reached: number;
  /** The first rung above the highest met one, or null when the target is done. */
  next: Rung | null;
}

const link = (label: string, url: string | null): Evidence => ({ label, url: safeWebUrl(url) });

/** The latest status change into `status`, if the history has one. */
function latestChangeTo(history: StatusFact[], statuses: readonly TargetStatus[]): StatusFact | null {
  for (let i = history.length - 1; i >= 0; i -= 1) if (statuses.includes(history[i]!.toStatus)) return history[i]!;
  return null;
}

/** Evidence for one rung, or null when the facts do not meet it. */
function evidenceFor(rung: Rung, f: LadderFacts): Evidence | null {
  switch (rung) {
    case "requested": {
      // a linked issue or PR is someone asking; so is any status above "none"
      const first = f.linked[0];
      if (first) return link(first.title, first.url);
      if (f.status === "none") return null;
      const change = latestChangeTo(f.statusHistory, ["requested", "partial", "native"]);
      return link(`SPIFFE status: ${f.status}`, change?.evidenceUrl ?? null);
    }
    case "issue": {
      const issues = f.linked.filter((i) => i.kind === "issue");
      const issue = issues.find((i) => i.state === "open") ?? issues[0];
      return issue ? link(issue.title, issue.url) : null;
    }
    case "merged": {
      const pull = mergedPulls(f)[0];
      return pull ? link(pull.title, pull.url) : null;
    }
    case "released": {
      // A release counts when it came out after the fix was merged (when the merge time is not
      // known, as for seeded rows, any release after a merged fix counts); a target marked
      // native ships SPIFFE support in a release by definition.
      const pull = mergedPulls(f)[0];
      if (pull) {
        const release = [...f.releases].sort((a, b) => b.publishedAt - a.publishedAt).find((r) => pull.mergedAt === null || r.publishedAt >= pull.mergedAt);
        if (release) return link(`${release.repo} ${release.tag}`, release.url);
      }
      if (f.status !== "native") return null;
      const change = latestChangeTo(f.statusHistory, ["native"]);
      return link("SPIFFE status: native", change?.evidenceUrl ?? null);
    }
    case "packaged": {
      const pkg = f.packages[0];
      return pkg ? { label: pkg.label, url: pkg.url } : null;
    }
    case "documented":
      return f.publishedTutorialUrl ? { label: "A published tutorial", url: f.publishedTutorialUrl } : null;
    case "translated":
      return f.translatedTutorialUrl ? { label: "A translated tutorial", url: f.translatedTutorialUrl } : null;
  }
}

/** Merged pull requests, the most recently merged first (unknown merge times last). */
function mergedPulls(f: LadderFacts): LinkedItemFact[] {
  return f.linked.filter((i) => i.kind === "pull" && i.state === "merged").sort((a, b) => (b.mergedAt ?? -1) - (a.mergedAt ?? -1));
}

/** The ladder for one target's facts. */
export function computeLadder(facts: LadderFacts): Ladder {
  const evidence = RUNGS.map((rung) => evidenceFor(rung, facts));
  const reached = evidence.reduce((top, e, i) => (e ? i + 1 : top), 0);
  const rungs = RUNGS.map((rung, i) => ({
    rung,
    label: RUNG_LABELS[rung],
    met: evidence[i] !== null,
    passed: evidence[i] === null && i < reached,
    evidence: evidence[i] ?? null,
    nextStep: RUNG_NEXT_STEPS[rung],
    bountyKind: RUNG_BOUNTY_KINDS[rung],
  }));
  return { rungs, reached, next: RUNGS[reached] ?? null };
}

/** "3 of 7: Fix merged", or "Not started". */
export function formatReached(reached: number): string {
  return reached === 0 ? "Not started" : `${reached} of ${RUNGS.length}: ${RUNG_LABELS[RUNGS[reached - 1]!]}`;
}
