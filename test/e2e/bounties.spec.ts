import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import type { Page } from "playwright-core";

describe("bounties in the browser", () => {
  const ctx = useServerAndBrowser();
  const PASSWORD = "bounty hunter passphrase";

  function addUser(username: string, ...roles: string[]) {
    const made = runCli("db/cli/user-add.ts", [username, ...roles.flatMap((r) => ["--role", r])], {
      DATABASE_PATH: ctx.server.databasePath,
      CLUBZERO_PASSWORD: PASSWORD,
    });
    expect(made.code, made.stderr).toBe(0);
  }

  async function signedInPage(username: string): Promise<Page> {
    const page = await (await ctx.browser.newContext()).newPage();
    await signIn(page, ctx.server.url, username, PASSWORD);
    return page;
  }

  async function openBounty(page: Page, title: string) {
    await page.goto(`${ctx.server.url}/bounties?q=${encodeURIComponent(title)}`);
    await page.getByRole("link", { name: title }).click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
  }

  it("the links on the board's cards (written without Link's hooks on the server) move within the loaded app, as Link does", async () => {
    const page = await (await ctx.browser.newContext()).newPage();
    await page.goto(`${ctx.server.url}/bounties`);
    await page.waitForFunction(() => "__remixRouter" in window); // hydrated: links are the browser's Link now
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const link = page.locator(".bounty-card h3 a").first();
    const title = await link.innerText();
    await link.click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
  });

  it("a contributor claims, posts progress and submits; an admin completes; it appears on /appreciation", async () => {
    addUser("carol");
    addUser("rosa", "admin");
    const title = "Write a tutorial: Envoy with SPIRE";

    const carol = await signedInPage("carol");
    await openBounty(carol, title);
    await carol.getByRole("button", { name: "Claim this bounty" }).click();
    await carol.getByText(/claimed by @carol, checked in just now, expires in 2 weeks/).waitFor();

    await carol.getByLabel("Progress note (Markdown)").fill("Drafted the **SDS** section.");
    await carol.getByRole("button", { name: "Post progress" }).click();
    await carol.getByRole("region", { name: "Timeline" }).getByText("SDS").waitFor();
    expect(await carol.locator(".timeline strong", { hasText: "SDS" }).count()).toBe(1);
    // posted: the box is empty again, so a second click cannot post the same note twice
    expect(await carol.getByLabel("Progress note (Markdown)").inputValue()).toBe("");

    await carol.getByLabel("Link to the work (PR, doc, package), one per line").fill("https://github.com/envoyproxy/envoy/pull/123");
    await carol.getByRole("button", { name: "Submit for review" }).click();
    await carol.locator(".badge", { hasText: "In review" }).first().waitFor();
    // the claimant cannot complete her own work: the button is not there
    expect(await carol.getByRole("button", { name: "Confirm completed" }).count()).toBe(0);

    const root = await signedInPage("rosa");
    await openBounty(root, title);
    await root.getByRole("button", { name: "Confirm completed" }).click();
    await root.getByText("completed by @carol").waitFor();

    await root.goto(`${ctx.server.url}/appreciation`);
    const entry = root.getByRole("listitem").filter({ hasText: "@carol" });
    await entry.getByRole("link", { name: title }).waitFor();
  });

  it("two people click Claim at the same moment: one gets it, the other sees who did", async () => {
    addUser("dave");
    addUser("erin");
    const title = "Write a tutorial: Istio with SPIRE";
    const [dave, erin] = [await signedInPage("dave"), await signedInPage("erin")];
    await Promise.all([openBounty(dave, title), openBounty(erin, title)]);
    await Promise.all([dave.getByRole("button", { name: "Claim this bounty" }).click(), erin.getByRole("button", { name: "Claim this bounty" }).click()]);
    const outcome = async (page: Page) => {
      const alert = page.getByRole("alert");
      const own = page.getByRole("button", { name: "Release my claim" });
      await alert.or(own).first().waitFor();
      return (await alert.count()) > 0 ? `refused: ${await alert.textContent()}` : "won";
    };
    const results = await Promise.all([outcome(dave), outcome(erin)]);
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    const refused = results.find((r) => r.startsWith("refused"))!;
    const winner = results[0] === "won" ? "dave" : "erin";
    expect(refused).toBe(`refused: @${winner} has already claimed this bounty.`);
  });
});
