import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "../auth/session.server";
import { ProposalList } from "../components/proposals";
import { TargetSuggestionList } from "../components/target-suggestions";
import { db } from "../db.server";
import { pageMeta } from "../lib/meta";
import { listProposals } from "../models/bounties.server";
import { listOpenSuggestions } from "../models/target-edits.server";

export const meta: MetaFunction = () => pageMeta("Proposals · Club Zero");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ssc", "admin");
  return json({ proposals: listProposals(db), targetSuggestions: listOpenSuggestions(db) });
}

export default function Proposals() {
  const { proposals, targetSuggestions } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>Bounty proposals</h1>
        <p className="lede">Work the community suggested. Open one to accept it onto the board or decline it with a reason.</p>
      </header>
      <section className="section" aria-labelledby="suggestions-heading">
        <h2 id="suggestions-heading">New targets suggested ({targetSuggestions.length})</h2>
        {targetSuggestions.length === 0 ? (
          <p className="empty">No target suggestions are waiting.</p>
        ) : (
          <TargetSuggestionList suggestions={targetSuggestions} />
        )}
      </section>
      <h2>Bounties proposed ({proposals.length})</h2>
      <ProposalList proposals={proposals} />
    </>
  );
}
