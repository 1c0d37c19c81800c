import { BOUNTY_STATUS_LABELS, KIND_LABELS } from "../lib/bounty-lifecycle";
import { formatRelative } from "../lib/dates";
import { PersonaChips } from "./catalog";
import { ListLink } from "./links";
import { PersonLink } from "./people";
import type { BountyKind, BountyStatus, Difficulty, PersonaSlug } from "../lib/vocabulary";

export function BountyStatusBadge({ status }: { status: BountyStatus }) {
  return <span className={`badge bounty-status bounty-status--${status}`}>{BOUNTY_STATUS_LABELS[status]}</span>;
}

export interface ClaimFreshness {
  label: string;
  lastCheckinAt: number;
  expiresAt: number;
}

/**
 * "claimed by @x, checked in 2 days ago, expires in 12 days", the name linked to the
 * person's page; work in review does not expire (it waits for a reviewer), so it says so.
 */
export function ClaimLine({ claim, now, status }: { claim: ClaimFreshness; now: number; status?: BountyStatus }) {
  return (
    <>
      claimed by <PersonLink label={claim.label} />, {status === "in_review" ? "last checked in" : "checked in"} {formatRelative(claim.lastCheckinAt, now)},{" "}
      {status === "in_review" ? "waiting for review" : `expires ${formatRelative(claim.expiresAt, now)}`}
    </>
  );
}

export interface BountyCardData {
  id: number;
  title: string;
  kind: BountyKind;
  status: BountyStatus;
  difficulty: Difficulty | null;
  targetSlug: string;
  targetName: string;
  personas: PersonaSlug[];
  claim: ClaimFreshness | null;
}

export function BountyCard({ bounty, personaNames, now }: { bounty: BountyCardData; personaNames: Record<string, string>; now: number }) {
  return (
    <li className="card bounty-card">
      <div className="target-card__head">
        <h3 className="target-card__title">
          <ListLink to={`/bounties/${bounty.id}`}>{bounty.title}</ListLink>
        </h3>
        <BountyStatusBadge status={bounty.status} />
      </div>
      <p className="muted target-card__meta">
        <ListLink to={`/targets/${bounty.targetSlug}`}>{bounty.targetName}</ListLink>
        <span aria-hidden="true"> · </span>
        {KIND_LABELS[bounty.kind]}
        {bounty.difficulty ? (
          <>
            <span aria-hidden="true"> · </span>
            {bounty.difficulty}
          </>
        ) : null}
      </p>
      {bounty.claim ? (
        <p className="freshness">
          <ClaimLine claim={bounty.claim} now={now} status={bounty.status} />
        </p>
      ) : null}
      <PersonaChips personas={bounty.personas} names={personaNames} />
    </li>
  );
}

export function ProgressMeter({ completed, total }: { completed: number; total: number }) {
  return (
    <div className="progress">
      <progress max={Math.max(total, 1)} value={completed} aria-label="Bounties completed">
        {completed} of {total}
      </progress>
      <span>
        {completed} of {total} bounties completed
      </span>
    </div>
  );
}
