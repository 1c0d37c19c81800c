import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { bounties, DISTRIBUTIONS, packages, packageVersions, software, targets, users, type DistributionSlug, type PackageSource } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { distroName, repologyVerdict } from "../lib/distros";
import { fitsDistribution } from "../lib/packaging-fit";
import { compareToUpstream, compareVersions, parseVersion, type PackageStatus, type VersionVerdict } from "../lib/versions";
import { recordAudit } from "./audit.server";
import { createBounty, type BountyActor } from "./bounties.server";
import { Conflict, Forbidden, NotFound, Unprocessable } from "./errors";
import { notify } from "./notifications.server";
import type { PackageOrigin } from "../lib/vocabulary";

export type SoftwareRow = typeof software.$inferSelect;
export type PackageRow = typeof packages.$inferSelect;

export interface PackageView {
  id: number;
  softwareSlug: string;
  softwareName: string;
  distro: DistributionSlug;
  release: string;
  packageName: string;
  version: string;
  url: string | null;
  notes: string | null;
  origin: PackageOrigin;
  maintainer: string | null;
  maintainerUsername: string | null;
  upstreamVersion: string | null;
  status: PackageStatus;
  statusReason: string | null;
  updatedAt: number;
  /** The source that reports it, and what it last said. */
  source: PackageSource | null;
  foundVersion: string | null;
  foundNormalized: string | null;
  foundStatus: string | null;
  /** Nobody here maintains it yet: a packager may claim it. */
  claimable: boolean;
  /** Its maintainer's version is not what the source reports. */
  disagrees: boolean;
  /** Since when it is behind upstream (null unless outdated). */
  outdatedSince: number | null;
}

function selectViews(tx: Tx | Db) {
  return tx
    .select({
      id: packages.id,
      softwareSlug: software.slug,
      softwareName: software.name,
      distro: packages.distro,
      release: packages.release,
      packageName: packages.packageName,
      version: packages.version,
      url: packages.url,
      notes: packages.notes,
      origin: packages.origin,
      maintainerName: packages.maintainerName,
      maintainerUsername: users.username,
      maintainerDisplay: users.displayName,
      upstreamVersion: software.latestVersion,
      upstreamVersionAt: software.latestVersionAt,
      updatedAt: packages.updatedAt,
      maintainerUserId: packages.maintainerUserId,
      source: packages.source,
      foundVersion: packages.foundVersion,
      foundNormalized: packages.foundNormalized,
      foundStatus: packages.foundStatus,
      outdatedSince: packages.outdatedSince,
    })
    .from(packages)
    .innerJoin(software, eq(software.id, packages.softwareId))
    .leftJoin(users, eq(users.id, packages.maintainerUserId));
}

function toView(r: ReturnType<ReturnType<typeof selectViews>["all"]>[number]): PackageView {
  const verdict = statusOf(r, r.upstreamVersion);
  return {
    id: r.id,
    softwareSlug: r.softwareSlug,
    softwareName: r.softwareName,
    distro: r.distro,
    release: r.release,
    packageName: r.packageName,
    version: r.version,
    url: r.url,
    notes: r.notes,
    origin: r.origin,
    maintainer: r.maintainerUsername ? `@${r.maintainerUsername}` : r.maintainerName,
    maintainerUsername: r.maintainerUsername,
    upstreamVersion: r.upstreamVersion,
    status: verdict.status,
    statusReason: verdict.reason,
    updatedAt: r.updatedAt,
    source: r.source,
    foundVersion: r.foundVersion,
    foundNormalized: r.foundNormalized,
    foundStatus: r.foundStatus,
    claimable: r.maintainerUserId === null,
    disagrees: r.maintainerUserId !== null && r.foundVersion !== null && !sameVersion(r.version, r.foundVersion),
    // rows that fell behind before the date was kept count from the upstream release's arrival
    outdatedSince: verdict.status === "outdated" ? (r.outdatedSince ?? r.upstreamVersionAt ?? r.updatedAt) : null,
  };
}

/**
 * A package's status: compared with upstream's latest release; when that cannot be done, and
 * the version shown is the one Repology reported, Repology's own verdict.
 */
function statusOf(
  p: { version: string; source: PackageSource | null; foundVersion: string | null; foundStatus: string | null },
  upstream: string | null,
): VersionVerdict {
  const verdict = compareToUpstream(p.version, upstream);
  if (verdict.status !== "unknown" || p.source !== "repology" || p.foundVersion !== p.version) return verdict;
  const theirs = repologyVerdict(p.foundStatus);
  return theirs ? { status: theirs, reason: `Repology's verdict (${p.foundStatus}): ${verdict.reason}` } : verdict;
}

/** 1.15.3 and 1.15.3-r0 are the same release; two strings that are not versions must match exactly. */
function sameVersion(a: string, b: string): boolean {
  const d = compareVersions(a, b);
  return d === null ? a === b : d === 0;
}

export function listSoftware(db: Db): (SoftwareRow & { targetSlug: string })[] {
  return db
    .select({ s: software, targetSlug: targets.slug })
    .from(software)
    .innerJoin(targets, eq(targets.id, software.targetId))
    .orderBy(asc(software.id))
    .all()
    .map((r) => ({ ...r.s, targetSlug: r.targetSlug }));
}

export function getSoftwareBySlug(db: Db, slug: string): SoftwareRow | null {
  return db.select().from(software).where(eq(software.slug, slug)).get() ?? null;
}

/** Every active package with its status against upstream. */
export function listPackages(
  db: Db,
  filters: { software?: string; distro?: DistributionSlug; maintainer?: string; outdatedSince?: number } = {},
): PackageView[] {
  return selectViews(db)
    .where(
      and(
        isNull(packages.retiredAt),
        filters.software ? eq(software.slug, filters.software) : undefined,
        filters.distro ? eq(packages.distro, filters.distro) : undefined,
        filters.maintainer ? eq(users.username, filters.maintainer) : undefined,
      ),
    )
    .orderBy(asc(software.id), asc(packages.distro), asc(packages.release), asc(packages.packageName))
    .all()
    .map(toView)
    .filter((p) => filters.outdatedSince === undefined || (p.outdatedSince !== null && p.outdatedSince >= filters.outdatedSince));
}

export function getPackage(db: Db, id: number): (PackageView & { maintainerUserId: number | null; retiredAt: number | null }) | null {
  const row = selectViews(db).where(eq(packages.id, id)).get();
  if (!row) return null;
  const extra = db.select({ maintainerUserId: packages.maintainerUserId, retiredAt: packages.retiredAt }).from(packages).where(eq(packages.id, id)).get()!;
  return { ...toView(row), ...extra };
}

export type MatrixStatus = PackageStatus | "missing";

export interface MatrixCell {
  distro: DistributionSlug;
  /** The packages to show (only those in the filtered state, when a status is chosen). */
  packages: PackageView[];
  /** No package for this software here, where one would make sense (and the filter asks for gaps). */
  missing: boolean;
  /** Packaging this software for this distribution makes no sense (lib/packaging-fit.ts). */
  notApplicable: boolean;
}

/**
 * Software × distribution. A status filter keeps only the rows with a cell in that state,
 * and in each row only the matching packages (for `missing`, only the empty cells).
 */
export function getMatrix(
  db: Db,
  filters: { software?: string; distro?: DistributionSlug; status?: MatrixStatus; outdatedSince?: number },
): { rows: { software: SoftwareRow & { targetSlug: string }; cells: MatrixCell[] }[]; distros: DistributionSlug[] } {
  const distros = DISTRIBUTIONS.map((d) => d.slug).filter((d) => !filters.distro || d === filters.distro);
  const all = listPackages(db, { software: filters.software, distro: filters.distro, outdatedSince: filters.outdatedSince });
  // "outdated since" a day asks about outdated packages only
  const status = filters.outdatedSince !== undefined ? "outdated" : filters.status;
  const rows = listSoftware(db)
    .filter((s) => !filters.software || s.slug === filters.software)
    .map((s) => ({
      software: s,
      cells: distros.map((distro): MatrixCell => {
        const here = all.filter((p) => p.softwareSlug === s.slug && p.distro === distro);
        const fits = fitsDistribution(s.slug, distro);
        return {
          distro,
          packages: !status ? here : status === "missing" ? [] : here.filter((p) => p.status === status),
          // a status filter other than "missing" asks about packages, not gaps
          missing: fits && here.length === 0 && (!status || status === "missing"),
          notApplicable: !fits && here.length === 0,
        };
      }),
    }))
    .filter((row) => !status || row.cells.some((c) => (status === "missing" ? c.missing : c.packages.length > 0)));
  return { rows, distros };
}

/** What a packager types for a package (the software chosen by id). */
export type PackageInput = Pick<PackageRow, "softwareId" | "distro" | "release" | "packageName" | "version" | "url" | "notes" | "origin">;

export class DuplicatePackage extends Conflict {
  constructor(readonly existingId: number) {
    super("This package is already registered for that software, distribution and release.");
  }
}

function findDuplicate(tx: Tx, input: PackageInput, exceptId?: number): number | null {
  const row = tx
    .select({ id: packages.id })
    .from(packages)
    .where(
      and(
        eq(packages.softwareId, input.softwareId),
        eq(packages.distro, input.distro),
        eq(packages.release, input.release),
        eq(packages.packageName, input.packageName),
        isNull(packages.retiredAt),
        exceptId ? sql`${packages.id} <> ${exceptId}` : undefined,
      ),
    )
    .get();
  return row?.id ?? null;
}

const mayPackage = (actor: BountyActor) => actor.roles.includes("packager") || actor.roles.includes("admin");

/**
 * Registers a package with the acting packager as its maintainer. A package a source found
 * and nobody here maintains is claimed instead: the packager becomes its maintainer, with
 * what they typed.
 * @throws Forbidden without the packager role; DuplicatePackage (409, with the existing id) when it has a maintainer here.
 */
export function registerPackage(db: Db, actor: BountyActor, input: PackageInput, now = Date.now()): PackageRow {
  if (!mayPackage(actor)) throw new Forbidden("Only packagers can register packages.");
  return writeTx(db, (tx) => {
    if (!tx.select({ id: software.id }).from(software).where(eq(software.id, input.softwareId)).get()) throw new NotFound("There is no such software.");
    const duplicate = findDuplicate(tx, input);
    if (duplicate) {
      const existing = tx.select().from(packages).where(eq(packages.id, duplicate)).get()!;
      if (existing.maintainerUserId !== null) throw new DuplicatePackage(duplicate);
      const row = tx
        .update(packages)
        .set({ ...input, maintainerUserId: actor.userId, maintainerName: null, updatedAt: now })
        .where(eq(packages.id, duplicate))
        .returning()
        .get();
      if (existing.version !== input.version)
        recordVersionChange(tx, { packageId: row.id, previousVersion: existing.version, version: input.version, side: "person", userId: actor.userId }, now);
      refreshOutdated(tx, input.softwareId, now);
      recordAudit(tx, actor, { action: "package.claimed", entityType: "package", entityId: row.id, before: { version: existing.version }, after: input }, now);
      return row;
    }
    const row = tx
      .insert(packages)
      .values({ ...input, maintainerUserId: actor.userId, createdAt: now, updatedAt: now })
      .returning()
      .get();
    recordVersionChange(tx, { packageId: row.id, previousVersion: null, version: input.version, side: "person", userId: actor.userId }, now);
    refreshOutdated(tx, input.softwareId, now);
    recordAudit(tx, actor, { action: "package.registered", entityType: "package", entityId: row.id, after: input }, now);
    return row;
  });
}

/**
 * A packager takes on a package nobody here maintains (one a source found, or a seeded one):
 * they become its maintainer and its version is theirs to keep from now on.
 * @throws Forbidden (not a packager), NotFound, Conflict (it has a maintainer here already).
 */
export function claimPackage(db: Db, actor: BountyActor, id: number, now = Date.now()) {
  if (!mayPackage(actor)) throw new Forbidden("Only packagers can claim packages.");
  writeTx(db, (tx) => {
    const row = tx.select().from(packages).where(eq(packages.id, id)).get();
    if (!row || row.retiredAt !== null) throw new NotFound("There is no such package.");
    if (row.maintainerUserId !== null) throw new Conflict("This package already has a maintainer here.");
    tx.update(packages).set({ maintainerUserId: actor.userId, maintainerName: null, updatedAt: now }).where(eq(packages.id, id)).run();
    recordAudit(tx, actor, { action: "package.claimed", entityType: "package", entityId: id, before: { maintainerName: row.maintainerName } }, now);
  });
}

/** One entry of a package's version history. */
export function recordVersionChange(
  tx: Tx,
  change: { packageId: number; previousVersion: string | null; version: string; side: "source" | "person"; source?: PackageSource; userId?: number | null },
  now: number,
) {
  tx.insert(packageVersions)
    .values({
      packageId: change.packageId,
      previousVersion: change.previousVersion,
      version: change.version,
      side: change.side,
      source: change.source ?? null,
      userId: change.userId ?? null,
      at: now,
    })
    .run();
}

export interface VersionHistoryEntry {
  at: number;
  previousVersion: string | null;
  version: string;
  side: "source" | "person";
  source: PackageSource | null;
  username: string | null;
}

/** A package's versions, newest first. */
export function listVersionHistory(db: Db, packageId: number): VersionHistoryEntry[] {
  return db
    .select({
      at: packageVersions.at,
      previousVersion: packageVersions.previousVersion,
      version: packageVersions.version,
      side: packageVersions.side,
      source: packageVersions.source,
      username: users.username,
    })
    .from(packageVersions)
    .leftJoin(users, eq(users.id, packageVersions.userId))
    .where(eq(packageVersions.packageId, packageId))
    .orderBy(desc(packageVersions.at), desc(packageVersions.id))
    .all();
}

/**
 * Keeps `outdated_since` true to each package of a software: set (to now) when it falls
 * behind upstream, cleared when it catches up. Called after every version change, from
 * either side, so "outdated since" is the day it happened.
 */
export function refreshOutdated(tx: Tx, softwareId: number, now: number) {
  const sw = tx.select({ latestVersion: software.latestVersion }).from(software).where(eq(software.id, softwareId)).get();
  const rows = tx
    .select({
      id: packages.id,
      version: packages.version,
      outdatedSince: packages.outdatedSince,
      source: packages.source,
      foundVersion: packages.foundVersion,
      foundStatus: packages.foundStatus,
    })
    .from(packages)
    .where(and(eq(packages.softwareId, softwareId), isNull(packages.retiredAt)))
    .all();
  for (const p of rows) {
    const outdated = statusOf(p, sw?.latestVersion ?? null).status === "outdated";
    if (outdated === (p.outdatedSince !== null)) continue;
    tx.update(packages)
      .set({ outdatedSince: outdated ? now : null })
      .where(eq(packages.id, p.id))
      .run();
  }
}

/** The names a software has in each source; null leaves it out of that source. */
export type SourceNames = Pick<SoftwareRow, "repologyName" | "chartName" | "imageName">;

/** Admins say which names a software has in each source. @throws Forbidden, NotFound */
export function setSourceNames(db: Db, actor: BountyActor, softwareId: number, names: SourceNames, now = Date.now()) {
  if (!actor.roles.includes("admin")) throw new Forbidden("Only admins can change where a software is looked up.");
  writeTx(db, (tx) => {
    const row = tx.select().from(software).where(eq(software.id, softwareId)).get();
    if (!row) throw new NotFound("There is no such software.");
    tx.update(software).set(names).where(eq(software.id, softwareId)).run();
    recordAudit(
      tx,
      actor,
      {
        action: "software.sources_set",
        entityType: "software",
        entityId: softwareId,
        before: { repologyName: row.repologyName, chartName: row.chartName, imageName: row.imageName },
        after: names,
      },
      now,
    );
  });
}

function requireEditable(tx: Tx, actor: BountyActor, id: number): PackageRow {
  const row = tx.select().from(packages).where(eq(packages.id, id)).get();
  if (!row || row.retiredAt !== null) throw new NotFound("There is no such package.");
  const isMaintainer = actor.userId !== null && row.maintainerUserId === actor.userId;
  if (!isMaintainer && !actor.roles.includes("admin")) throw new Forbidden("Only the package's maintainer or an admin can change it.");
  return row;
}

/** Checks, before reading a form, that this actor may change the package. @throws NotFound, Forbidden */
export function assertCanEditPackage(db: Db, actor: BountyActor, id: number) {
  db.transaction((tx) => requireEditable(tx, actor, id));
}

/** @throws NotFound, Forbidden (not the maintainer or an admin), DuplicatePackage. */
export function updatePackage(db: Db, actor: BountyActor, id: number, input: PackageInput, now = Date.now()) {
  return writeTx(db, (tx) => {
    const before = requireEditable(tx, actor, id);
    const duplicate = findDuplicate(tx, input, id);
    if (duplicate) throw new DuplicatePackage(duplicate);
    tx.update(packages)
      .set({ ...input, updatedAt: now })
      .where(eq(packages.id, id))
      .run();
    if (before.version !== input.version)
      recordVersionChange(tx, { packageId: id, previousVersion: before.version, version: input.version, side: "person", userId: actor.userId }, now);
    refreshOutdated(tx, input.softwareId, now);
    if (before.softwareId !== input.softwareId) refreshOutdated(tx, before.softwareId, now);
    const { softwareId, distro, release, packageName, version, url, notes, origin } = before;
    recordAudit(
      tx,
      actor,
      {
        action: "package.updated",
        entityType: "package",
        entityId: id,
        before: { softwareId, distro, release, packageName, version, url, notes, origin },
        after: input,
      },
      now,
    );
  });
}

/** Retires a package (it leaves the matrix; the record stays). */
export function retirePackage(db: Db, actor: BountyActor, id: number, now = Date.now()) {
  writeTx(db, (tx) => {
    requireEditable(tx, actor, id);
    tx.update(packages).set({ retiredAt: now, updatedAt: now }).where(eq(packages.id, id)).run();
    recordAudit(tx, actor, { action: "package.retired", entityType: "package", entityId: id }, now);
  });
}

/** Admins set the latest upstream version by hand. */
export function setLatestVersion(db: Db, actor: BountyActor, softwareId: number, version: string, now = Date.now()) {
  if (!actor.roles.includes("admin")) throw new Forbidden("Only admins can change upstream versions.");
  writeTx(db, (tx) => {
    const row = tx.select().from(software).where(eq(software.id, softwareId)).get();
    if (!row) throw new NotFound("There is no such software.");
    tx.update(software).set({ latestVersion: version, latestVersionAt: now }).where(eq(software.id, softwareId)).run();
    refreshOutdated(tx, softwareId, now);
    tellOfOutdated(tx, row, version, now);
    recordAudit(
      tx,
      actor,
      {
        action: "software.version_set",
        entityType: "software",
        entityId: softwareId,
        before: { latestVersion: row.latestVersion },
        after: { latestVersion: version },
      },
      now,
    );
  });
}

/**
 * A release published upstream (webhook, or the GitHub source of the package sync): software
 * built from that repository gets it as its latest version, unless what we have is already
 * newer. Every package it leaves behind turns outdated at once, and its maintainer is told.
 */
export function applyUpstreamRelease(db: Db, repo: string, tag: string, now: number): number {
  const next = parseVersion(tag);
  if (!next) return 0;
  // inside a webhook delivery's transaction this is a savepoint
  return writeTx(db, (tx) => applyUpstreamReleaseIn(tx, repo, tag, now));
}

/** Returns how many software took the new version. */
function applyUpstreamReleaseIn(tx: Tx, repo: string, tag: string, now: number): number {
  let bumped = 0;
  for (const row of tx
    .select()
    .from(software)
    .where(sql`lower(${software.repo}) = ${repo.toLowerCase()}`)
    .all()) {
    const current = row.latestVersion ? parseVersion(row.latestVersion) : null;
    if (current && compareToUpstream(tag, row.latestVersion).status !== "ahead") continue;
    const version = tag.replace(/^v(?=\d)/i, "");
    tx.update(software).set({ latestVersion: version, latestVersionAt: now }).where(eq(software.id, row.id)).run();
    refreshOutdated(tx, row.id, now);
    tellOfOutdated(tx, row, version, now);
    bumped++;
  }
  return bumped;
}

/** Each maintainer of a package the new upstream version leaves behind hears of it, once per package and version. */
function tellOfOutdated(tx: Tx, sw: SoftwareRow, version: string, now: number) {
  const rows = tx
    .select({ id: packages.id, version: packages.version, distro: packages.distro, maintainerUserId: packages.maintainerUserId })
    .from(packages)
    .where(and(eq(packages.softwareId, sw.id), isNull(packages.retiredAt)))
    .all();
  for (const p of rows) {
    if (p.maintainerUserId === null || compareToUpstream(p.version, version).status !== "outdated") continue;
    notify(
      tx,
      {
        kind: "package_outdated",
        recipients: [p.maintainerUserId],
        eventKey: `package:${p.id}:outdated:${version}`,
        title: `Your ${distroName(p.distro)} package of ${sw.name} is outdated`,
        body: `${sw.name} ${version} is out upstream; your ${distroName(p.distro)} package has ${p.version}.`,
        link: `/packages/${p.id}`,
      },
      now,
    );
  }
}

/**
 * Opens a packaging bounty for a missing cell on the software's target, or returns the
 * one already open for it. Packagers, SSC members and admins open it directly; anyone
 * else signed in proposes it.
 */
export function requestPackaging(db: Db, actor: BountyActor, softwareSlug: string, distro: DistributionSlug, now = Date.now()) {
  return writeTx(db, (tx) => {
    const sw = db.select().from(software).where(eq(software.slug, softwareSlug)).get();
    if (!sw) throw new NotFound("There is no such software.");
    if (!fitsDistribution(sw.slug, distro)) throw new Unprocessable(`${sw.name} is not the kind of software ${distroName(distro)} packages.`);
    const title = `Package ${sw.name} for ${distroName(distro)}`;
    const existing = db
      .select({ id: bounties.id, status: bounties.status })
      .from(bounties)
      .where(
        and(
          eq(bounties.targetId, sw.targetId),
          eq(bounties.title, title),
          sql`${bounties.status} in ('proposed', 'open', 'claimed', 'in_progress', 'in_review')`,
        ),
      )
      .get();
    if (existing) return { id: existing.id, created: false, proposed: existing.status === "proposed" };
    const bounty = createBounty(
      db,
      actor,
      {
        targetId: sw.targetId,
        title,
        description:
          `There is no ${distroName(distro)} package of ${sw.name} registered in Club Zero.\n\n` +
          `Package it (or, as a packager here, [register the package](/packages/new) if it exists), following ${distroName(distro)}'s packaging guidelines, ` +
          `and submit a link to the package or the packaging pull request.${sw.latestVersion ? ` The latest upstream release is ${sw.latestVersion}.` : ""}`,
        kind: "packaging",
        personas: ["packager", "distro"],
      },
      now,
      { open: actor.roles.includes("packager") },
    );
    const packagers = tx
      .selectDistinct({ id: packages.maintainerUserId })
      .from(packages)
      .where(and(eq(packages.softwareId, sw.id), isNull(packages.retiredAt)))
      .all()
      .map((r) => r.id);
    notify(
      tx,
      {
        kind: "packaging_requested",
        recipients: packagers,
        exceptUserId: actor.userId,
        eventKey: `bounty:${bounty.id}:packaging_requested`,
        title: `Packaging requested: ${title}`,
        body: `${actor.label} asked for a ${distroName(distro)} package of ${sw.name}, which you package elsewhere.`,
        link: `/bounties/${bounty.id}`,
      },
      now,
    );
    return { id: bounty.id, created: true, proposed: bounty.status === "proposed" };
  });
}
