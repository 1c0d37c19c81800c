import { beforeAll, describe, expect, it } from "vitest";
import { axe } from "../support/axe";
import { signIn, useServerAndBrowser } from "../support/browser";
import { addUsers, runCli } from "../support/cli";

describe("keeping the catalog in the browser", () => {
  const ctx = useServerAndBrowser();
  const PASSWORD = "catalog keeper passphrase";

  // runs after the server has started (useServerAndBrowser's beforeAll was registered first)
  beforeAll(() => {
    const made = runCli("db/cli/user-add.ts", ["kim", "--role", "admin"], { DATABASE_PATH: ctx.server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
    expect(made.code, made.stderr).toBe(0);
  });

  it("an admin adds a target, changes its status with evidence, and its page shows the history and its road to done", async () => {
    const page = ctx.page;
    await signIn(page, ctx.server.url, "kim", PASSWORD);

    await page.goto(`${ctx.server.url}/targets`);
    await page.getByRole("link", { name: "Add a target" }).click();
    await page.getByRole("heading", { level: 1, name: "Add a target" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Valkey");
    await page.getByLabel("Category").fill("database");
    await page.getByLabel("Upstream repositories").fill("valkey-io/valkey");
    await page.getByLabel("Summary (Markdown)").fill("Valkey is a key-value store. Its TLS client authentication could take **X.509 SVIDs**.");
    await page.getByLabel("Slug").fill("valkey");
    await page.getByRole("checkbox", { name: "System administrators" }).check();
    await page.getByLabel("How system administrators can help").fill("Run Valkey behind spiffe-helper and report what breaks.");
    await page.getByLabel("Bridge 1 name").fill("spiffe-helper");
    await page.getByLabel("Bridge 1 link").fill("https://github.com/spiffe/spiffe-helper");
    // a bad evidence link is refused, naming the field, and the form keeps what was typed
    await page.getByLabel("SPIFFE status").selectOption("requested");
    await page.getByLabel("Evidence for the status").fill("http://example.org/not-https");
    await page.getByRole("button", { name: "Add target" }).click();
    await page.getByRole("alert").getByText("Give the evidence as a full https:// link.").waitFor();
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Valkey");
    // the typed bridge, and two spare rows as before (a refusal does not add more empty ones)
    expect(await page.getByLabel("Bridge 1 name").inputValue()).toBe("spiffe-helper");
    expect(await page.getByLabel(/^Bridge \d+ name$/).count()).toBe(3);
    await page.getByLabel("Evidence for the status").fill("https://github.com/valkey-io/valkey/issues/1");
    await page.getByRole("button", { name: "Add target" }).click();

    await page.getByRole("heading", { level: 1, name: "Valkey", exact: true }).waitFor();
    expect(page.url()).toBe(`${ctx.server.url}/targets/valkey`);
    expect(await page.locator(".lede strong").textContent()).toBe("X.509 SVIDs");
    await page.getByRole("link", { name: "spiffe-helper" }).waitFor();
    await page.getByText("Run Valkey behind spiffe-helper and report what breaks.").waitFor();

    await page.getByRole("link", { name: "Edit target" }).click();
    await page.getByLabel("New status").selectOption("partial");
    await page.getByLabel("Evidence", { exact: true }).fill("https://valkey.io/topics/encryption/");
    await page.getByLabel("Note (optional)").fill("Client certificates work; SPIFFE IDs are not checked yet.");
    await page.getByRole("button", { name: "Change status" }).click();
    await page.getByRole("heading", { level: 1, name: "Valkey", exact: true }).waitFor();

    const history = page.getByRole("region", { name: "Status history" });
    const entries = history.getByRole("listitem");
    expect(await entries.count()).toBe(2);
    expect(await entries.nth(0).textContent()).toMatch(/Requested → Partial · @kim · evidence — Client certificates work/);
    expect(await entries.nth(0).getByRole("link", { name: "evidence" }).getAttribute("href")).toBe("https://valkey.io/topics/encryption/");
    expect(await entries.nth(1).textContent()).toMatch(/started as Requested · @kim/);

    const ladder = page.getByRole("list", { name: "Road to done" });
    const requested = ladder.locator('[data-rung="requested"]');
    expect(await requested.textContent()).toMatch(/SPIFFE support requested — met/);
    expect(await requested.getByRole("link").getAttribute("href")).toBe("https://valkey.io/topics/encryption/");
    const issue = ladder.locator('[data-rung="issue"]');
    expect(await issue.textContent()).toMatch(/Upstream issue open — not yet/);
    await issue.getByRole("link", { name: "Propose an advocacy bounty" }).waitFor();

    // the catalog shows how far it is, and filters by it
    await page.goto(`${ctx.server.url}/targets?q=valkey&rung=requested`);
    await page.getByRole("link", { name: "Valkey" }).waitFor();
    expect(await page.locator(".ladder-reached").first().textContent()).toBe("Road to done: 1 of 7: SPIFFE support requested");
    await page.goto(`${ctx.server.url}/targets?q=valkey&rung=merged`);
    await page.getByText("Nothing matches these filters.").waitFor();

    // an old slug keeps working after a rename
    await page.goto(`${ctx.server.url}/targets/valkey/edit`);
    await page.getByLabel("Slug").fill("valkey-server");
    await page.getByRole("button", { name: "Save target" }).click();
    await page.getByRole("heading", { level: 1, name: "Valkey", exact: true }).waitFor();
    await page.goto(`${ctx.server.url}/targets/valkey`);
    expect(page.url()).toBe(`${ctx.server.url}/targets/valkey-server`);
  });

  // The whole road, on the target the admin just added: a documenter writes a tutorial for it, an
  // SSC member publishes it and its ladder says "documented"; a translator translates it and the
  // ladder says "translated"; the author revises it and the translation shows as outdated.
  it("a tutorial for the new target moves its road to done to documented and translated; a revision makes the translation outdated", async () => {
    addUsers(ctx.server.databasePath, PASSWORD, [
      ["dora", []],
      ["sam", ["--role", "ssc"]],
      ["tina", []],
    ]);
    const page = ctx.page;
    const url = ctx.server.url;
    const signInAs = (username: string) => signIn(page, url, username, PASSWORD);
    const rung = (name: string) => page.getByRole("list", { name: "Road to done" }).locator(`[data-rung="${name}"]`);

    await signInAs("dora");
    await page.goto(`${url}/targets/valkey-server`);
    expect(await rung("documented").textContent()).toMatch(/Documented — not yet/);
    await page.getByRole("link", { name: "Write a tutorial for Valkey" }).click();
    await page.getByLabel("Title").fill("Valkey with spiffe-helper");
    await page.getByLabel("Summary").fill("Valkey's TLS certificates from the SPIRE Agent, rotated by spiffe-helper.");
    await page.getByLabel("Tutorial (Markdown)").fill("## Run spiffe-helper\n\nPoint it at the agent socket.\n\n## Reload Valkey\n\nOn every renewal.\n");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("heading", { level: 1, name: "Valkey with spiffe-helper" }).waitFor();
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByText("Sent for review").waitFor();
    const tutorialUrl = page.url();

    await signInAs("sam");
    await page.goto(tutorialUrl);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published: everyone can read it now.").waitFor();
    await page.goto(`${url}/targets/valkey-server`);
    expect(await rung("documented").textContent()).toMatch(/Documented — met/);
    expect(await rung("documented").getByRole("link").first().getAttribute("href")).toBe(new URL(tutorialUrl).pathname);
    expect(await rung("translated").textContent()).toMatch(/Translated — not yet/);

    await signInAs("tina");
    await page.goto(tutorialUrl);
    await page.getByLabel(/Translate it into/).fill("de");
    await page.getByRole("button", { name: "Translate" }).click();
    await page.getByLabel("Title").fill("Valkey mit spiffe-helper");
    await page.getByLabel("Summary").fill("Valkeys TLS-Zertifikate vom SPIRE-Agenten.");
    await page
      .getByLabel("Tutorial (Markdown)")
      .fill("## spiffe-helper starten\n\nAuf den Agenten-Socket zeigen.\n\n## Valkey neu laden\n\nBei jeder Erneuerung.\n");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByText("Sent for review").waitFor();
    const translationUrl = page.url();
    await signInAs("sam");
    await page.goto(translationUrl);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published: everyone can read it now.").waitFor();
    await page.goto(`${url}/targets/valkey-server`);
    expect(await rung("translated").textContent()).toMatch(/Translated — met/);

    await signInAs("dora");
    await page.goto(tutorialUrl);
    await page.getByRole("link", { name: "edit", exact: true }).click();
    await page
      .getByLabel("Tutorial (Markdown)")
      .fill("## Run spiffe-helper\n\nPoint it at the agent's socket, /run/spire/agent.sock.\n\n## Reload Valkey\n\nOn every renewal.\n");
    await page.getByRole("button", { name: "Save revision" }).click();
    await page.getByText("Saved as revision 2.").waitFor();
    await page.context().clearCookies();
    await page.goto(translationUrl);
    await page.getByRole("heading", { name: "This translation is outdated" }).waitFor();
    const diff = page.getByRole("table", { name: "Changes to the original from revision 1 to 2" });
    await diff.getByRole("row").filter({ hasText: "Point it at the agent's socket, /run/spire/agent.sock." }).getByText("added").waitFor();
  });

  // The pages this issue added, checked like every other page (test/e2e/accessibility.spec.ts):
  // no serious or critical axe violation, on a desktop and a dark-mode phone, with a failed form shown.
  it("the catalog keepers' pages have no serious or critical accessibility violation", async () => {
    const problems: string[] = [];
    for (const viewport of [
      { width: 1280, height: 900, colorScheme: "light" as const },
      { width: 390, height: 844, colorScheme: "dark" as const },
    ]) {
      const context = await ctx.browser.newContext({ viewport, colorScheme: viewport.colorScheme, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, ctx.server.url, "kim", PASSWORD);
      const check = async (label: string) => {
        for (const v of await axe(page))
          if (v.impact === "serious" || v.impact === "critical") problems.push(`${viewport.width}px ${label}: ${v.id} (${v.help})`);
      };
      for (const path of [
        "/targets/new",
        "/targets/kafka/edit",
        "/targets/suggest",
        "/targets/kafka",
        "/targets?sort=closest&rung=requested",
        "/bounties/proposals",
      ]) {
        await page.goto(`${ctx.server.url}${path}`);
        await check(path);
      }
      await page.goto(`${ctx.server.url}/targets/new`);
      await page.getByRole("button", { name: "Add target" }).click();
      await page.getByRole("alert").waitFor();
      await check("/targets/new with errors");
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
