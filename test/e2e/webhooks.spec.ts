import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";
import { commentEvent, deliveryHeaders, issuesEvent } from "../support/github-webhooks";

const SECRET = crypto.randomBytes(32).toString("hex");

describe("GitHub webhooks, seen by people", () => {
  const ctx = useServerAndBrowser({ GITHUB_WEBHOOK_SECRET: SECRET });

  async function deliver(event: string, payload: unknown) {
    const body = JSON.stringify(payload);
    const res = await fetch(`${ctx.server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders(event, body, SECRET), body });
    expect(res.status).toBe(200);
  }

  it("a /claim on GitHub shows on the bounty page; an admin inspects and replays the delivery", async () => {
    const spec = {
      repo: "prometheus/prometheus",
      number: 31337,
      labels: ["club-zero", "club-zero/code"],
      title: "Scrape targets with SPIFFE mTLS",
      updatedAt: "2026-05-01T09:00:00Z",
    };
    await deliver("issues", issuesEvent("labeled", spec));
    await deliver(
      "issue_comment",
      commentEvent({ ...spec, updatedAt: "2026-05-01T09:10:00Z" }, { id: 4242, body: "On it!\n/claim", login: "hubot-dev", createdAt: "2026-05-01T09:10:00Z" }),
    );

    const page = ctx.page;
    await page.goto(`${ctx.server.url}/targets/prometheus`);
    await page.getByText(/Synced from GitHub just now/).waitFor();
    await page.getByRole("link", { name: "Scrape targets with SPIFFE mTLS" }).first().click();
    await page.getByText("claimed by @hubot-dev (GitHub)").first().waitFor();
    await page.getByRole("region", { name: "Timeline" }).getByText("via github").first().waitFor();
    await page.getByRole("link", { name: "prometheus/prometheus#31337 on GitHub" }).waitFor();

    const made = runCli("db/cli/user-add.ts", ["wanda", "--role", "admin"], {
      DATABASE_PATH: ctx.server.databasePath,
      CLUBZERO_PASSWORD: "webhook admin passphrase",
    });
    expect(made.code, made.stderr).toBe(0);
    await signIn(page, ctx.server.url, "wanda", "webhook admin passphrase");
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Admin" }).waitFor();
    expect(await page.getByRole("status").filter({ hasText: "GitHub webhooks:" }).textContent()).toMatch(
      /GitHub webhooks: configured\. Last delivery .*; 0 failed in the last 24 hours\./,
    );
    await page.getByRole("link", { name: "Webhook deliveries" }).click();
    const row = page.getByRole("row").filter({ hasText: "issue_comment.created" });
    await row.getByRole("link", { name: /Payload/ }).click();
    await page.getByRole("heading", { name: /issue_comment\.created \(processed\)/ }).waitFor();
    expect(await page.locator("pre.payload").textContent()).toContain('"body": "On it!\\n/claim"');
    await row.getByRole("button", { name: /Replay/ }).click();
    await page.getByRole("status").filter({ hasText: "replayed: processed" }).waitFor();
    // replaying did not claim twice
    await page.goto(`${ctx.server.url}/bounties?q=${encodeURIComponent("Scrape targets")}`);
    await page.getByRole("link", { name: "Scrape targets with SPIFFE mTLS" }).click();
    await page.getByRole("heading", { level: 1, name: "Scrape targets with SPIFFE mTLS" }).waitFor();
    expect(await page.locator(".timeline > li").filter({ hasText: "claimed it" }).count()).toBe(1);
  });
});
