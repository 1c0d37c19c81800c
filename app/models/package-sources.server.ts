// What the package sources told us: their last good answers (for conditional requests), their
// health (last success, last error, backoff), and the packages they report, merged into ours.
// The network is asked in app/packages/; everything here is one synchronous transaction.
import { and, asc, eq, isNull } from "drizzle-orm";
import { packages, packageSourceResponses, packageSources, PACKAGE_SOURCES, type PackageSource } from "~/db/schema";
import { writeTx, type Db } from "../db.server";
import { recordVersionChange, refreshOutdated } from "./packages.server";
import type { FoundPackage } from "../packages/found";
import type { CachedAnswer } from "../packages/http.server";

export function getCachedAnswer(db: Db, url: string): CachedAnswer | null {
  return (
    db
      .select({ etag: packageSourceResponses.etag, lastModified: packageSourceResponses.lastModified, body: packageSourceResponses.body })
      .from(packageSourceResponses)
      .where(eq(packageSourceResponses.url, url))
      .get() ?? null
  );
}

/** Keeps a fresh answer (with its validators) for the next conditional request. */
export function saveAnswer(
  db: Db,
  source: PackageSource,
  url: string,
  answer: { body: string; etag: string | null; lastModified: string | null },
  now = Date.now(),
) {
  const values = { source, etag: answer.etag, lastModified: answer.lastModified, body: answer.body, fetchedAt: now };
  db.insert(packageSourceResponses)
    .values({ url, ...values })
    .onConflictDoUpdate({ target: packageSourceResponses.url, set: values })
    .run();
}

export type SourceHealth = typeof packageSources.$inferSelect;

/** Every source, asked or not yet. */
export function listSourceHealth(db: Db): SourceHealth[] {
  const rows = new Map(
    db
      .select()
      .from(packageSources)
      .orderBy(asc(packageSources.source))
      .all()
      .map((r) => [r.source, r]),
  );
  return PACKAGE_SOURCES.map(
    (source) => rows.get(source) ?? { source, lastRunAt: null, lastSuccessAt: null, lastError: null, lastErrorAt: null, failures: 0, retryAt: 0 },
  );
}

/** Backoff after failures in a row: 15 minutes, doubling, at most a day; longer when the source said so (Retry-After). */
export function backoffMs(failures: number, retryAfterMs: number | null): number {
  const doubling = Math.min(15 * 60_000 * 2 ** Math.max(0, failures - 1), 24 * 3_600_000);
  return Math.max(doubling, retryAfterMs ?? 0);
}

/** Whether the scheduled sync should leave this source alone for now (it is backing off). */
export function isBackingOff(db: Db, source: PackageSource, now = Date.now()): boolean {
  const row = db.select({ retryAt: packageSources.retryAt }).from(packageSources).where(eq(packageSources.source, source)).get();
  return row !== undefined && row.retryAt > now;
}

/** How a source's run went: a success clears the error count; an error keeps the last success, and backs off. */
export function recordSourceRun(db: Db, source: PackageSource, outcome: { error: string | null; retryAfterMs: number | null }, now = Date.now()) {
  writeTx(db, (tx) => {
    tx.insert(packageSources).values({ source }).onConflictDoNothing().run();
    const row = tx.select().from(packageSources).where(eq(packageSources.source, source)).get()!;
    if (outcome.error === null) {
      tx.update(packageSources).set({ lastRunAt: now, lastSuccessAt: now, failures: 0, retryAt: 0 }).where(eq(packageSources.source, source)).run();
      return;
    }
    const failures = row.failures + 1;
    tx.update(packageSources)
      .set({ lastRunAt: now, lastError: outcome.error.slice(0, 1000), lastErrorAt: now, failures, retryAt: now + backoffMs(failures, outcome.retryAfterMs) })
      .where(eq(packageSources.source, source))
      .run();
  });
}

/**
 * Merges what a source reports for one software into its packages, in one transaction:
 * - a package nobody registered is added (found: no maintainer here yet);
 * - a package without a maintainer here follows the source's version;
 * - a maintained package keeps its maintainer's version; the source's is kept beside it,
 *   and the package page and its maintainer's feed flag the difference.
 * - a package this source reported before, that nobody here maintains and that it no longer
 *   lists, is retired (it left the distribution); a maintained one stays, its maintainer's word.
 * Every version change goes to the package's history. Returns how many packages changed:
 * an unchanged report changes nothing.
 */
export function applyFound(db: Db, source: PackageSource, softwareId: number, found: FoundPackage[], now = Date.now()): number {
  return writeTx(db, (tx) => {
    let changed = 0;
    const listed = new Set(found.map((f) => `${f.distro}\0${f.release}\0${f.packageName}`));
    for (const gone of tx
      .select({ id: packages.id, distro: packages.distro, release: packages.release, packageName: packages.packageName })
      .from(packages)
      .where(and(eq(packages.softwareId, softwareId), eq(packages.source, source), isNull(packages.maintainerUserId), isNull(packages.retiredAt)))
      .all()) {
      if (listed.has(`${gone.distro}\0${gone.release}\0${gone.packageName}`)) continue;
      tx.update(packages).set({ retiredAt: now, updatedAt: now }).where(eq(packages.id, gone.id)).run();
      changed++;
    }
    for (const f of found) {
      const row = tx
        .select()
        .from(packages)
        .where(
          and(
            eq(packages.softwareId, softwareId),
            eq(packages.distro, f.distro),
            eq(packages.release, f.release),
            eq(packages.packageName, f.packageName),
            isNull(packages.retiredAt),
          ),
        )
        .get();
      const report = { source, foundVersion: f.version, foundNormalized: f.normalized, foundStatus: f.status };
      if (!row) {
        const inserted = tx
          .insert(packages)
          .values({
            softwareId,
            distro: f.distro,
            release: f.release,
            packageName: f.packageName,
            version: f.version,
            url: f.url,
            origin: f.origin,
            ...report,
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: packages.id })
          .get();
        recordVersionChange(tx, { packageId: inserted.id, previousVersion: null, version: f.version, side: "source", source }, now);
        changed++;
        continue;
      }
      const follows = row.maintainerUserId === null && row.version !== f.version;
      const sameReport =
        row.source === source && row.foundVersion === f.version && row.foundNormalized === f.normalized && row.foundStatus === f.status && !follows;
      if (sameReport) continue;
      tx.update(packages)
        .set({ ...report, ...(follows ? { version: f.version } : {}), ...(row.url === null && f.url ? { url: f.url } : {}), updatedAt: now })
        .where(eq(packages.id, row.id))
        .run();
      if (follows) recordVersionChange(tx, { packageId: row.id, previousVersion: row.version, version: f.version, side: "source", source }, now);
      changed++;
    }
    refreshOutdated(tx, softwareId, now);
    return changed;
  });
}
