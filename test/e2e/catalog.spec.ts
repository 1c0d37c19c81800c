import { describe, expect, it } from "vitest";
import { useServerAndBrowser } from "../support/browser";

describe("a contributor finds work for their persona", () => {
  const ctx = useServerAndBrowser();

  it("picks the packager persona on / and opens a target from the filtered catalog", async () => {
    await ctx.page.goto(ctx.server.url);
    await ctx.page.getByRole("heading", { name: "Who are you?" }).waitFor();
    await ctx.page.getByRole("link", { name: /3rd-party packagers/ }).click();

    await ctx.page.waitForURL(/\/targets\?persona=packager/);
    await ctx.page.getByRole("heading", { level: 1, name: "Work for 3rd-party packagers" }).waitFor();
    const results = ctx.page.getByRole("heading", { name: /\d+ targets?/ });
    expect(await results.textContent()).toMatch(/^\d+ targets?/);
    const cards = ctx.page.locator(".target-card");
    const count = await cards.count();
    expect(count).toBeGreaterThan(0);
    // Every card on this view is packager work.
    for (let i = 0; i < count; i++) {
      expect(await cards.nth(i).getByRole("link", { name: "3rd-party packagers" }).count()).toBe(1);
    }

    const first = cards.first().getByRole("heading", { level: 3 }).getByRole("link");
    const name = (await first.textContent())!;
    await first.click();
    await ctx.page.getByRole("heading", { level: 1, name }).waitFor();
    await ctx.page.getByRole("heading", { name: "GitHub issues and pull requests" }).waitFor();
    expect(await ctx.page.getByRole("link", { name: "Catalog" }).first().isVisible()).toBe(true);
  });

  it("filters with the form and shows a readable error for a bad value", async () => {
    await ctx.page.goto(`${ctx.server.url}/targets`);
    await ctx.page.getByLabel("SPIFFE status").selectOption("requested");
    await ctx.page.getByLabel("Search").fill("prom");
    await ctx.page.getByRole("button", { name: "Apply" }).click();
    await ctx.page.waitForURL(/status=requested/);
    await ctx.page.getByRole("link", { name: "Prometheus", exact: true }).waitFor();

    // Reset shows every target and the form says so: no old choice is left to be sent again.
    await ctx.page.getByRole("link", { name: "Reset" }).click();
    await ctx.page.waitForURL(`${ctx.server.url}/targets`);
    await ctx.page.getByRole("heading", { name: /^51 targets/ }).waitFor();
    expect(await ctx.page.getByLabel("SPIFFE status").inputValue()).toBe("");
    expect(await ctx.page.getByLabel("Search").inputValue()).toBe("");
    await ctx.page.getByRole("button", { name: "Apply" }).click();
    await ctx.page.waitForURL(/\/targets\?/);
    expect(new URL(ctx.page.url()).searchParams.get("status")).toBe("");
    expect(new URL(ctx.page.url()).searchParams.get("q")).toBe("");

    const res = await ctx.page.goto(`${ctx.server.url}/targets?status=bogus`);
    expect(res?.status()).toBe(400);
    expect(await ctx.page.getByRole("alert").textContent()).toContain('"bogus" is not a valid status');
  });
});
