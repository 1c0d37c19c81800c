import { Form, Link } from "@remix-run/react";
import { DISTRIBUTIONS } from "../lib/vocabulary";
import { Field } from "./form";
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
        <div className="alert alert--error" role="alert">
          This package is already registered for that software, distribution and release. <Link to={`/packages/${duplicateId}`}>See the existing entry</Link>.
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="software">Software</label>
        <select id="software" name="software" defaultValue={values.software ?? ""} aria-invalid={errors.software ? true : undefined}>
          <option value="">Choose…</option>
          {software.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.name}
            </option>
          ))}
        </select>
        {errors.software ? <span className="field__error">{errors.software}</span> : null}
      </div>
      <div className="field">
        <label htmlFor="distro">Distribution</label>
        <select id="distro" name="distro" defaultValue={values.distro ?? ""} aria-invalid={errors.distro ? true : undefined}>
          <option value="">Choose…</option>
          {DISTRIBUTIONS.map((d) => (
            <option key={d.slug} value={d.slug}>
              {d.name}
            </option>
          ))}
        </select>
        {errors.distro ? <span className="field__error">{errors.distro}</span> : null}
      </div>
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
      <div className="field">
        <label htmlFor="notes">Notes (optional)</label>
        <textarea id="notes" name="notes" rows={3} maxLength={2000} defaultValue={values.notes ?? ""} />
        {errors.notes ? <span className="field__error">{errors.notes}</span> : null}
      </div>
      <button type="submit" className="button" name="intent" value="save">
        {submitLabel}
      </button>
    </Form>
  );
}
