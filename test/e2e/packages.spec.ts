import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";

describe("packages in the browser", () => {
  const ctx = useServerAndBrowser();
  const PASSWORD = "packaging passphrase here";

  const signInAs = (username: string) => signIn(ctx.page, ctx.server.url, username, PASSWORD);

  it("a packager registers a package and sees it in the matrix; an upstream bump turns it outdated; a gap becomes a bounty", async () => {
    for (const [name, role] of [
      ["pia", "packager"],
      ["adam", "admin"],
    ]) {
      const made = runCli("db/cli/user-add.ts", [name!, "--role", role!], { DATABASE_PATH: ctx.server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
      expect(made.code, made.stderr).toBe(0);
    }
    const page = ctx.page;
    await signInAs("pia");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Packages" }).click();
    await page.getByRole("link", { name: "Register a package" }).click();
    await page.getByRole("heading", { level: 1, name: "Register a package" }).waitFor();
    await page.getByLabel("Software").selectOption("spire-server");
    await page.getByLabel("Distribution").selectOption("alpine");
    await page.getByLabel("Release (optional)").fill("3.21");
    await page.getByLabel("Package name").fill("spire-server");
    await page.getByLabel("Version").fill("1.15.3-r0");
    await page.getByLabel("Package URL (optional)").fill("https://pkgs.alpinelinux.org/package/edge/community/x86_64/spire-server");
    await page.getByRole("button", { name: "Register package" }).click();
    await page.getByRole("heading", { level: 1, name: "spire-server 1.15.3-r0" }).waitFor();
    expect(await page.locator(".pkg-status").first().textContent()).toBe("newest");

    await page.goto(`${ctx.server.url}/packages?software=spire-server&distro=alpine`);
    const cell = page.getByRole("cell").filter({ hasText: "spire-server 1.15.3-r0" });
    expect(await cell.locator(".pkg-status").textContent()).toBe("newest");

    await signInAs("adam");
    await page.goto(`${ctx.server.url}/packages?software=spire-server`);
    await page.getByRole("link", { name: "edit" }).click();
    await page.getByLabel("Latest upstream version").fill("1.16.0");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/packages\?software=spire-server/);
    const bumped = page.getByRole("cell").filter({ hasText: "spire-server 1.15.3-r0" });
    expect(await bumped.locator(".pkg-status").textContent()).toBe("outdated");

    await page.goto(`${ctx.server.url}/packages/maintainers/pia`);
    await page.getByText("1 package, 1 outdated.").waitFor();

    await page.goto(`${ctx.server.url}/packages?software=spire-server&distro=fedora`);
    await page.getByRole("button", { name: "Request packaging of SPIRE server for Fedora" }).click();
    await page.getByRole("heading", { level: 1, name: "Package SPIRE server for Fedora" }).waitFor();
    expect(await page.locator(".bounty-status").first().textContent()).toBe("Open");
  });

  it("a packager claims a package the catalog lists with no maintainer here", async () => {
    const seeded = ctx.server.databasePath;
    const Database = (await import("better-sqlite3")).default;
    const conn = new Database(seeded, { readonly: true });
    const id = conn.prepare("select id from packages where maintainer_user_id is null and source is null order by id limit 1").pluck().get() as number;
    conn.close();
    const made = runCli("db/cli/user-add.ts", ["pat", "--role", "packager"], { DATABASE_PATH: ctx.server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
    expect(made.code, made.stderr).toBe(0);
    const page = ctx.page;
    await signInAs("pat");
    await page.goto(`${ctx.server.url}/packages/${id}`);
    await page.getByText(/no maintainer here yet — claim it if you package it\./).waitFor();
    await page.getByRole("button", { name: "Claim this package" }).click();
    await page.getByRole("button", { name: "Claim this package" }).waitFor({ state: "detached" });
    await page.locator("dl.facts").getByRole("link", { name: "@pat" }).waitFor();
  });
});
