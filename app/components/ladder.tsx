import { Link } from "@remix-run/react";
import { KIND_LABELS } from "../lib/bounty-lifecycle";
import { formatReached, type Ladder } from "../lib/ladder";
import { WebLink } from "./links";
import type { BountyKind } from "../lib/vocabulary";

function EvidenceLink({ url, children }: { url: string | null; children: string }) {
  if (!url) return <>{children}</>;
  // our own pages (a package, a tutorial) stay in the app; anything else is an outside link
  return url.startsWith("/") ? <Link to={url}>{children}</Link> : <WebLink url={url}>{children}</WebLink>;
}

/**
 * A target's road to "done": each rung met with a link to its evidence; each unmet one with
 * the bounty that would meet it, or a button to propose one.
 */
export function LadderSection({
  ladder,
  targetSlug,
  offered,
  signedIn,
  canPropose,
}: {
  ladder: Ladder;
  targetSlug: string;
  offered: Partial<Record<BountyKind, { id: number; title: string }>>;
  signedIn: boolean;
  canPropose: boolean;
}) {
  return (
    <section aria-labelledby="ladder-heading" className="section">
      <h2 id="ladder-heading">Road to done</h2>
      <p className="muted">{formatReached(ladder.reached)}</p>
      <ol className="ladder" aria-label="Road to done">
        {ladder.rungs.map((r) => {
          const bounty = offered[r.bountyKind];
          return (
            <li key={r.rung} className={`ladder__rung ladder__rung--${r.met ? "met" : r.passed ? "passed" : "unmet"}`} data-rung={r.rung}>
              <strong>{r.label}</strong> <span className="ladder__state">{r.met ? "— met" : r.passed ? "— passed (a later rung is met)" : "— not yet"}</span>
              {r.met && r.evidence ? (
                <>
                  {": "}
                  <EvidenceLink url={r.evidence.url}>{r.evidence.label}</EvidenceLink>
                </>
              ) : null}
              {!r.met && !r.passed ? (
                <div className="ladder__next small">
                  {r.nextStep}{" "}
                  {bounty ? (
                    <Link to={`/bounties/${bounty.id}`}>Bounty: {bounty.title}</Link>
                  ) : signedIn && canPropose ? (
                    <Link className="button button--small button--quiet" to={`/targets/${targetSlug}/bounties/new?kind=${r.bountyKind}`}>
                      Propose {/^[aeiou]/i.test(KIND_LABELS[r.bountyKind]) ? "an" : "a"} {KIND_LABELS[r.bountyKind].toLowerCase()} bounty
                    </Link>
                  ) : !signedIn ? (
                    <Link to={`/login?redirectTo=/targets/${targetSlug}`}>Sign in to propose a bounty for it.</Link>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
