import { DISTRIBUTIONS, type DistributionSlug, type PackageSource } from "./vocabulary";
import type { PackageStatus } from "./versions";

const NAMES = Object.fromEntries(DISTRIBUTIONS.map((d) => [d.slug, d.name])) as Record<DistributionSlug, string>;

/** "EPEL / Enterprise Linux" for "epel". Shared by server and browser code. */
export const distroName = (slug: DistributionSlug) => NAMES[slug];

/** How pages name each package source. */
export const SOURCE_NAMES: Record<PackageSource, string> = {
  github: "GitHub releases",
  repology: "Repology",
  helm: "the Helm repository",
  oci: "the container registry",
};

/** Where Repology's repository lives among our distributions, and which release it is. */
export interface RepologyPlace {
  distro: DistributionSlug;
  /** Our spelling of the release (bookworm, el9, 3.20, edge, 24.04); empty for a rolling repository. */
  release: string;
  /** AUR and similar user repositories are not the distribution's own archive. */
  origin: "distribution" | "third-party";
}

const DEBIAN_CODENAMES: Record<string, string> = { "11": "bullseye", "12": "bookworm", "13": "trixie", "14": "forky", unstable: "sid", testing: "testing" };

/** Repology repository name → our distribution and release; a repository we do not list (FreeBSD, Gentoo…) is null. */
const REPOLOGY_REPOS: [RegExp, (m: RegExpExecArray) => RepologyPlace | null][] = [
  [
    /^debian_(\d+|unstable|testing)$/,
    (m) => (DEBIAN_CODENAMES[m[1]!] ? { distro: "debian", release: DEBIAN_CODENAMES[m[1]!]!, origin: "distribution" } : null),
  ],
  [/^ubuntu_(\d+)_(\d+)$/, (m) => ({ distro: "ubuntu", release: `${m[1]}.${m[2]}`, origin: "distribution" })],
  [/^fedora_(\d+|rawhide)$/, (m) => ({ distro: "fedora", release: m[1]!, origin: "distribution" })],
  [/^epel_(\d+)$/, (m) => ({ distro: "epel", release: `el${m[1]}`, origin: "distribution" })],
  [/^alpine_(edge|\d+_\d+)$/, (m) => ({ distro: "alpine", release: m[1]!.replace("_", "."), origin: "distribution" })],
  [/^arch$/, () => ({ distro: "arch", release: "", origin: "distribution" })],
  [/^aur$/, () => ({ distro: "arch", release: "aur", origin: "third-party" })],
  [/^nix_unstable$/, () => ({ distro: "nixpkgs", release: "", origin: "distribution" })],
  [/^nix_stable_(\d+)_(\d+)$/, (m) => ({ distro: "nixpkgs", release: `${m[1]}.${m[2]}`, origin: "distribution" })],
  [/^homebrew$/, () => ({ distro: "homebrew", release: "", origin: "distribution" })],
  [/^wolfi$/, () => ({ distro: "wolfi", release: "", origin: "distribution" })],
];

/** `alpine_3_20` → Alpine 3.20; `debian_12` → Debian bookworm; `aur` → Arch, AUR (third-party); unknown → null. */
export function repologyPlace(repo: string): RepologyPlace | null {
  for (const [pattern, place] of REPOLOGY_REPOS) {
    const m = pattern.exec(repo);
    if (m) return place(m);
  }
  return null;
}

/**
 * Repology's verdict on a package in our words, for when we cannot compare ourselves (no
 * upstream version yet, or a version we cannot read): `newest` and `devel` (newer than the
 * stable release) are newest and ahead, `outdated` and `legacy` (an older branch) outdated.
 * `unique`, `rolling`, `noscheme` and the distrusted ones say nothing we can use.
 */
export function repologyVerdict(status: string | null): PackageStatus | null {
  switch (status) {
    case "newest":
      return "newest";
    case "devel":
      return "ahead";
    case "outdated":
    case "legacy":
      return "outdated";
    default:
      return null;
  }
}
