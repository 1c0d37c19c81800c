// The built server runs the package sync as a background job (PACKAGES_SYNC_HOURS), against
// local stand-ins for the sources, and fills a fresh database's matrix by itself.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSources, type FakeSources } from "../support/fake-sources";
import { startServer, type RunningServer } from "../support/server";

let fake: FakeSources;
let server: RunningServer;

beforeAll(async () => {
  fake = await startFakeSources();
  server = await startServer({
    PACKAGES_SYNC_HOURS: "24",
    REPOLOGY_URL: fake.url,
    HELM_REPO_URL: fake.url,
    OCI_REGISTRY_URL: fake.url,
    GITHUB_API_URL: fake.url,
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});

describe("the packages-sync job", () => {
  it("runs at start in the server and fills the matrix from the sources", async () => {
    expect(server.output()).toContain("packages-sync");
    const conn = new Database(server.databasePath, { readonly: true });
    try {
      const succeeded = () =>
        conn.prepare("select count(*) from package_sources where last_success_at is not null and last_error is null").pluck().get() as number;
      const deadline = Date.now() + 30_000;
      while (succeeded() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(succeeded()).toBe(4);
      const found = conn
        .prepare("select distro, release, package_name, version from packages where source = 'repology' and package_name = 'spire-agent' order by release")
        .all();
      // found in Alpine edge; the seeded Wolfi row (1.6.4, no maintainer here) follows what Wolfi has now
      expect(found).toEqual([
        { distro: "wolfi", release: "", package_name: "spire-agent", version: "1.15.3-r1" },
        { distro: "alpine", release: "edge", package_name: "spire-agent", version: "1.15.3-r0" },
      ]);
      expect(conn.prepare("select runs, failures from jobs where name = 'packages-sync'").get()).toEqual({ runs: 1, failures: 0 });
    } finally {
      conn.close();
    }
    // it told Repology who it is
    expect(fake.requests.find((r) => r.path.startsWith("/api/v1/project/"))!.headers["user-agent"]).toMatch(
      /^club-zero-packages\/1\.0 \(SPIFFE community bounty board; http:\/\/127\.0\.0\.1:\d+;/,
    );
  });
});
