import { describe, expect, it } from "vitest";
import { compareToUpstream, compareVersions, parseVersion } from "~/app/lib/versions";

describe("reading distribution versions", () => {
  it.each([
    // Debian / Ubuntu
    ["1:1.9.6-2", [1, 9, 6]],
    ["1.15.0+dfsg-1", [1, 15, 0]],
    ["1.15.0+ds1-2ubuntu1", [1, 15, 0]],
    // Fedora / EL
    ["1.15.0-1.el9", [1, 15, 0]],
    ["1.14.1-3.fc41", [1, 14, 1]],
    // Alpine / Wolfi
    ["1.15.0-r0", [1, 15, 0]],
    ["1.6.4-r12", [1, 6, 4]],
    // Nix, Homebrew, Go tags
    ["1.14.1", [1, 14, 1]],
    ["v1.15.0", [1, 15, 0]],
    ["0.0.18", [0, 0, 18]],
  ])("%s is upstream %j", (raw, numbers) => {
    expect(parseVersion(raw)?.numbers).toEqual(numbers);
  });

  it("refuses strings that are not versions", () => {
    expect(parseVersion("latest")).toBeNull();
    expect(parseVersion("")).toBeNull();
    expect(parseVersion("main")).toBeNull();
  });
});

describe("comparing with upstream", () => {
  it.each([
    ["1.15.0-r0", "1.15.0", "newest"],
    ["1:1.15.0-2", "v1.15.0", "newest"],
    ["1.15.0-1.el9", "1.15.3", "outdated"],
    ["1.14.0", "1.15.3", "outdated"],
    ["1.6.4-r12", "1.15.3", "outdated"],
    ["1.14.1", "1.15.3", "outdated"],
    ["1.15.0~rc1-1", "1.15.0", "outdated"],
    ["1.16.0-rc.1", "1.15.3", "ahead"],
    ["1.15.4", "1.15.3", "ahead"],
    ["1.15.3-unstable-2026-01-10", "1.15.3", "ahead"],
    ["1.15", "1.15.0", "newest"],
    ["0.11.0_1", "0.11.0", "newest"],
  ])("%s against upstream %s is %s", (packaged, upstream, status) => {
    expect(compareToUpstream(packaged, upstream).status).toBe(status);
  });

  it("says why when it cannot compare", () => {
    expect(compareToUpstream("latest", "1.15.3")).toEqual({ status: "unknown", reason: '"latest" does not look like a version we can compare.' });
    expect(compareToUpstream("1.0.0", null)).toEqual({ status: "unknown", reason: "The upstream version is not known yet." });
  });
});

// Every version string the package source fixtures (test/fixtures/packages) hold, read and
// compared as the sync reads them.
describe("versions the sources report", () => {
  it.each([
    // Repology origversion / version (repology-*.json)
    ["1.15.3-r0", [1, 15, 3], "1.15.3", "newest"],
    ["1.12.4-r3", [1, 12, 4], "1.15.3", "outdated"],
    ["1.15.2-1", [1, 15, 2], "1.15.3", "outdated"],
    ["1.15.3-r1", [1, 15, 3], "1.15.3", "newest"],
    ["1.14.0_2", [1, 14, 0], "1.15.3", "outdated"],
    ["1.16.0_git20261101-r0", [1, 16, 0], "1.15.3", "ahead"],
    ["1.16.0.20261101", [1, 16, 0, 20261101], "1.16.0", "ahead"],
    ["1.11.2", [1, 11, 2], "1.15.3", "outdated"],
    ["0.11.0-r2", [0, 11, 0], "0.11.0", "newest"],
    ["0.10.1", [0, 10, 1], "0.11.0", "outdated"],
    ["1.8.4-1", [1, 8, 4], "1.11.3", "outdated"],
    ["1.7.3-1+b2", [1, 7, 3], "1.11.3", "outdated"],
    ["1.7.1-2ubuntu0.1", [1, 7, 1], "1.11.3", "outdated"],
    ["1.11.3-1.fc44", [1, 11, 3], "1.11.3", "newest"],
    ["1.10.0-2.el9", [1, 10, 0], "1.11.3", "outdated"],
    ["1.16.0-r0", [1, 16, 0], "1.16.0", "newest"],
    // Helm chart versions and appVersions (helm-index.yaml)
    ["0.30.0", [0, 30, 0], "0.30.0", "newest"],
    ["0.31.0-rc.1", [0, 31, 0], "0.30.0", "ahead"],
    ["0.29.1", [0, 29, 1], "0.30.0", "outdated"],
    ["1.16.0-rc.1", [1, 16, 0], "1.16.0", "outdated"],
    ["0.0.1", [0, 0, 1], "0.0.1", "newest"],
    // registry tags (oci-tags.json) and GitHub release tags
    ["1", [1], "1.15.3", "outdated"],
    ["1.14", [1, 14], "1.15.3", "outdated"],
    ["0.2.7", [0, 2, 7], "0.2.7", "newest"],
    ["v1.16.0", [1, 16, 0], "1.16.0", "newest"],
  ])("%s reads as %j and against upstream %s is %s", (raw, numbers, upstream, status) => {
    expect(parseVersion(raw)?.numbers).toEqual(numbers);
    expect(compareToUpstream(raw, upstream).status).toBe(status);
  });

  it.each(["latest", "nightly", "stable", "sha-3f9c2ab", "sha256-6b1e0f4c9d2a7e8b3c5f0a1d4e7b9c2f5a8d0e3b6c9f1a4d7e0b3c6f9a2d5e8b.sig"])(
    "the registry tag %s is not a version",
    (tag) => {
      expect(parseVersion(tag)).toBeNull();
    },
  );

  it("orders the registry's tags so the full release wins over its short aliases and candidates", () => {
    expect(compareVersions("1.15.3", "1.15")).toBeGreaterThan(0);
    expect(compareVersions("1.15.3", "1")).toBeGreaterThan(0);
    expect(compareVersions("1.16.0-rc.1", "1.15.3")).toBeGreaterThan(0);
    expect(compareVersions("1.16.0-rc.1", "1.16.0")).toBeLessThan(0);
    expect(compareVersions("1.15.3-r0", "1.15.3")).toBe(0);
  });
});

describe("ordering release tags", () => {
  it("orders by version, not by text or publication: v1.10.0 is newer than the backport v1.9.3", () => {
    expect(compareVersions("v1.9.3", "v1.10.0")).toBeLessThan(0);
    expect(compareVersions("v1.10.0", "v1.9.3")).toBeGreaterThan(0);
    expect(compareVersions("1.10.0", "v1.10.0")).toBe(0);
    expect(compareVersions("v2.0.0-rc.1", "v2.0.0")).toBeLessThan(0);
    expect(compareVersions("v2.0.0", "v2.0.0-rc.1")).toBeGreaterThan(0);
    expect(compareVersions("nightly", "v1.0.0")).toBeNull();
  });
});

describe("the edges of reading a version", () => {
  it("reads through surrounding spaces, a two-digit epoch and multi-digit numbers", () => {
    expect(parseVersion(" 1.15.0 ")).toEqual({ numbers: [1, 15, 0], prerelease: false, snapshot: false });
    expect(parseVersion("12:2.4.1-1")?.numbers).toEqual([2, 4, 1]);
    expect(parseVersion("10.2")?.numbers).toEqual([10, 2]);
    expect(compareVersions("v10.0.0", "v9.9.9")).toBe(1);
  });

  it("refuses numbers too large to compare exactly", () => {
    expect(parseVersion("99999999999999999999.1")).toBeNull();
    expect(compareVersions("99999999999999999999.1", "1.0")).toBeNull();
  });

  it("an Alpine or RPM release that is a long number is packaging, not a snapshot", () => {
    expect(parseVersion("1.15.0-r20250101")?.snapshot).toBe(false);
    expect(parseVersion("1.15.0-20250101")?.snapshot).toBe(false);
    expect(parseVersion("1.15.0-20250101.el9")?.snapshot).toBe(false);
    expect(parseVersion("1.15.0-1.el10")?.snapshot).toBe(false);
    expect(parseVersion("1.15.0+git20250101")?.snapshot).toBe(true);
  });

  it("says why when upstream's version cannot be compared, and that an older line's snapshot needs a person", () => {
    expect(compareToUpstream("1.15.0", "latest")).toEqual({
      status: "unknown",
      reason: 'The upstream version "latest" does not look like a version we can compare.',
    });
    expect(compareToUpstream("1.14.0+git20250101", "1.15.0")).toEqual({ status: "unknown", reason: "A snapshot of an older release line; compare by hand." });
    expect(compareToUpstream("1.14.0", "1.15.0")).toEqual({ status: "outdated", reason: null });
  });
});
