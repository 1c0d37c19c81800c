// The package sources' wire formats, read by the adapters' pure parts (app/packages/*).
import { describe, expect, it } from "vitest";
import { repologyPlace, repologyVerdict } from "~/app/lib/distros";
import { foundInHelm, parseHelmIndex } from "~/app/packages/helm.server";
import { parseRetryAfter } from "~/app/packages/http.server";
import { foundInRegistry, nextLink, parseBearerChallenge, parseImageTags } from "~/app/packages/oci.server";
import { foundInRepology, parseRepologyProject } from "~/app/packages/repology.server";
import { fixture } from "../support/fake-sources";

describe("Repology's repositories among our distributions", () => {
  it.each([
    ["debian_12", { distro: "debian", release: "bookworm", origin: "distribution" }],
    ["debian_unstable", { distro: "debian", release: "sid", origin: "distribution" }],
    ["ubuntu_24_04", { distro: "ubuntu", release: "24.04", origin: "distribution" }],
    ["fedora_rawhide", { distro: "fedora", release: "rawhide", origin: "distribution" }],
    ["fedora_41", { distro: "fedora", release: "41", origin: "distribution" }],
    ["epel_9", { distro: "epel", release: "el9", origin: "distribution" }],
    ["alpine_edge", { distro: "alpine", release: "edge", origin: "distribution" }],
    ["alpine_3_20", { distro: "alpine", release: "3.20", origin: "distribution" }],
    ["arch", { distro: "arch", release: "", origin: "distribution" }],
    ["aur", { distro: "arch", release: "aur", origin: "third-party" }],
    ["nix_unstable", { distro: "nixpkgs", release: "", origin: "distribution" }],
    ["nix_stable_25_05", { distro: "nixpkgs", release: "25.05", origin: "distribution" }],
    ["homebrew", { distro: "homebrew", release: "", origin: "distribution" }],
    ["wolfi", { distro: "wolfi", release: "", origin: "distribution" }],
  ])("%s is %j", (repo, place) => {
    expect(repologyPlace(repo)).toEqual(place);
  });

  it.each(["freebsd", "gentoo", "debian_9", "homebrew_casks", "alpine_3", "x_arch"])("%s is not one of ours", (repo) => {
    expect(repologyPlace(repo)).toBeNull();
  });

  it.each([
    ["newest", "newest"],
    ["devel", "ahead"],
    ["outdated", "outdated"],
    ["legacy", "outdated"],
    ["unique", null],
    ["rolling", null],
    ["noscheme", null],
    ["incorrect", null],
    ["untrusted", null],
    ["ignored", null],
    [null, null],
  ])("Repology's status %s is %s in our words", (status, ours) => {
    expect(repologyVerdict(status)).toBe(ours);
  });

  it("reads a project, keeping origversion apart from the normalized version, and leaves out what Repology distrusts", () => {
    const entries = parseRepologyProject(fixture("repology-spire.json"))!;
    const server = foundInRepology(entries, "spire-server", ["spire-server", "spire-agent"], "https://repology.org/project/spire/versions");
    const alpine = server.filter((f) => f.distro === "alpine" && f.release === "edge");
    expect(alpine).toEqual([
      {
        distro: "alpine",
        release: "edge",
        packageName: "spire-server",
        version: "1.15.3-r0",
        normalized: "1.15.3",
        status: "newest",
        origin: "distribution",
        url: "https://repology.org/project/spire/versions",
      },
    ]);
    expect(server.map((f) => f.packageName)).not.toContain("spire-agent");
    expect(parseRepologyProject('{"error": "not an array"}')).toBeNull();
    expect(parseRepologyProject("<html>")).toBeNull();
  });
});

describe("a Helm repository's index.yaml", () => {
  it("gives the chart's newest release, not its release candidate", () => {
    const index = parseHelmIndex(fixture("helm-index.yaml"))!;
    expect(foundInHelm(index, "spire", { helmRepoUrl: "https://spiffe.github.io/helm-charts-hardened" })).toEqual([
      {
        distro: "helm",
        release: "",
        packageName: "spire",
        version: "0.30.0",
        normalized: null,
        status: null,
        origin: "distribution",
        url: "https://github.com/spiffe/helm-charts-hardened/releases/download/spire-0.30.0/spire-0.30.0.tgz",
      },
    ]);
    expect(foundInHelm(index, "not-a-chart", { helmRepoUrl: "https://x.example" })).toEqual([]);
  });

  it("refuses what is not an index, and YAML aliases", () => {
    expect(parseHelmIndex("just: text")).toBeNull();
    expect(parseHelmIndex("apiVersion: v1\nentries:\n  a: &x [ {name: a, version: 1.0.0} ]\n  b: *x\n")).toBeNull();
  });
});

describe("an OCI registry's tag list", () => {
  it("reads ghcr.io's token challenge", () => {
    expect(parseBearerChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:spiffe/spire-server:pull"')).toEqual({
      realm: "https://ghcr.io/token",
      service: "ghcr.io",
      scope: "repository:spiffe/spire-server:pull",
    });
    expect(parseBearerChallenge('Basic realm="registry"')).toBeNull();
    expect(parseBearerChallenge('Bearer service="ghcr.io"')).toBeNull();
    expect(parseBearerChallenge('Bearer realm="file:///etc/passwd"')).toBeNull();
    expect(parseBearerChallenge(null)).toBeNull();
  });

  it("follows Link's next page, relative to the request", () => {
    expect(nextLink('</v2/spiffe/spire-server/tags/list?last=1.15&n=100>; rel="next"', "https://ghcr.io/v2/spiffe/spire-server/tags/list")).toBe(
      "https://ghcr.io/v2/spiffe/spire-server/tags/list?last=1.15&n=100",
    );
    expect(nextLink(null, "https://ghcr.io/")).toBeNull();
    expect(nextLink('<https://ghcr.io/x>; rel="prev"', "https://ghcr.io/")).toBeNull();
    // the next request carries the token: never to another host
    expect(nextLink('<https://evil.example/v2/x/tags/list?last=a>; rel="next"', "https://ghcr.io/v2/x/tags/list")).toBeNull();
  });

  it("takes the newest full version tag", () => {
    const tags = (JSON.parse(fixture("oci-tags.json")) as Record<string, string[]>)["spiffe/spire-server"]!;
    expect(foundInRegistry(tags, "spiffe/spire-server", "ghcr.io")).toMatchObject([{ packageName: "ghcr.io/spiffe/spire-server", version: "1.15.3" }]);
    expect(foundInRegistry(["v0.7.0", "v0.6.4", "latest"], "spiffe/x", "ghcr.io")[0]!.version).toBe("0.7.0");
    expect(foundInRegistry(["latest", "nightly"], "spiffe/x", "ghcr.io")).toEqual([]);
    expect(parseImageTags('{"name":"x","tags":null}')).toEqual([]);
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT", Date.parse("2026-10-21T07:27:00Z"))).toBe(60_000);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
