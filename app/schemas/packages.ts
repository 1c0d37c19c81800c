import { z } from "zod";
import { DISTRIBUTION_SLUGS, MATRIX_STATUSES, PACKAGE_ORIGINS } from "../lib/vocabulary";
import { choice, form, isoDate, text } from "./fields";

const choices = (values: readonly string[]) => values.join(", ");

export const MatrixQuerySchema = form({
  software: z.string().trim().max(64, "is too long").optional(),
  distro: z.enum(DISTRIBUTION_SLUGS, { error: `choose one of ${choices(DISTRIBUTION_SLUGS)}` }).optional(),
  status: z.enum(MATRIX_STATUSES, { error: `choose one of ${choices(MATRIX_STATUSES)}` }).optional(),
  /** Outdated since that day (UTC): packages that fell behind upstream on or after it. */
  since: isoDate("the day")
    .transform((day) => Date.parse(`${day}T00:00:00Z`))
    .optional(),
});

// Names as each source spells them; empty means "not looked up there".
const sourceName = (field: string, pattern: RegExp, example: string) =>
  text(field)
    .trim()
    .max(200, `Keep ${field} under 200 characters.`)
    .refine((s) => s === "" || pattern.test(s), `Give ${field} as the source spells it, e.g. ${example}, or leave it empty.`)
    .transform((s) => (s === "" ? null : s))
    .prefault("");

export const SourceNamesSchema = form({
  // Repology project names: lowercase, digits and - _ . + : (e.g. python:requests)
  repologyName: sourceName("the Repology project", /^[a-z0-9][a-z0-9_.+:-]*$/, "spire"),
  // Helm chart names: lowercase letters, digits and dashes
  chartName: sourceName("the Helm chart", /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "spire"),
  // OCI repository names: path components of [a-z0-9] joined by . _ __ or -, separated by /
  imageName: sourceName("the container image", /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/, "spiffe/spire-server"),
});

// Printable text only: control characters would break feeds and terminals.
const Text = (field: string, max: number, tooLong: string) =>
  text(field)
    .trim()
    .max(max, tooLong)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `Remove the control characters from ${field}.`);

export const PackageFormSchema = form({
  software: text("the software").trim().min(1, "Choose the software."),
  distro: choice(DISTRIBUTION_SLUGS, "Choose a distribution from the list."),
  origin: choice(PACKAGE_ORIGINS, "Say who publishes the package: the distribution itself, or a third party.").prefault("distribution"),
  release: Text("the release", 40, "Keep the release under 40 characters (e.g. bookworm, el9, 3.20).").default(""),
  packageName: Text("the package name", 200, "Keep the package name under 200 characters.").pipe(
    z.string().min(1, "Give the package's name in the distribution."),
  ),
  // every distribution's version grammar fits in these characters (Debian's epoch and ~, RPM's ^, Alpine's -r0)
  version: Text("the version", 100, "Keep the version under 100 characters.").pipe(
    z
      .string()
      .min(1, "Give the packaged version, e.g. 1.15.0-1.")
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9.+~:_^-]*$/,
        "Give the version as the distribution writes it: letters, digits and . + ~ : _ ^ - only, e.g. 1:1.15.0~rc1-2.",
      ),
  ),
  url: text("the package URL")
    .trim()
    .refine((s) => s === "" || /^https?:\/\/[^\s]+$/.test(s), "Give a full http(s) URL of the package page, or leave it empty.")
    .transform((s) => (s === "" ? null : s))
    .pipe(z.union([z.null(), z.url({ protocol: /^https?$/, error: "Give a full http(s) URL of the package page, or leave it empty." })]))
    .prefault(""),
  notes: Text("the notes", 2000, "Keep the notes under 2,000 characters.")
    .transform((s) => (s === "" ? null : s))
    .prefault(""),
});
