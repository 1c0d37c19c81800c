import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { bounties, DISTRIBUTIONS, packages, software, targets, users, type DistributionSlug } from "~/db/schema";
import { writeTx, type Db, type Tx } from "../db.server";
import { distroName } from "../lib/distros";
import { fitsDistribution } from "../lib/packaging-fit";
import { compareToUpstream, parseVersion, type PackageStatus } from "../lib/versions";
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
      updatedAt: packages.updatedAt,
    })
    .from(packages)
    .innerJoin(software, eq(software.id, packages.softwareId))
    .leftJoin(users, eq(users.id, packages.maintainerUserId));
}

function toView(r: ReturnType<ReturnType<typeof selectViews>["all"]>[number]): PackageView {
  const verdict = compareToUpstream(r.version, r.upstreamVersion);
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
  };
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
export function listPackages(db: Db, filters: { software?: string; distro?: DistributionSlug; maintainer?: string } = {}): PackageView[] {
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
    .map(toView);
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
  filters: { software?: string; distro?: DistributionSlug; status?: MatrixStatus },
): { rows: { software: SoftwareRow & { targetSlug: string }; cells: MatrixCell[] }[]; distros: DistributionSlug[] } {
  const distros = DISTRIBUTIONS.map((d) => d.slug).filter((d) => !filters.distro || d === filters.distro);
  const all = listPackages(db, { software: filters.software, distro: filters.distro });
  const status = filters.status;
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

/**
 * Registers a package with the acting packager as its maintainer.
 * @throws Forbidden without the packager role; DuplicatePackage (409, with the existing id).
 */
export function registerPackage(db: Db, actor: BountyActor, input: PackageInput, now = Date.now()): PackageRow {
  if (!actor.roles.includes("packager") && !actor.roles.includes("admin")) throw new Forbidden("Only packagers can register packages.");
  return writeTx(db, (tx) => {
    if (!tx.select({ id: software.id }).from(software).where(eq(software.id, input.softwareId)).get()) throw new NotFound("There is no such software.");
    const duplicate = findDuplicate(tx, input);
    if (duplicate) throw new DuplicatePackage(duplicate);
    const row = tx
      .insert(packages)
      .values({ ...input, maintainerUserId: actor.userId, createdAt: now, updatedAt: now })
      .returning()
      .get();
    recordAudit(tx, actor, { action: "package.registered", entityType: "package", entityId: row.id, after: input }, now);
    return row;
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
 * A release published upstream (webhook): software built from that repository gets it as
 * its latest version, unless what we have is already newer.
 */
export function applyUpstreamRelease(db: Db, repo: string, tag: string, now: number) {
  const next = parseVersion(tag);
  if (!next) return;
  // inside a webhook delivery's transaction this is a savepoint
  writeTx(db, (tx) => applyUpstreamReleaseIn(tx, repo, tag, now));
}

function applyUpstreamReleaseIn(tx: Tx, repo: string, tag: string, now: number) {
  for (const row of tx
    .select()
    .from(software)
    .where(sql`lower(${software.repo}) = ${repo.toLowerCase()}`)
    .all()) {
    const current = row.latestVersion ? parseVersion(row.latestVersion) : null;
    if (current && compareToUpstream(tag, row.latestVersion).status !== "ahead") continue;
    const version = tag.replace(/^v(?=\d)/i, "");
    tx.update(software).set({ latestVersion: version, latestVersionAt: now }).where(eq(software.id, row.id)).run();
    tellOfOutdated(tx, row, version, now);
  }
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
      .select({ id: bounties.id })
      .from(bounties)
      .where(
        and(
          eq(bounties.targetId, sw.targetId),
          eq(bounties.title, title),
          sql`${bounties.status} in ('proposed', 'open', 'claimed', 'in_progress', 'in_review')`,
        ),
      )
      .get();
    if (existing) return { id: existing.id, created: false };
    const bounty = createBounty(
      db,
      actor,
      {
        targetId: sw.targetId,
        title,
        description:
          `There is no ${distroName(distro)} package of ${sw.name} registered in Club Zero.\n\n` +
          `Package it (or register an existing package at /packages/new), following ${distroName(distro)}'s packaging guidelines, ` +
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
    return { id: bounty.id, created: true };
  });
}
