// Public contributor pages: what a person finished, holds now and packages, as they chose to
// be named (their display name; their GitHub login, marked unverified unless GitHub sign-in
// proved it).
import { and, desc, eq, isNull } from "drizzle-orm";
import { bounties, claims, targets, users } from "~/db/schema";
import { type Db } from "../db.server";
import { listPackages } from "./packages.server";
import { publicBountiesOnly } from "./permissions.server";

export interface Profile {
  username: string;
  displayName: string;
  githubLogin: string | null;
  githubVerified: boolean;
  memberSince: number;
  completed: { id: number; title: string; targetName: string; targetSlug: string; completedAt: number | null }[];
  claims: { id: number; title: string; status: string; targetName: string; targetSlug: string }[];
  packages: ReturnType<typeof listPackages>;
}

/**
 * A person's public page, or null when there is no such account or it is disabled (a
 * disabled account has no public page). Only public bounties: a proposal stays private.
 */
export function getProfile(db: Db, username: string): Profile | null {
  const user = db.select().from(users).where(eq(users.username, username.trim().toLowerCase())).get();
  if (!user || user.disabledAt !== null) return null;
  const completed = db
    .select({ id: bounties.id, title: bounties.title, targetName: targets.name, targetSlug: targets.slug, completedAt: bounties.completedAt })
    .from(bounties)
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .where(and(eq(bounties.completedByUserId, user.id), eq(bounties.status, "completed")))
    .orderBy(desc(bounties.completedAt))
    .all();
  const held = db
    .select({ id: bounties.id, title: bounties.title, status: bounties.status, targetName: targets.name, targetSlug: targets.slug })
    .from(claims)
    .innerJoin(bounties, eq(bounties.id, claims.bountyId))
    .innerJoin(targets, eq(targets.id, bounties.targetId))
    .where(and(eq(claims.userId, user.id), isNull(claims.endedAt), publicBountiesOnly()))
    .orderBy(desc(claims.claimedAt))
    .all();
  return {
    username: user.username,
    displayName: user.displayName,
    githubLogin: user.githubLogin,
    githubVerified: user.githubVerified,
    memberSince: user.createdAt,
    completed,
    claims: held,
    packages: listPackages(db, { maintainer: user.username }),
  };
}
