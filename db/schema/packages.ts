// Packages
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DISTRIBUTION_SLUGS, PACKAGE_ORIGINS, PACKAGE_SOURCES, PACKAGE_VERSION_SIDES } from "~/app/lib/vocabulary";
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
    /** Its project name on Repology (e.g. `spire`); null: not looked up there. */
    repologyName: text("repology_name"),
    /** Its chart in the Helm repository (e.g. `spire`). */
    chartName: text("chart_name"),
    /** Its image in the OCI registry (e.g. `spiffe/spire-server`). */
    imageName: text("image_name"),
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
    /**
     * The source that reports this package (found there, or a registered one it also lists).
     * Its CHECK is on the column itself (migration 0024), so adding it did not rebuild the table.
     */
    source: text("source", { enum: PACKAGE_SOURCES }),
    /** The version the source last reported, as the repository spells it (Repology's `origversion`). */
    foundVersion: text("found_version"),
    /** Repology's normalized `version`, when it differs from what the repository spells. */
    foundNormalized: text("found_normalized"),
    /** Repology's own verdict (newest, outdated, legacy, devel, …), kept as it said it. */
    foundStatus: text("found_status"),
    /** Since when the package is behind upstream; null while it is not (kept by refreshOutdated). */
    outdatedSince: integer("outdated_since"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("packages_outdated_since_idx").on(t.outdatedSince),
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

/** Every change of a package's version, from its source or from a person. Append-only. */
export const packageVersions = sqliteTable(
  "package_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    packageId: integer("package_id")
      .notNull()
      .references(() => packages.id),
    /** Null for the first version a package had. */
    previousVersion: text("previous_version"),
    version: text("version").notNull(),
    side: text("side", { enum: PACKAGE_VERSION_SIDES }).notNull(),
    /** The source, when `side` is source. */
    source: text("source", { enum: PACKAGE_SOURCES }),
    /** The person, when `side` is person. */
    userId: integer("user_id").references(() => users.id),
    at: integer("at").notNull(),
  },
  (t) => [
    index("package_versions_package_idx").on(t.packageId, t.at),
    check("package_versions_side_check", sql`${t.side} in (${sqlList(PACKAGE_VERSION_SIDES)})`),
    check("package_versions_source_check", sql`${t.source} is null or ${t.source} in (${sqlList(PACKAGE_SOURCES)})`),
  ],
);

/** Each source's health: when it last answered, its last error, and the backoff after failures. */
export const packageSources = sqliteTable(
  "package_sources",
  {
    source: text("source", { enum: PACKAGE_SOURCES }).primaryKey(),
    lastRunAt: integer("last_run_at"),
    lastSuccessAt: integer("last_success_at"),
    lastError: text("last_error"),
    lastErrorAt: integer("last_error_at"),
    /** Failed runs in a row; 0 after a success. */
    failures: integer("failures").notNull().default(0),
    /** The scheduled sync leaves the source alone until then (backoff, or the source's Retry-After). */
    retryAt: integer("retry_at").notNull().default(0),
  },
  (t) => [
    check("package_sources_source_check", sql`${t.source} in (${sqlList(PACKAGE_SOURCES)})`),
    check("package_sources_failures_check", sql`${t.failures} >= 0`),
  ],
);

/**
 * The last good answer to each URL a source was asked, with its validators, so the next
 * request is conditional (If-None-Match / If-Modified-Since) and a 304 can be read again.
 */
export const packageSourceResponses = sqliteTable(
  "package_source_responses",
  {
    url: text("url").primaryKey(),
    source: text("source", { enum: PACKAGE_SOURCES }).notNull(),
    etag: text("etag"),
    lastModified: text("last_modified"),
    body: text("body").notNull(),
    fetchedAt: integer("fetched_at").notNull(),
  },
  (t) => [check("package_source_responses_source_check", sql`${t.source} in (${sqlList(PACKAGE_SOURCES)})`)],
);
