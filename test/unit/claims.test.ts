import { describe, expect, it } from "vitest";
import { claimExpiresAt, formatClaimantLabel } from "~/app/lib/claims";

describe("claims", () => {
  it("a claim runs out exactly claimDays days after the claim or the last check-in", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0);
    expect(claimExpiresAt(now, 14)).toBe(Date.UTC(2026, 0, 15, 12, 0));
    expect(claimExpiresAt(now, 1)).toBe(Date.UTC(2026, 0, 2, 12, 0));
  });

  it("names a user by username and a bare GitHub login with (GitHub), the same on every page", () => {
    expect(formatClaimantLabel({ userId: 7, username: "alice", githubLogin: "alice-gh" })).toBe("@alice");
    expect(formatClaimantLabel({ userId: null, username: null, githubLogin: "octocat" })).toBe("@octocat (GitHub)");
    expect(formatClaimantLabel({ userId: 7, username: null, githubLogin: null })).toBe("someone");
    expect(formatClaimantLabel({ userId: null, username: null, githubLogin: null })).toBe("someone");
  });
});
