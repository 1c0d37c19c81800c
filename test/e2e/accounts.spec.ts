import { describe, expect, it } from "vitest";
import { useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";

describe("accounts in the browser", () => {
  const ctx = useServerAndBrowser();

  async function signIn(username: string, password: string) {
    await ctx.page.goto(`${ctx.server.url}/login`);
    await ctx.page.getByLabel("Username").fill(username);
    await ctx.page.getByLabel("Password").fill(password);
    await ctx.page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  it("a new contributor joins, signs out and signs back in; a wrong password says so", async () => {
    await ctx.page.goto(ctx.server.url);
    await ctx.page.getByRole("link", { name: "Join" }).click();
    await ctx.page.getByLabel("Username").fill("dana");
    await ctx.page.getByLabel("Display name").fill("Dana Scully");
    await ctx.page.getByLabel("Email").fill("dana@example.org");
    await ctx.page.getByLabel("Password").fill("password123");
    await ctx.page.getByRole("button", { name: "Create account" }).click();
    // said twice: in the focused summary of what to fix, and under the field it belongs to
    await ctx.page.getByRole("alert").getByText("That password is on the list of the most common ones").waitFor();
    const described = await ctx.page.getByLabel("Password").getAttribute("aria-describedby");
    expect(await ctx.page.locator(`#${described!.split(" ").at(-1)}`).textContent()).toContain("most common ones");
    expect(await ctx.page.getByLabel("Username").inputValue()).toBe("dana");

    await ctx.page.getByLabel("Password").fill("trust no one, not even the proxy");
    await ctx.page.getByRole("button", { name: "Create account" }).click();
    await ctx.page.getByRole("link", { name: "Settings for @dana" }).waitFor();
    const cookies = await ctx.page.context().cookies();
    expect(cookies.find((c) => c.name === "__Host-session")).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });

    await ctx.page.getByRole("button", { name: "Sign out" }).click();
    await ctx.page.getByRole("link", { name: "Sign in" }).waitFor();

    await signIn("dana", "the truth is out there");
    expect(await ctx.page.getByRole("alert").textContent()).toContain("Invalid username or password.");

    await signIn("dana", "trust no one, not even the proxy");
    await ctx.page.getByRole("link", { name: "Settings for @dana" }).waitFor();
  });

  it("an admin made with user:add grants ssc to another user and sees the audit record", async () => {
    const made = runCli("db/cli/user-add.ts", ["alice", "--role", "admin"], {
      DATABASE_PATH: ctx.server.databasePath,
      CLUBZERO_PASSWORD: "alice admin passphrase",
    });
    expect(made.code, made.stderr).toBe(0);

    await ctx.page.context().clearCookies();
    await signIn("alice", "alice admin passphrase");
    await ctx.page.getByRole("link", { name: "Admin", exact: true }).click();
    await ctx.page.getByRole("link", { name: "Users and roles" }).click();
    await ctx.page.getByRole("heading", { name: "Users and roles" }).waitFor();
    await ctx.page.getByRole("button", { name: "Grant ssc for @dana" }).click();
    await ctx.page.getByRole("status").getByText("Granted ssc to @dana.").waitFor();
    await ctx.page.getByRole("row", { name: /@dana/ }).getByRole("cell", { name: "contributor, ssc", exact: true }).waitFor();
    const audit = ctx.page.getByRole("region", { name: "Recent changes" }).getByRole("listitem").first();
    // the record in words: who, what, about whom, and the field that changed
    expect(await audit.textContent()).toMatch(/@alice role granted @dana · roles: contributor → contributor, ssc$/);
  });

  it("signing in from /login?redirectTo=/.//evil.invalid lands on the app's own origin, with and without JavaScript", async () => {
    const made = runCli("db/cli/user-add.ts", ["erin"], { DATABASE_PATH: ctx.server.databasePath, CLUBZERO_PASSWORD: "erin reads the redirect" });
    expect(made.code, made.stderr).toBe(0);
    for (const javaScriptEnabled of [true, false]) {
      const context = await ctx.browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${ctx.server.url}/login?redirectTo=${encodeURIComponent("/.//evil.invalid/landed")}`);
      await page.getByLabel("Username").fill("erin");
      await page.getByLabel("Password").fill("erin reads the redirect");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      // wherever the browser goes next (another site shows up as that URL or chrome-error://)
      await page.waitForURL((url) => !url.pathname.startsWith("/login"), { waitUntil: "commit" });
      expect(page.url(), `JavaScript ${javaScriptEnabled ? "on" : "off"}`).toBe(`${ctx.server.url}/`);
      await page.getByRole("link", { name: "Settings for @erin" }).waitFor();
      await context.close();
    }
  });

  it("a form on another origin cannot post to the app", async () => {
    const evil = await ctx.browser.newPage();
    // A page served from a different origin (data: URL) auto-submitting to our sign-out.
    await evil.goto(`data:text/html,<form method="post" action="${ctx.server.url}/logout"><button>go</button></form>`);
    const [response] = await Promise.all([evil.waitForResponse(`${ctx.server.url}/logout`), evil.getByRole("button", { name: "go" }).click()]);
    expect(response.status()).toBe(403);
    await evil.close();
  });
});
