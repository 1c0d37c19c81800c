import { STATUS_DESCRIPTIONS, STATUS_LABELS, formatCount, type TargetSummary } from "../lib/catalog";
import { formatReached } from "../lib/ladder";
import { ListLink } from "./links";
import type { PersonaSlug, TargetStatus } from "../lib/vocabulary";

export function StatusBadge({ status }: { status: TargetStatus }) {
  return (
    <span className={`badge badge--${status}`} title={STATUS_DESCRIPTIONS[status]}>
      {STATUS_LABELS[status]}
    </span>
  );
}

export function PersonaChips({ personas, names }: { personas: PersonaSlug[]; names: Record<string, string> }) {
  if (personas.length === 0) return null;
  return (
    <ul className="chips" aria-label="Suits">
      {personas.map((slug) => (
        <li key={slug}>
          <ListLink className="chip" to={`/personas/${slug}`}>
            {names[slug] ?? slug}
          </ListLink>
        </li>
      ))}
    </ul>
  );
}

export function TargetCard({ target, personaNames }: { target: TargetSummary; personaNames: Record<string, string> }) {
  return (
    <li className="card target-card">
      <div className="target-card__head">
        <h3 className="target-card__title">
          <ListLink to={`/targets/${target.slug}`}>{target.name}</ListLink>
        </h3>
        <StatusBadge status={target.status} />
      </div>
      <p className="muted target-card__meta">
        <span className="category">{target.category}</span>
        <span aria-hidden="true"> · </span>
        <span>{formatCount(target.openIssues, "open issue")}</span>
        <span aria-hidden="true"> · </span>
        <span>{target.closedIssues} closed</span>
        <span aria-hidden="true"> · </span>
        <span className="ladder-reached">Road to done: {formatReached(target.ladderReached)}</span>
        {target.retiredAt !== null ? (
          <>
            <span aria-hidden="true"> · </span>
            <span>Retired</span>
          </>
        ) : null}
      </p>
      <p className="target-card__summary">{target.summaryText}</p>
      <PersonaChips personas={target.personas} names={personaNames} />
    </li>
  );
}
