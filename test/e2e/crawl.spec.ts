// Every page, opened in a real browser as an admin: no script errors (a server-only import
// leaking into a page shows up only here), no failed hydration, no CSP violations.
import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";

const PAGES = [
  "/",
  "/targets",
  "/targets?persona=packager&sort=issues",
  "/targets/envoy",
  "/targets/kafka/bounties/new",
  "/personas",
  "/personas/developer",
  "/bounties",
  "/bounties/1",
  "/bounties/proposals",
  "/me",
  "/appreciation",
  "/packages",
  "/packages?status=missing",
  "/packages/1",
  "/packages/new",
  "/packages/software/spire-server",
  "/packages/maintainers/crawler",
  "/fund",
  "/expenses",
  "/expenses/new",
  "/ssc",
  "/queue",
  "/u/crawler",
  "/settings",
  "/admin",
  "/admin/users",
  "/admin/webhooks",
  "/targets/nope",
  "/tutorials",
  "/tutorials?lang=de",
  "/tutorials/new?target=envoy",
  "/tutorials/envoy-with-spires-sds-certificates-that-rotate-themselves",
  "/tutorials/envoy-with-spires-sds-certificates-that-rotate-themselves/edit",
  "/tutorials/envoy-with-spires-sds-certificates-that-rotate-themselves/history",
  "/tutorials/envoy-with-spires-sds-certificates-that-rotate-themselves/translations/de/edit",
];

describe("every page in the browser", () => {
  const ctx = useServerAndBrowser();

  it("anonymous pages served from the page cache still run their scripts (the policy pins them by hash)", async () => {
    const anonymous = await ctx.browser.newPage();
    const problems: string[] = [];
    anonymous.on("pageerror", (e) => problems.push(`${anonymous.url()}: ${e.message}`));
    anonymous.on("console", (m) => {
      if (m.type() === "error" && !/status of 404/.test(m.text())) problems.push(`${anonymous.url()}: ${m.text()}`);
    });
    const served: string[] = [];
    anonymous.on("response", (r) => {
      if (r.request().resourceType() === "document") served.push(`${new URL(r.url()).pathname} ${r.headers()["x-page-cache"]}`);
    });
    for (const round of [1, 2]) {
      for (const path of ["/", "/targets", "/bounties", "/packages", "/fund", "/appreciation"]) {
        await anonymous.goto(`${ctx.server.url}${path}`);
        await anonymous.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
        await anonymous.waitForLoadState("networkidle");
      }
      if (round === 2) expect(served.slice(-6).every((s) => s.endsWith(" hit"))).toBe(true);
    }
    // Hydrated: a click navigates on the client, so a value set on this window survives it.
    await anonymous.evaluate(() => ((window as unknown as { stayed?: boolean }).stayed = true));
    await anonymous.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bounties", exact: true }).click();
    await anonymous.waitForURL(/\/bounties$/);
    expect(await anonymous.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(problems).toEqual([]);
    await anonymous.close();
  });

  it("renders and hydrates without errors", async () => {
    const made = runCli("db/cli/user-add.ts", ["crawler", "--role", "admin", "--role", "ssc", "--role", "packager"], {
      DATABASE_PATH: ctx.server.databasePath,
      CLUBZERO_PASSWORD: "crawling every page",
    });
    expect(made.code, made.stderr).toBe(0);
    const page = ctx.page;
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 404/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
    });
    await signIn(page, ctx.server.url, "crawler", "crawling every page");
    for (const path of PAGES) {
      await page.goto(`${ctx.server.url}${path}`);
      await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
      await page.waitForLoadState("networkidle");
      // and once more by client-side navigation, which runs the route's code in the browser
      await page.evaluate(() => window.history.pushState({}, "", window.location.href));
    }
    // client-side navigation through the main menu
    for (const name of ["Catalog", "Bounties", "Packages", "Fund", "Ways to help", "Thanks", "My work", "Queue", "Admin"]) {
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: name === "Queue" ? /^Queue/ : name, exact: name !== "Queue" })
        .click();
      await page.waitForLoadState("networkidle");
    }
    expect(problems).toEqual([]);
  });
});
