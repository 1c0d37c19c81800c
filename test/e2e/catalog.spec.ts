import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { startServer, type RunningServer } from "../support/server";

describe("a contributor finds work for their persona", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("picks the packager persona on / and opens a target from the filtered catalog", async () => {
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Who are you?" }).waitFor();
    await page.getByRole("link", { name: /3rd-party packagers/ }).click();

    await page.waitForURL(/\/targets\?persona=packager/);
    await page.getByRole("heading", { level: 1, name: "Work for 3rd-party packagers" }).waitFor();
    const results = page.getByRole("heading", { name: /\d+ targets?/ });
    expect(await results.textContent()).toMatch(/^\d+ targets?/);
    const cards = page.locator(".target-card");
    const count = await cards.count();
    expect(count).toBeGreaterThan(0);
    // Every card on this view is packager work.
    for (let i = 0; i < count; i++) {
      expect(await cards.nth(i).getByRole("link", { name: "3rd-party packagers" }).count()).toBe(1);
    }

    const first = cards.first().getByRole("heading", { level: 3 }).getByRole("link");
    const name = (await first.textContent())!;
    await first.click();
    await page.getByRole("heading", { level: 1, name }).waitFor();
    await page.getByRole("heading", { name: "GitHub issues and pull requests" }).waitFor();
    expect(await page.getByRole("link", { name: "Catalog" }).first().isVisible()).toBe(true);
  });

  it("filters with the form and shows a readable error for a bad value", async () => {
    await page.goto(`${server.url}/targets`);
    await page.getByLabel("SPIFFE status").selectOption("requested");
    await page.getByLabel("Search").fill("prom");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/status=requested/);
    await page.getByRole("link", { name: "Prometheus", exact: true }).waitFor();

    const res = await page.goto(`${server.url}/targets?status=bogus`);
    expect(res?.status()).toBe(400);
    expect(await page.getByRole("alert").textContent()).toContain('"bogus" is not a valid status');
  });
});
