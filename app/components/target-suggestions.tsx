import { Link } from "@remix-run/react";
import { formatDate } from "../lib/dates";

/** Suggested targets waiting for a decision, as the proposals page and the work queue list them. */
export function TargetSuggestionList({
  suggestions,
}: {
  suggestions: { id: number; name: string; category: string; createdAt: number; proposer: string | null }[];
}) {
  return (
    <ul className="target-list" aria-label="Target suggestions">
      {suggestions.map((s) => (
        <li key={s.id} className="card">
          <Link to={`/targets/suggestions/${s.id}`}>New target: {s.name}</Link>
          <p className="muted small">
            {s.category} · suggested by {s.proposer ? `@${s.proposer}` : "someone"} on {formatDate(s.createdAt)}
          </p>
        </li>
      ))}
    </ul>
  );
}
