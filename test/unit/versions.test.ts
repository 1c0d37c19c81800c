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
