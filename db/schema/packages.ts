// Packages
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DISTRIBUTION_SLUGS, PACKAGE_ORIGINS } from "~/app/lib/vocabulary";
import { users } from "./accounts";
import { targets } from "./catalog";
import { sqlList } from "./columns";

/** SPIFFE ecosystem software that distributions package. */
export const software = sqliteTable(
  "software",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    repo: text("repo"),
    /** The target packaging bounties for it are filed on. */
    targetId: integer("target_id")
      .notNull()
      .references(() => targets.id),
    /** Latest upstream release (seeded, edited by admins, or from `release` webhooks). */
    latestVersion: text("latest_version"),
    latestVersionAt: integer("latest_version_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("software_slug_unique").on(t.slug), index("software_repo_idx").on(t.repo)],
);

export const packages = sqliteTable(
  "packages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    softwareId: integer("software_id")
      .notNull()
      .references(() => software.id),
    distro: text("distro", { enum: DISTRIBUTION_SLUGS }).notNull(),
    /** e.g. bookworm, el9, 3.20; empty when the package is not tied to a release. */
    release: text("release").notNull().default(""),
    packageName: text("package_name").notNull(),
    version: text("version").notNull(),
    url: text("url"),
    notes: text("notes"),
    /**
     * Who publishes it: `distribution` (the distribution's own archive, e.g. Debian's) or
     * `third-party` (someone else's repository for that distribution, e.g. a converted RPM).
     */
    origin: text("origin", { enum: PACKAGE_ORIGINS }).notNull().default("distribution"),
    maintainerUserId: integer("maintainer_user_id").references(() => users.id),
    /** For packages registered before their maintainer had an account (seed data). */
    maintainerName: text("maintainer_name"),
    retiredAt: integer("retired_at"),
    seedKey: text("seed_key"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // One active entry per software, distribution, release and package name.
    uniqueIndex("packages_identity_unique")
      .on(t.softwareId, t.distro, t.release, t.packageName)
      .where(sql`${t.retiredAt} is null`),
    index("packages_maintainer_idx").on(t.maintainerUserId),
    uniqueIndex("packages_seed_key_unique").on(t.seedKey),
    check("packages_distro_check", sql`${t.distro} in (${sqlList(DISTRIBUTION_SLUGS)})`),
    check("packages_origin_check", sql`${t.origin} in (${sqlList(PACKAGE_ORIGINS)})`),
  ],
);
