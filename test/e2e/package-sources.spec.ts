// A found package in the browser: the server's sync job reads the local sources, the matrix
// shows what it found with nobody maintaining it, and a packager claims it.
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import { startFakeSources } from "../support/fake-sources";

const fake = await startFakeSources();
afterAll(() => fake.stop());

describe("found packages in the browser", () => {
  const ctx = useServerAndBrowser({
    PACKAGES_SYNC_HOURS: "24",
    REPOLOGY_URL: fake.url,
    HELM_REPO_URL: fake.url,
    OCI_REGISTRY_URL: fake.url,
    GITHUB_API_URL: fake.url,
  });
  const PASSWORD = "packaging passphrase here";

  it("a packager finds Alpine edge's package with no maintainer here, claims it, and sees its history", async () => {
    const made = runCli("db/cli/user-add.ts", ["pia", "--role", "packager"], { DATABASE_PATH: ctx.server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
    expect(made.code, made.stderr).toBe(0);
    // the job runs at start: wait until Repology has been read
    const conn = new Database(ctx.server.databasePath, { readonly: true });
    const read = () => conn.prepare("select last_success_at from package_sources where source = 'repology'").pluck().get();
    for (let i = 0; i < 150 && !read(); i++) await new Promise((r) => setTimeout(r, 200));
    conn.close();

    const page = ctx.page;
    await signIn(page, ctx.server.url, "pia", PASSWORD);
    await page.goto(`${ctx.server.url}/packages?software=spire-server&distro=alpine`);
    // the Alpine cell holds edge's and 3.22's packages, each with its badges
    const edge = page.getByRole("cell").locator(".pkg").filter({ hasText: "spire-server 1.15.3-r0 (edge)" });
    await edge.getByText("no maintainer here").waitFor();
    await edge.getByRole("link", { name: "spire-server 1.15.3-r0 (edge)" }).click();
    await page.getByText("Found in Alpine edge by Repology, no maintainer here yet — claim it if you package it.").waitFor();
    await page.getByRole("button", { name: "Claim this package" }).click();
    await page.getByText("You maintain this package now").waitFor();
    expect(await page.locator(".facts").getByRole("link", { name: "@pia", exact: true }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Claim this package" }).count()).toBe(0);
    const history = page.getByRole("region", { name: "Version history" });
    expect(await history.getByRole("row").nth(1).textContent()).toContain("1.15.3-r0Repology");
  });
});

// A fresh server whose sources cannot be reached (no network, or a wrong address): the matrix
// says so in words, and does not claim a last answer it never had.
describe("sources that were never reached", () => {
  const nowhere = "http://127.0.0.1:9"; // the discard port: nothing listens, the connection is refused
  const ctx = useServerAndBrowser({
    PACKAGES_SYNC_HOURS: "24",
    REPOLOGY_URL: nowhere,
    HELM_REPO_URL: nowhere,
    OCI_REGISTRY_URL: nowhere,
    GITHUB_API_URL: nowhere,
  });

  it("the matrix says each was not reached yet and when it was last tried", async () => {
    const conn = new Database(ctx.server.databasePath, { readonly: true });
    const tried = () => conn.prepare("select count(*) from package_sources where last_error_at is not null").pluck().get() as number;
    for (let i = 0; i < 150 && tried() < 4; i++) await new Promise((r) => setTimeout(r, 200));
    conn.close();

    await ctx.page.goto(`${ctx.server.url}/packages`);
    const ages = ctx.page.getByText(/^Read from the sources:/);
    expect(await ages.textContent()).toMatch(/Repology not reached yet \(last tried (just now|\d+ seconds? ago)\)/);
    expect(await ages.textContent()).not.toMatch(/never answered|as of|since then/);
  });
});
