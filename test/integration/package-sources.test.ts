// Package versions from the sources, against local servers speaking Repology's, a Helm
// repository's, an OCI registry's and GitHub's wire formats (test/support/fake-sources.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { listSourceHealth } from "~/app/models/package-sources.server";
import { getMatrix, listPackages, listVersionHistory } from "~/app/models/packages.server";
import { REPOLOGY_INTERVAL_MS } from "~/app/packages/repology.server";
import { syncPackages } from "~/app/packages/sync.server";
import { contentDigest } from "../support/fingerprint";
import { startFakeSources, type FakeSources } from "../support/fake-sources";

let fake: FakeSources;
const sync = (options: Parameters<typeof syncPackages>[2] = {}) => syncPackages(db, fake.settings(), { registryName: "ghcr.io", ...options });
const cell = (software: string, distro: string) => listPackages(db, { software }).filter((p) => p.distro === distro);

beforeAll(async () => {
  fake = await startFakeSources();
});
afterAll(() => fake.stop());

describe("a fresh database", () => {
  it("fills its matrix from the sources", async () => {
    // fresh: nothing registered
    db.$client.exec("delete from packages");
    expect(getMatrix(db, {}).rows.every((r) => r.cells.every((c) => c.packages.length === 0))).toBe(true);
    const reports = await sync();
    console.log(JSON.stringify(reports));
    console.log(listPackages(db).map((p) => `${p.softwareSlug} ${p.distro}/${p.release} ${p.packageName} ${p.version} ${p.status}`).join("\n"));
  });
});
