import { describe, expect, it } from "vitest";
import { signIn, useServerAndBrowser } from "../support/browser";
import { addUsers } from "../support/cli";

describe("tutorials in the browser", () => {
  const ctx = useServerAndBrowser();
  const PASSWORD = "tutorial passphrase here";
  const signInAs = (username: string) => signIn(ctx.page, ctx.server.url, username, PASSWORD);

  it("a documenter writes a tutorial, an SSC member publishes it, a translator translates it, the author revises it, and the translation shows as outdated with the diff", async () => {
    addUsers(ctx.server.databasePath, PASSWORD, [
      ["dora", []],
      ["sam", ["--role", "ssc"]],
      ["tina", []],
    ]);
    const page = ctx.page;
    const url = ctx.server.url;

    // The documenter starts from the target's page.
    await signInAs("dora");
    await page.goto(`${url}/targets/envoy`);
    await page.getByRole("link", { name: "Write a tutorial for Envoy" }).click();
    await page.getByRole("heading", { level: 1, name: "Write a tutorial" }).waitFor();
    expect(await page.getByRole("checkbox", { name: "Envoy", exact: true }).isChecked()).toBe(true);
    await page.getByLabel("Title").fill("Envoy SDS in five steps");
    await page.getByLabel("Summary").fill("Envoy takes its certificates from the SPIRE Agent.");
    await page
      .getByLabel("Tutorial (Markdown)")
      .fill("## Point Envoy at the agent\n\nAdd a cluster.\n\n```yaml\nname: spire_agent\n```\n\n## Check it\n\nAsk the admin endpoint for certs.\n");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("heading", { level: 1, name: "Envoy SDS in five steps" }).waitFor();
    await page.getByRole("navigation", { name: "Contents" }).getByRole("link", { name: "Check it" }).waitFor();
    expect(await page.locator(".tutorial-body .hljs-attr").first().textContent()).toBe("name:");
    expect(await page.getByRole("button", { name: "Publish" }).count()).toBe(0); // never their own
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByText("Sent for review").waitFor();
    const tutorialUrl = page.url();

    // An SSC member finds it waiting and publishes it.
    await signInAs("sam");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tutorials" }).click();
    await page.getByRole("heading", { name: "Waiting for review" }).waitFor();
    await page.getByRole("link", { name: "Envoy SDS in five steps" }).click();
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published: everyone can read it now.").waitFor();

    // A translator translates it into German; the SSC member publishes the translation.
    await signInAs("tina");
    await page.goto(tutorialUrl);
    await page.getByLabel(/Translate it into/).fill("de");
    await page.getByRole("button", { name: "Translate" }).click();
    await page.getByRole("heading", { level: 1, name: "Translate into German (de)" }).waitFor();
    await page.getByLabel("Title").fill("Envoy-SDS in fünf Schritten");
    await page.getByLabel("Summary").fill("Envoy holt seine Zertifikate vom SPIRE-Agenten.");
    await page
      .getByLabel("Tutorial (Markdown)")
      .fill("## Envoy auf den Agenten zeigen lassen\n\nEinen Cluster anlegen.\n\n## Prüfen\n\nDen Admin-Endpunkt fragen.\n");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("heading", { level: 1, name: "Envoy-SDS in fünf Schritten" }).waitFor();
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByText("Sent for review").waitFor();
    const translationUrl = page.url();
    await signInAs("sam");
    await page.goto(translationUrl);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published: everyone can read it now.").waitFor();

    // The author revises the tutorial.
    await signInAs("dora");
    await page.goto(tutorialUrl);
    await page.getByRole("link", { name: "edit", exact: true }).click();
    await page
      .getByLabel("Tutorial (Markdown)")
      .fill(
        "## Point Envoy at the agent\n\nAdd a cluster for the agent's socket.\n\n```yaml\nname: spire_agent\n```\n\n## Check it\n\nAsk the admin endpoint for certs.\n",
      );
    await page.getByLabel("What changed (optional)").fill("Say which socket.");
    await page.getByRole("button", { name: "Save revision" }).click();
    await page.getByText("Saved as revision 2.").waitFor();

    // Anyone reading the translation now sees it is outdated, and what changed in the original.
    await page.context().clearCookies();
    await page.goto(translationUrl);
    await page.getByRole("heading", { name: "This translation is outdated" }).waitFor();
    const diff = page.getByRole("table", { name: "Changes to the original from revision 1 to 2" });
    await diff.getByRole("row").filter({ hasText: "Add a cluster for the agent's socket." }).getByText("added").waitFor();
    await diff.getByRole("row").filter({ hasText: "Add a cluster." }).getByText("removed").waitFor();
    await page.goto(`${url}/tutorials`);
    const german = page.getByRole("row", { name: /German/ });
    expect(await german.getByRole("cell").allTextContents()).toEqual(["0", "1", "3"]);
  });
});
