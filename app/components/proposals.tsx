import { Link } from "@remix-run/react";
import { KIND_LABELS } from "../lib/bounty-lifecycle";
import { formatDate } from "../lib/dates";
import type { BountyKind } from "../lib/vocabulary";

export interface ProposalItem {
  id: number;
  title: string;
  kind: BountyKind;
  targetName: string;
  proposer: string | null;
  createdAt: number;
}

/** Bounties proposed and waiting for an SSC member or admin, oldest first (the proposals page and the work queue). */
export function ProposalList({ proposals, dated = (at) => <>on {formatDate(at)}</> }: { proposals: ProposalItem[]; dated?: (at: number) => React.ReactNode }) {
  if (proposals.length === 0) return <p className="empty">No proposals are waiting.</p>;
  return (
    <ul className="target-list">
      {proposals.map((p) => (
        <li key={p.id} className="card">
          <Link to={`/bounties/${p.id}`}>{p.title}</Link>
          <p className="muted small">
            {p.targetName} · {KIND_LABELS[p.kind]} · proposed by {p.proposer ? `@${p.proposer}` : "someone"} {dated(p.createdAt)}
          </p>
        </li>
      ))}
    </ul>
  );
}
