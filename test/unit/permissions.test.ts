import { describe, expect, it } from "vitest";
import { maySeeBounty, type Viewer } from "~/app/models/permissions.server";
import { BOUNTY_STATUSES, type Role } from "~/db/schema";

const PROPOSER = 7;
const viewers: [string, Viewer | null, "all" | "public"][] = [
  ["nobody signed in", null, "public"],
  ["a contributor", { userId: 8, roles: ["contributor"] }, "public"],
  ["a packager", { userId: 9, roles: ["contributor", "packager"] as Role[] }, "public"],
  ["a bare GitHub login", { userId: null, roles: [] }, "public"],
  ["the proposer", { userId: PROPOSER, roles: ["contributor"] }, "all"],
  ["an SSC member", { userId: 10, roles: ["contributor", "ssc"] as Role[] }, "all"],
  ["an admin", { userId: 11, roles: ["contributor", "admin"] as Role[] }, "all"],
];

describe("who may see a bounty", () => {
  for (const status of BOUNTY_STATUSES) {
    const isPrivate = status === "proposed" || status === "declined";
    it.each(viewers)(`${status}: %s ${isPrivate ? "sees it only if they proposed or review it" : "sees it"}`, (_who, viewer, sees) => {
      expect(maySeeBounty(viewer, { status, createdByUserId: PROPOSER })).toBe(!isPrivate || sees === "all");
    });
  }

  it("a proposal with no known proposer is seen by reviewers only, never by a viewer without an id", () => {
    expect(maySeeBounty({ userId: null, roles: [] }, { status: "proposed", createdByUserId: null })).toBe(false);
    expect(maySeeBounty(null, { status: "declined", createdByUserId: null })).toBe(false);
    expect(maySeeBounty({ userId: 1, roles: ["contributor", "ssc"] }, { status: "proposed", createdByUserId: null })).toBe(true);
  });
});
