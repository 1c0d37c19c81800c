// Claims: when one runs out and how its holder is named. Pure, for models and pages alike.

const DAY_MS = 86_400_000;

/** When a claim made or checked in on at `now` runs out, after `claimDays` days without a check-in. */
export function claimExpiresAt(now: number, claimDays: number): number {
  return now + claimDays * DAY_MS;
}

/**
 * How a claimant or contributor is named everywhere: "@alice" for a Club Zero user,
 * "@octocat (GitHub)" for a GitHub login with no verified account, "someone" for a user
 * who is gone.
 */
export function formatClaimantLabel(who: { userId: number | null; username: string | null; githubLogin: string | null }): string {
  if (who.userId !== null) return who.username ? `@${who.username}` : "someone";
  return who.githubLogin ? `@${who.githubLogin} (GitHub)` : "someone";
}

/**
 * The public page of the person a label names ("@alice" → "/u/alice"), or null for a bare
 * GitHub login ("@octocat (GitHub)") or "someone": only Club Zero members have a page.
 */
export function formatProfilePath(label: string): string | null {
  const m = /^@([a-z][a-z0-9-]{0,31})$/.exec(label);
  return m ? `/u/${m[1]}` : null;
}
