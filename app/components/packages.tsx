import { Form, Link } from "@remix-run/react";
import { formatRelative } from "../lib/dates";
import { SOURCE_NAMES } from "../lib/distros";
import { DISTRIBUTIONS, PACKAGE_ORIGINS, type PackageOrigin, type PackageSource } from "../lib/vocabulary";
import { ErrorSummary, Field, ResultMessage, SelectField, TextAreaField } from "./form";
import type { PackageStatus } from "../lib/versions";

export const STATUS_TEXT: Record<PackageStatus | "missing", string> = {
  newest: "newest",
  outdated: "outdated",
  ahead: "ahead",
  unknown: "unknown",
  missing: "missing",
};

export function PackageStatusBadge({ status, reason }: { status: PackageStatus; reason?: string | null }) {
  return (
    <span className={`badge pkg-status pkg-status--${status}`} title={reason ?? undefined}>
      {STATUS_TEXT[status]}
    </span>
  );
}

export interface PackageFormValues {
  software?: string;
  distro?: string;
  release?: string;
  packageName?: string;
  version?: string;
  url?: string | null;
  notes?: string | null;
  origin?: string;
}

/** The fields of a package, for registering and editing. */
export function PackageForm({
  software,
  values,
  errors,
  submitLabel,
  duplicateId,
}: {
  software: { slug: string; name: string }[];
  values: PackageFormValues;
  errors: Record<string, string | undefined>;
  submitLabel: string;
  duplicateId?: number | null;
}) {
  return (
    <Form method="post" className="stack" noValidate>
      {duplicateId ? (
        <ResultMessage tone="error" trigger={duplicateId}>
          This package is already registered for that software, distribution and release. <Link to={`/packages/${duplicateId}`}>See the existing entry</Link>.
        </ResultMessage>
      ) : (
        <ErrorSummary errors={errors} />
      )}
      <SelectField label="Software" name="software" defaultValue={values.software ?? ""} error={errors.software}>
        <option value="">Choose…</option>
        {software.map((s) => (
          <option key={s.slug} value={s.slug}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <SelectField label="Distribution" name="distro" defaultValue={values.distro ?? ""} error={errors.distro}>
        <option value="">Choose…</option>
        {DISTRIBUTIONS.map((d) => (
          <option key={d.slug} value={d.slug}>
            {d.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Published by"
        name="origin"
        defaultValue={values.origin ?? "distribution"}
        error={errors.origin}
        hint="The distribution's own archive, or someone else's repository for it (a PPA, COPR, a project's own repo)."
      >
        {PACKAGE_ORIGINS.map((o) => (
          <option key={o} value={o}>
            {ORIGIN_TEXT[o]}
          </option>
        ))}
      </SelectField>
      <Field
        label="Release (optional)"
        name="release"
        hint="e.g. bookworm, el9, 3.20"
        defaultValue={values.release ?? ""}
        error={errors.release}
        maxLength={40}
      />
      <Field label="Package name" name="packageName" defaultValue={values.packageName ?? ""} error={errors.packageName} required maxLength={200} />
      <Field
        label="Version"
        name="version"
        hint="As the distribution writes it, e.g. 1:1.15.0-2, 1.15.0-r0"
        defaultValue={values.version ?? ""}
        error={errors.version}
        required
        maxLength={100}
      />
      <Field label="Package URL (optional)" name="url" type="url" defaultValue={values.url ?? ""} error={errors.url} />
      <TextAreaField label="Notes (optional)" name="notes" rows={3} maxLength={2000} defaultValue={values.notes ?? ""} error={errors.notes} />
      <button type="submit" className="button" name="intent" value="save">
        {submitLabel}
      </button>
    </Form>
  );
}

export const ORIGIN_TEXT: Record<PackageOrigin, string> = {
  distribution: "The distribution itself",
  "third-party": "A third-party repository",
};

/** "third-party repository" next to a package that is not in the distribution's own archive. */
export function OriginBadge({ origin }: { origin: PackageOrigin }) {
  if (origin !== "third-party") return null;
  return <span className="badge badge--third-party">third-party repo</span>;
}

/** In a matrix cell: found by a source with nobody here maintaining it, or a maintainer's version the source contradicts. */
export function FoundBadges({ pkg }: { pkg: { source: PackageSource | null; claimable: boolean; disagrees: boolean; foundVersion: string | null } }) {
  return (
    <>
      {pkg.source && pkg.claimable ? (
        <span className="badge badge--found" title={`Found by ${SOURCE_NAMES[pkg.source]}; nobody here maintains it yet: a packager can claim it.`}>
          no maintainer here
        </span>
      ) : null}
      {pkg.disagrees && pkg.source ? (
        <span className="badge badge--disagrees" title={`${SOURCE_NAMES[pkg.source]} reports ${pkg.foundVersion}`}>
          {SOURCE_NAMES[pkg.source]} says {pkg.foundVersion}
        </span>
      ) : null}
    </>
  );
}

interface SourceAge {
  source: PackageSource;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
}

/** How old each source's data is; a failing source's data is the last it gave, and says so. */
export function SourceAges({ sources, now }: { sources: SourceAge[]; now: number }) {
  const asked = sources.filter((s) => s.lastSuccessAt !== null || s.lastErrorAt !== null);
  if (asked.length === 0) return null;
  return (
    <p className="muted small">
      Read from the sources:{" "}
      {asked.map((s, i) => (
        <span key={s.source}>
          {i > 0 ? "; " : ""}
          {SOURCE_NAMES[s.source]}{" "}
          {s.lastSuccessAt === null
            ? `not reached yet (last tried ${formatRelative(s.lastErrorAt!, now)})`
            : `as of ${formatRelative(s.lastSuccessAt, now)}${s.lastErrorAt !== null && s.lastErrorAt > s.lastSuccessAt ? " (failing since then: showing its last data)" : ""}`}
        </span>
      ))}
      .
    </p>
  );
}
