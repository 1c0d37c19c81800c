import { afterAll, describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import { startSmtpCatcher } from "../support/smtp";

// The SMTP server runs in this test process; the built server sends to it.
const smtp = await startSmtpCatcher();
afterAll(() => smtp.stop());

describe("password reset in the browser", () => {
  const ctx = useServerAndBrowser({ SMTP_URL: smtp.url, OUTBOX_POLL_MS: "200" });

  it("a member who forgot their password asks for a link from /login, follows the mailed link, sets a new password and signs in with it", async () => {
    const made = runCli("db/cli/user-add.ts", ["gina", "--email", "gina@example.org"], {
      DATABASE_PATH: ctx.server.databasePath,
      CLUBZERO_PASSWORD: "the old forgotten passphrase",
    });
    expect(made.code, made.stderr).toBe(0);
    const page = ctx.page;
    await page.goto(`${ctx.server.url}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill("gina@example.org");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByRole("status").getByText("If gina@example.org is the confirmed address of a Club Zero account").waitFor();

    const [mail] = (await smtp.waitFor((ms) => ms.some((m) => m.to.includes("gina@example.org")))).filter((m) => m.to.includes("gina@example.org"));
    expect(mail!.subject).toContain("Reset your password");
    const link = /(http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=[A-Za-z0-9_.-]+)/.exec(mail!.text)?.[1];
    expect(link, mail!.text).toBeTruthy();

    await page.goto(link!);
    await page.getByText("For @gina.").waitFor();
    await page.getByLabel("New password").fill("a remembered new passphrase");
    await page.getByRole("button", { name: "Set the new password" }).click();
    await page.getByRole("status").getByText("Your password is changed").waitFor();

    await signIn(page, ctx.server.url, "gina", "a remembered new passphrase");
    // the link was used up
    await page.goto(link!);
    await page.getByRole("alert").getByText("already used").waitFor();
  });
});
