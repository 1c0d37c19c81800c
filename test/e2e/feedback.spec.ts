// Feedback after an action, for people who use a keyboard and for browsers without
// JavaScript: Claim and Approve, done with Tab and Enter only, end with focus on a message
// that says what happened.
import { beforeAll, describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import type { BrowserContext, Page } from "playwright-core";

const PASSWORD = "keyboard only passphrase";

/** Presses Tab until the focused element is the button or link called `name` (at most 200 presses). */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el && ["BUTTON", "A", "INPUT"].includes(el.tagName) ? (el.innerText || (el as HTMLInputElement).value || "").trim() : "";
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}" on ${page.url()}`);
}

/** The focused element's role and text, once focus has settled on a message. */
async function focusedMessage(page: Page, text: string) {
  await page.waitForFunction((t) => document.activeElement?.textContent?.includes(t) ?? false, text);
  return page.evaluate(() => ({ role: document.activeElement?.getAttribute("role"), text: document.activeElement?.textContent }));
}

/** Signs in with the keyboard: type into the fields, Tab between them, Enter to send. */
async function signInByKeyboard(page: Page, baseUrl: string, username: string) {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Username").focus();
  await page.keyboard.type(username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await page.getByRole("link", { name: `Settings for @${username}` }).waitFor();
}

describe("feedback after an action, by keyboard and without JavaScript", () => {
  const ctx = useServerAndBrowser();
  const expenseIds: number[] = [];

  function addUser(username: string, ...roles: string[]) {
    const made = runCli("db/cli/user-add.ts", [username, ...roles.flatMap((r) => ["--role", r])], {
      DATABASE_PATH: ctx.server.databasePath,
      CLUBZERO_PASSWORD: PASSWORD,
    });
    expect(made.code, made.stderr).toBe(0);
  }

  /** Setup through the app's own forms (not what is under test): money in the fund, two requests to vote on. */
  async function setUp() {
    for (const [name, ...roles] of [["kim"], ["nox"], ["reqa"], ["sven", "ssc"], ["sola", "ssc"]]) addUser(name!, ...roles);
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.server.url, "sven", PASSWORD);
    const headers = { Origin: ctx.server.url };
    const donated = await page.request.post(`${ctx.server.url}/fund`, {
      form: { intent: "donation", date: "2026-05-01", donor: "", amount: "500.00", currency: "USD", reference: "KBD-1", note: "" },
      headers,
    });
    expect(donated.status()).toBe(200);
    await signIn(page, ctx.server.url, "reqa", PASSWORD);
    for (const title of ["Keyboard trip", "No-script trip"]) {
      const filed = await page.request.post(`${ctx.server.url}/expenses/new`, {
        multipart: {
          kind: "pre_approval",
          title,
          event: "SPIFFE Day",
          category: "travel",
          amount: "40.00",
          spentOn: "2026-06-01",
          description: "A short trip.",
        },
        headers,
        maxRedirects: 0,
      });
      expect(filed.status()).toBe(302);
      expenseIds.push(Number(/\/expenses\/(\d+)/.exec(filed.headers()["location"] ?? "")?.[1]));
    }
    await page.close();
  }

  async function openBounty(page: Page, title: string) {
    await page.goto(`${ctx.server.url}/bounties?q=${encodeURIComponent(title)}`);
    const href = await page.getByRole("link", { name: title }).getAttribute("href");
    await page.goto(`${ctx.server.url}${href}`);
  }

  beforeAll(setUp);

  it("with the keyboard only, a contributor claims a bounty and an SSC member approves an expense; each ends focused on the result", async () => {
    const context: BrowserContext = await ctx.browser.newContext();
    const page = await context.newPage();

    await signInByKeyboard(page, ctx.server.url, "kim");
    await openBounty(page, "Write a tutorial: Envoy with SPIRE");
    await tabTo(page, "Claim this bounty");
    await page.keyboard.press("Enter");
    expect(await focusedMessage(page, "You claimed this bounty")).toMatchObject({ role: "status" });
    // the message belongs to that page: following a link (client-side) leaves it behind
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Bounties" }).click();
    await page.getByRole("heading", { level: 1, name: "Bounties" }).waitFor();
    expect(await page.getByText("You claimed this bounty").count()).toBe(0);

    await signInByKeyboard(page, ctx.server.url, "sven");
    await page.goto(`${ctx.server.url}/expenses/${expenseIds[0]}`);
    await tabTo(page, "Approve");
    await page.keyboard.press("Enter");
    expect(await focusedMessage(page, "Your approval is recorded")).toMatchObject({ role: "status" });
    await context.close();
  });

  it("without JavaScript, the same claim and approval come back as a page whose result message has focus", async () => {
    const context = await ctx.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    await signInByKeyboard(page, ctx.server.url, "nox");
    await openBounty(page, "Write a tutorial: Istio with SPIRE");
    await tabTo(page, "Claim this bounty");
    await page.keyboard.press("Enter");
    expect(await focusedMessage(page, "You claimed this bounty")).toMatchObject({ role: "status" });
    // the message came across a redirect: a reload does not claim twice, and does not say it again
    await page.reload();
    expect(await page.getByText("You claimed this bounty").count()).toBe(0);

    await signInByKeyboard(page, ctx.server.url, "sola");
    await page.goto(`${ctx.server.url}/expenses/${expenseIds[1]}`);
    await tabTo(page, "Approve");
    await page.keyboard.press("Enter");
    expect(await focusedMessage(page, "Your approval is recorded")).toMatchObject({ role: "status" });

    // a failed submit: the alert that lists what to fix has focus
    await page.goto(`${ctx.server.url}/expenses/new`);
    await tabTo(page, "Submit to the SSC");
    await page.keyboard.press("Enter");
    const failed = await focusedMessage(page, "The form was not sent");
    expect(failed.role).toBe("alert");
    expect(failed.text).toContain("Give the request a title.");
    expect(failed.text).not.toMatch(/Invalid input|expected|received/);
    await context.close();
  });

  it("after a client-side navigation, focus is on the new page's main heading and its title is announced", async () => {
    const page = await ctx.browser.newPage();
    await page.goto(ctx.server.url);
    await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
    await page.waitForLoadState("networkidle");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Packages" }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === "H1");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Packages");
    const said = page.locator("[aria-live]").filter({ hasText: "Packages · Club Zero" });
    expect(await said.count()).toBe(1);
    await page.close();
  });
});
