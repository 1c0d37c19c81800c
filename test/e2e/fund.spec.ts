import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import { pdfBytes } from "../support/files";

describe("the fund in the browser", () => {
  // No demo history: this test counts every cent itself.
  const ctx = useServerAndBrowser({ SEED_DEMO: "0" });
  const PASSWORD = "fund journey passphrase";

  async function as(username: string) {
    await signIn(ctx.page, ctx.server.url, username, PASSWORD);
    return ctx.page;
  }

  it("a contributor files a reimbursement with a PDF; two SSC members approve; an admin pays; /fund shows it", async () => {
    for (const [name, ...roles] of [["rita"], ["sam", "ssc"], ["sue", "ssc"], ["ada", "admin"]] as const) {
      const made = runCli("db/cli/user-add.ts", [name, ...roles.flatMap((r) => ["--role", r])], {
        DATABASE_PATH: ctx.server.databasePath,
        CLUBZERO_PASSWORD: PASSWORD,
      });
      expect(made.code, made.stderr).toBe(0);
    }
    const receipt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "club-zero-receipt-")), "train-ticket.pdf");
    fs.writeFileSync(receipt, pdfBytes("train"));

    // the SSC records a donation first
    let page = await as("sam");
    await page.goto(`${ctx.server.url}/fund`);
    const donation = page.getByRole("form", { name: "Record a donation" });
    await donation.getByLabel("Date").fill("2026-05-01");
    await donation.getByLabel("Donor (empty for anonymous)").fill("A generous company");
    await donation.getByLabel("Amount").fill("1000.00");
    await donation.getByLabel("Reference (crowdfunding transaction id)").fill("LFX-E2E-1");
    await donation.getByRole("button", { name: "Record donation" }).click();
    await page.getByRole("status").filter({ hasText: "Recorded a donation of $1,000.00 from A generous company." }).waitFor();

    page = await as("rita");
    await page.goto(`${ctx.server.url}/expenses/new`);
    await page.getByLabel("Reimbursement (after, with receipts)").check();
    await page.getByLabel("Title").fill("Train to the SPIFFE day");
    await page.getByLabel("Event", { exact: true }).fill("SPIFFE Day 2026");
    await page.getByLabel("Amount (USD)").fill("123.45");
    await page.getByLabel("Date (of the spending, or the trip)").fill("2026-05-10");
    await page.getByLabel("What is it for, and how does it help SPIFFE?").fill("Return train ticket to give the SPIRE packaging talk.");
    await page.getByLabel(/Receipts \(PDF, PNG or JPEG/).setInputFiles(receipt);
    await page.getByRole("button", { name: "Submit to the SSC" }).click();
    await page.getByRole("heading", { level: 1, name: "Train to the SPIFFE day" }).waitFor();
    await page.getByRole("link", { name: "train-ticket.pdf" }).waitFor();
    const expenseUrl = page.url();

    for (const member of ["sam", "sue"]) {
      page = await as(member);
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: /^Queue/ })
        .click();
      await page
        .getByRole("region", { name: /Expenses waiting for your vote/ })
        .getByRole("link", { name: "Train to the SPIFFE day" })
        .click();
      await page.getByRole("button", { name: "Approve" }).click();
      await page.getByRole("region", { name: "Votes" }).getByText(`@${member}`).waitFor();
      if (member === "sam") {
        // the first member cannot approve twice: the button is gone, and the server refuses too
        await page.getByRole("button", { name: "Approve" }).waitFor({ state: "detached" });
        const again = await page.request.post(expenseUrl, { form: { intent: "approve" }, headers: { Origin: ctx.server.url } });
        expect(again.status()).toBe(409);
      }
    }
    await page.getByText("Approved, not yet paid").waitFor();

    page = await as("ada");
    await page.goto(expenseUrl);
    await page.getByLabel("Payment reference").fill("EXPENSIFY-42");
    await page.getByRole("button", { name: "Mark paid" }).click();
    await page.getByRole("status").filter({ hasText: "Marked paid" }).waitFor();
    // paid is the end: the page says there is nothing left to do, rather than an empty list
    await page.getByRole("complementary").getByText("Nothing for you to do here right now.").waitFor();

    await page.goto(`${ctx.server.url}/fund`);
    const totals = page.getByRole("list", { name: "Fund totals" });
    expect(await totals.getByRole("listitem").first().textContent()).toBe("Balance $876.55");
    await page.getByRole("row").filter({ hasText: "travel · SPIFFE Day 2026" }).getByText("-$123.45").waitFor();
    await page.getByRole("img", { name: "Balance over time" }).waitFor();
  });
});
