import { afterAll, describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import { startSmtpCatcher } from "../support/smtp";

// The SMTP server runs in this test process; the built server sends to it.
const smtp = await startSmtpCatcher();
afterAll(() => smtp.stop());

describe("notifications in the browser", () => {
  // One SSC approval approves; the SSC member records a donation first, so there is money to approve.
  const ctx = useServerAndBrowser({ SMTP_URL: smtp.url, OUTBOX_POLL_MS: "200", SSC_QUORUM: "1" });
  const PASSWORD = "notify journey passphrase";

  it("a contributor files an expense; the SSC member follows the link in the mail and approves; the requester sees it in /notifications and in a mail", async () => {
    for (const [name, ...roles] of [["rita"], ["sam", "ssc"]] as const) {
      const made = runCli("db/cli/user-add.ts", [name, "--email", `${name}@example.org`, ...roles.flatMap((r) => ["--role", r])], {
        DATABASE_PATH: ctx.server.databasePath,
        CLUBZERO_PASSWORD: PASSWORD,
      });
      expect(made.code, made.stderr).toBe(0);
    }
    const page = ctx.page;
    await signIn(page, ctx.server.url, "sam", PASSWORD);
    await page.goto(`${ctx.server.url}/fund`);
    const donation = page.getByRole("form", { name: "Record a donation" });
    await donation.getByLabel("Date").fill("2026-05-01");
    await donation.getByLabel("Amount").fill("100.00");
    await donation.getByLabel("Reference (crowdfunding transaction id)").fill("LFX-NOTIFY-1");
    await donation.getByRole("button", { name: "Record donation" }).click();
    await page.getByRole("status").filter({ hasText: "Recorded a donation of $100.00" }).waitFor();

    await signIn(page, ctx.server.url, "rita", PASSWORD);
    await page.goto(`${ctx.server.url}/expenses/new`);
    await page.getByLabel("Pre-approval (an estimate, before)").check();
    await page.getByLabel("Title").fill("Bus to the SPIRE meetup");
    await page.getByLabel("Event", { exact: true }).fill("SPIRE meetup Berlin");
    await page.getByLabel("Amount (USD)").fill("12.00");
    await page.getByLabel("Date (of the spending, or the trip)").fill("2026-06-10");
    await page.getByLabel("What is it for, and how does it help SPIFFE?").fill("A bus ticket to present SPIRE.");
    await page.getByRole("button", { name: "Submit to the SSC" }).click();
    await page.getByRole("heading", { level: 1, name: "Bus to the SPIRE meetup" }).waitFor();
    const expenseUrl = page.url();

    // the mail to the SSC member links to the expense
    const [vote] = (await smtp.waitFor((ms) => ms.some((m) => m.to.includes("sam@example.org")))).filter((m) => m.to.includes("sam@example.org"));
    expect(vote!.subject).toContain("needs your vote");
    const link = /(http:\/\/127\.0\.0\.1:\d+\/expenses\/\d+)/.exec(vote!.text)?.[1];
    expect(link).toBe(expenseUrl);

    await signIn(page, ctx.server.url, "sam", PASSWORD);
    await page.goto(link!);
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText("Approved, not yet paid").waitFor();

    // the requester: a mail, and the header's unread count leads to the notification
    const [approved] = (await smtp.waitFor((ms) => ms.some((m) => m.to.includes("rita@example.org") && m.subject.includes("approved")))).filter(
      (m) => m.to.includes("rita@example.org") && m.subject.includes("approved"),
    );
    expect(approved!.text).toContain(expenseUrl);
    await signIn(page, ctx.server.url, "rita", PASSWORD);
    await page.getByRole("link", { name: "Notifications 1 unread" }).click();
    const list = page.getByRole("list", { name: "Notifications" });
    await list.getByRole("link", { name: /Expense #\d+ approved: Bus to the SPIRE meetup/ }).waitFor();
    await list.getByRole("button", { name: /Mark read: Expense #\d+ approved/ }).click();
    await page.getByRole("link", { name: "Notifications", exact: true }).waitFor();
    await page.getByText("Nothing unread.").waitFor();
  });
});
