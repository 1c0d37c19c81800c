import fs from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startServer, type RunningServer } from "./server";

/** Debian's chromium, headless; no browser is ever downloaded. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: install Debian's chromium package (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * For a describe block: a fresh production server and a browser page, started before the
 * tests and closed after them. Read the fields inside tests (they are set in beforeAll).
 */
export function useServerAndBrowser(env: Record<string, string> = {}) {
  const ctx = {} as { server: RunningServer; browser: Browser; page: Page };
  beforeAll(async () => {
    // Both are started together; whichever started is kept so that afterAll closes it even
    // when the other failed (a missing Chromium must not leave a server and its temp dir).
    const [server, browser] = await Promise.allSettled([startServer(env), launchBrowser()]);
    if (server.status === "fulfilled") ctx.server = server.value;
    if (browser.status === "fulfilled") ctx.browser = browser.value;
    if (server.status === "rejected") throw server.reason;
    if (browser.status === "rejected") throw browser.reason;
    ctx.page = await ctx.browser.newPage();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

/** Signs in through the real form (clearing any earlier session first). */
export async function signIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("link", { name: `Settings for @${username}` }).waitFor();
}
