// Which kinds of software can sensibly be packaged for which distributions. Pure: the
// matrix asks it which empty cells to offer "Request packaging" on, and requestPackaging
// refuses the rest, so a Helm chart is never requested for Debian.
import type { DistributionSlug } from "./vocabulary";

export const SOFTWARE_KINDS = ["program", "kubernetes-component", "helm-chart"] as const;
export type SoftwareKind = (typeof SOFTWARE_KINDS)[number];

const OS_DISTRIBUTIONS = [
  "debian",
  "ubuntu",
  "fedora",
  "epel",
  "alpine",
  "arch",
  "nixpkgs",
  "homebrew",
  "wolfi",
] as const satisfies readonly DistributionSlug[];

/** Where each kind of software belongs ("other" takes anything). */
export const PACKAGING_FITS: Record<SoftwareKind, readonly DistributionSlug[]> = {
  // a binary people install on a machine, or run from an image
  program: [...OS_DISTRIBUTIONS, "container", "other"],
  // runs inside Kubernetes: shipped as an image and installed with a chart
  "kubernetes-component": ["container", "helm", "other"],
  // a chart is only ever a chart
  "helm-chart": ["helm", "other"],
};

/** The kind of each piece of software Club Zero tracks; anything else is a program. */
const KIND_BY_SOFTWARE: Record<string, SoftwareKind> = {
  "spire-controller-manager": "kubernetes-component",
  "spiffe-csi-driver": "kubernetes-component",
  "spiffe-helm-charts": "helm-chart",
};

export function softwareKind(softwareSlug: string): SoftwareKind {
  return KIND_BY_SOFTWARE[softwareSlug] ?? "program";
}

/** Whether packaging this software for this distribution makes sense. */
export function fitsDistribution(softwareSlug: string, distro: DistributionSlug): boolean {
  return PACKAGING_FITS[softwareKind(softwareSlug)].includes(distro);
}
