// What a source says about one package of one software: the shape every adapter returns.
import type { DistributionSlug, PackageOrigin } from "../lib/vocabulary";

export interface FoundPackage {
  distro: DistributionSlug;
  release: string;
  packageName: string;
  /** The version as the repository spells it (Repology's origversion when it has one). */
  version: string;
  /** Repology's normalized version, when it differs from `version`. */
  normalized: string | null;
  /** The source's own verdict (Repology's status), when it gives one. */
  status: string | null;
  origin: PackageOrigin;
  url: string | null;
}
