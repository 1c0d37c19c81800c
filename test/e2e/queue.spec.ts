// The reviewers' queue, end to end: an SSC member finds an expense from the header's Queue,
// votes, an admin pays it from the same queue; a contributor's finished bounty shows on
// their public page.
import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";

describe("the work queue in the browser", () => {
  // one approval is the quorum here, so one SSC vote approves
  const ctx = useServerAndBrowser({ SSC_QUORUM: "1" });
  const PASSWORD = "queue journey passphrase";

  it("an SSC member votes from the queue, an admin pays from it, and the contributor's profile lists the completed bounty", async () => {
    for (const [name, ...roles] of [["quinn"], ["sage", "ssc"], ["ada", "admin"]]) {
      const made = runCli("db/cli/user-add.ts", [name!, ...roles.flatMap((r) => ["--role", r])], {
        DATABASE_PATH: ctx.server.databasePath,
        CLUBZERO_PASSWORD: PASSWORD,
      });
      expect(made.code, made.stderr).toBe(0);
    }
    const page = ctx.page;
    const headers = { Origin: ctx.server.url };
    const title = "Write a tutorial: Envoy with SPIRE";

    // quinn claims and submits a bounty, and files an expense (set-up through the app's forms)
    await signIn(page, ctx.server.url, "quinn", PASSWORD);
    await page.goto(`${ctx.server.url}/bounties?q=${encodeURIComponent(title)}`);
    await page.getByRole("link", { name: title }).click();
    await page.getByRole("button", { name: "Claim this bounty" }).click();
    await page.getByRole("status").filter({ hasText: "You claimed this bounty" }).waitFor();
    await page.getByLabel("Link to the work (PR, doc, package), one per line").fill("https://github.com/envoyproxy/envoy/pull/1");
    await page.getByRole("button", { name: "Submit for review" }).click();
    await page.getByRole("status").filter({ hasText: "Submitted for review" }).waitFor();
    const bountyUrl = page.url();

    await signIn(page, ctx.server.url, "sage", PASSWORD);
    const donated = await page.request.post(`${ctx.server.url}/fund`, {
      form: { intent: "donation", date: "2026-05-01", donor: "", amount: "300.00", currency: "USD", reference: "Q-1", note: "" },
      headers,
    });
    expect(donated.status()).toBe(200);
    await signIn(page, ctx.server.url, "quinn", PASSWORD);
    const filed = await page.request.post(`${ctx.server.url}/expenses/new`, {
      multipart: {
        kind: "pre_approval",
        title: "Bus to the meetup",
        event: "SPIFFE meetup",
        category: "travel",
        amount: "25.00",
        spentOn: "2026-06-01",
        description: "A bus.",
      },
      headers,
    });
    expect(filed.status()).toBe(200);

    // the SSC member: the header says one expense (and one piece of work) waits
    await signIn(page, ctx.server.url, "sage", PASSWORD);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Queue 2 waiting" }).click();
    await page.getByRole("heading", { level: 1, name: "Work queue" }).waitFor();
    // the Proposals tab and the section it leads to count the same list
    const tab = (await page.getByRole("link", { name: /^Proposals \(\d+\)$/ }).textContent())!.trim();
    expect((await page.locator("#proposals-heading").textContent())!.trim()).toBe(tab);
    const votes = page.getByRole("region", { name: /Expenses waiting for your vote/ });
    await votes.getByRole("link", { name: "Bus to the meetup" }).click();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByRole("status").filter({ hasText: "Approved: the quorum is reached." }).waitFor();

    // the admin: pays it from the queue, and confirms the bounty in review
    await signIn(page, ctx.server.url, "ada", PASSWORD);
    await nav.getByRole("link", { name: /^Queue/ }).click();
    const toPay = page.getByRole("form", { name: "Pay Bus to the meetup" });
    await toPay.getByLabel("Payment reference").fill("EXP-9");
    await toPay.getByRole("button", { name: "Mark paid" }).click();
    const paid = page.getByRole("status").filter({ hasText: "Bus to the meetup: Marked paid" });
    await paid.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Marked paid");
    await page.getByRole("region", { name: /Approved, waiting for payment \(0\)/ }).waitFor();

    const review = page.getByRole("region", { name: /Work in review/ });
    await review.getByRole("link", { name: title }).click();
    await page.waitForURL(bountyUrl);
    await page.getByRole("button", { name: "Confirm completed" }).click();
    await page.getByRole("status").filter({ hasText: "Confirmed completed" }).waitFor();

    // the credit links to quinn's page, which lists the work
    await page.getByRole("link", { name: "@quinn" }).first().click();
    await page.waitForURL(/\/u\/quinn$/);
    const completed = page.getByRole("region", { name: /Completed \(1\)/ });
    await completed.getByRole("link", { name: title }).waitFor();
  });
});
