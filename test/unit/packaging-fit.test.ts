import { describe, expect, it } from "vitest";
import { fitsDistribution, PACKAGING_FITS, softwareKind, SOFTWARE_KINDS } from "~/app/lib/packaging-fit";
import { DISTRIBUTION_SLUGS } from "~/app/lib/vocabulary";

describe("which software fits which distribution", () => {
  it.each([
    ["spire-server", "debian", true],
    ["spire-server", "homebrew", true],
    ["spire-server", "container", true],
    ["spire-server", "helm", false],
    ["spiffe-helm-charts", "helm", true],
    ["spiffe-helm-charts", "debian", false],
    ["spiffe-helm-charts", "container", false],
    ["spiffe-csi-driver", "helm", true],
    ["spiffe-csi-driver", "container", true],
    ["spiffe-csi-driver", "homebrew", false],
    ["a-new-tool", "alpine", true],
  ] as const)("%s for %s: %s", (software, distro, fits) => {
    expect(fitsDistribution(software, distro)).toBe(fits);
  });

  it("every kind has a place, every place is a distribution we know, and 'other' takes anything", () => {
    for (const kind of SOFTWARE_KINDS) {
      expect(PACKAGING_FITS[kind].length).toBeGreaterThan(0);
      for (const d of PACKAGING_FITS[kind]) expect(DISTRIBUTION_SLUGS).toContain(d);
      expect(PACKAGING_FITS[kind]).toContain("other");
    }
    expect(softwareKind("something-unknown")).toBe("program");
  });
});
