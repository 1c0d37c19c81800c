// Comparing a distribution's package version with the upstream release. Pure.

export const PACKAGE_STATUSES = ["newest", "outdated", "ahead", "unknown"] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

export interface ParsedVersion {
  numbers: number[];
  /** A pre-release of `numbers` (1.15.0~rc1, 1.15.0-rc.1, 1.15.0_beta2): older than the release. */
  prerelease: boolean;
  /** A snapshot built after a release (unstable-2025-01-01, git20250101, +git…): newer. */
  snapshot: boolean;
}

const PRE = /^(?:~|[-_.]?)(alpha|beta|rc|pre|preview)\.?\d*/i;
const SNAPSHOT = /(unstable|git|snapshot|dev|nightly|\d{8})/i;

/**
 * Reads the upstream part of a distribution version: drops an epoch (`1:`), a leading `v`,
 * a Debian revision or RPM release (`-2`, `-1.el9`), an Alpine release (`-r0`) and distro
 * tags (`+dfsg`, `+ds1`, `.el9`). Null when nothing version-like is left.
 */
export function parseVersion(raw: string): ParsedVersion | null {
  let v = raw.trim();
  v = v.replace(/^\d+:/, ""); // epoch
  v = v.replace(/^v(?=\d)/i, "");
  const m = /^(\d+(?:\.\d+)*)(.*)$/.exec(v);
  if (!m) return null;
  const numbers = m[1]!.split(".").map(Number);
  if (numbers.some((n) => !Number.isSafeInteger(n))) return null;
  let rest = m[2]!;
  let prerelease = false;
  let snapshot = false;
  const pre = PRE.exec(rest);
  if (pre) {
    prerelease = true;
    rest = rest.slice(pre[0].length);
  }
  // What is left is packaging: -r0, -1.el9, -2ubuntu1, +dfsg, .el9 — or a snapshot marker.
  if (SNAPSHOT.test(rest.replace(/^-r\d+$/, "").replace(/^-\d+(?:\.[a-z]+\d*)*$/i, ""))) snapshot = !prerelease;
  return { numbers, prerelease, snapshot };
}

function compareNumbers(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Orders two release tags (`v1.10.0` against `v1.9.3`): positive when `a` is the newer
 * version, negative when older, 0 when the same; a pre-release is older than its release.
 * Null when either does not read as a version.
 */
export function compareVersions(a: string, b: string): number | null {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return null;
  const d = compareNumbers(x.numbers, y.numbers);
  if (d !== 0) return d;
  return x.prerelease === y.prerelease ? 0 : x.prerelease ? -1 : 1;
}

export interface VersionVerdict {
  status: PackageStatus;
  /** Why, in a sentence, when the status is `unknown`. */
  reason: string | null;
}

/** How a distribution's version stands against upstream's latest release. */
export function compareToUpstream(packaged: string, upstream: string | null): VersionVerdict {
  if (!upstream) return { status: "unknown", reason: "The upstream version is not known yet." };
  const a = parseVersion(packaged);
  const b = parseVersion(upstream);
  if (!a) return { status: "unknown", reason: `"${packaged}" does not look like a version we can compare.` };
  if (!b) return { status: "unknown", reason: `The upstream version "${upstream}" does not look like a version we can compare.` };
  const d = compareNumbers(a.numbers, b.numbers);
  if (d > 0) return { status: "ahead", reason: null };
  if (d < 0) return { status: a.snapshot ? "unknown" : "outdated", reason: a.snapshot ? "A snapshot of an older release line; compare by hand." : null };
  if (a.prerelease && !b.prerelease) return { status: "outdated", reason: null };
  if (a.snapshot) return { status: "ahead", reason: null };
  return { status: "newest", reason: null };
}
