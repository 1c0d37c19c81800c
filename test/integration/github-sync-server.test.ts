// The GitHub sync as the built server runs it (build/server/index.js), with a tiny
// GITHUB_SYNC_MINUTES, against the fake GitHub: an upstream change shows on its target page
// within one interval; a pasted issue is fetched at once, or (GitHub too slow) by the next sync.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { runCli } from "../support/cli";
import { startFakeGithub, type FakeGithub } from "../support/fake-github";
import { seedFakeFrom } from "../support/fake-github-seed";
import { startServer, type RunningServer } from "../support/server";

const TOKEN = "ghp_serverSyncTestToken00000000000000000";
const INTERVAL_MS = 1_200; // GITHUB_SYNC_MINUTES=0.02
const PASSWORD = "a long enough test passphrase";
let fake: FakeGithub;
let server: RunningServer;

/** A page as text (React puts <!-- --> between adjacent text). */
const pageText = async (path: string, cookie?: string) =>
  (await (await fetch(`${server.url}${path}`, { headers: cookie ? { Cookie: cookie } : {} })).text()).replaceAll("<!-- -->", "");

async function until<T>(what: string, check: () => Promise<T | null | false>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}\n${server.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A target whose linked issues fit on its first page, and one of its open issues (the server seeds the same catalog as this file's database).
const pick = db.$client
  .prepare(
    `select t.slug, gi.repo, gi.number, gi.title from targets t join target_issues ti on ti.target_id = t.id join github_issues gi on gi.id = ti.issue_id
     where gi.state = 'open' and gi.kind = 'issue' and (select count(*) from target_issues x where x.target_id = t.id) <= 20 order by t.slug, gi.number limit 1`,
  )
  .get() as { slug: string; repo: string; number: number; title: string };

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: [TOKEN] });
  seedFakeFrom(db.$client, fake);
  server = await startServer({
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: fake.url,
    GITHUB_SYNC_MINUTES: String(INTERVAL_MS / 60_000),
    GITHUB_DISCOVERY_MINUTES: "0",
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
});

let admin: string | null = null;
async function adminCookie(): Promise<string> {
  if (admin) return admin;
  const made = runCli("db/cli/user-add.ts", ["linker", "--role", "admin"], { DATABASE_PATH: server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
  expect(made.code, made.stderr).toBe(0);
  const login = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "linker", password: PASSWORD }),
  });
  expect(login.status).toBe(302);
  admin = login.headers.get("set-cookie")!.split(";")[0]!;
  return admin;
}

describe("the server's scheduled GitHub sync", () => {
  it("an issue changed upstream appears on its target page within one sync interval", { retry: 2 }, async () => {
    // the first sync has run: the page says how fresh it is
    const before = await until("the first sync", async () => {
      const html = await pageText(`/targets/${pick.slug}`);
      return /Synced from GitHub (just now|\d+ seconds? ago)\./.test(html) && !html.includes("not synced yet") ? html : null;
    });
    expect(before).toContain(pick.title);

    fake.editIssue(pick.repo, pick.number, { title: "Upstream renamed: SPIFFE SVIDs for every listener" });
    const changedAt = Date.now();
    await until("the change on the target page", async () =>
      (await pageText(`/targets/${pick.slug}`)).includes("Upstream renamed: SPIFFE SVIDs for every listener"),
    );
    const took = Date.now() - changedAt;
    // the next run starts an interval after the previous one ended (on the runner's next tick,
    // at most one more interval), and then takes its own time: one 304 per unchanged repository
    expect(took).toBeLessThan(2 * INTERVAL_MS + 4_000);
    console.log(`upstream change visible on /targets/${pick.slug} after ${took} ms (interval ${INTERVAL_MS} ms)`);
  });

  it("a pasted issue is fetched at once; when GitHub is too slow the link is made and the next sync fetches it", async () => {
    const cookie = await adminCookie();
    const link = (url: string) =>
      fetch(`${server.url}/targets/${pick.slug}?_data=routes%2Ftargets.%24slug`, {
        method: "POST",
        headers: { Origin: server.url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ url }),
      });

    fake.putIssue(pick.repo, { number: 990001, title: "Workload identity for the admin API", state: "open" });
    const fetched = await link(`https://github.com/${pick.repo}/issues/990001`);
    expect(await fetched.json()).toEqual({ ok: true, message: `Linked ${pick.repo}#990001, fetched from GitHub.` });
    expect(await pageText(`/targets/${pick.slug}`)).toContain("Workload identity for the admin API");

    fake.putIssue(pick.repo, { number: 990002, title: "SPIRE agent as a sidecar", state: "closed" });
    fake.setDelay(10_000);
    const started = Date.now();
    const slow = await (await link(`https://github.com/${pick.repo}/issues/990002`)).json();
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(slow).toEqual({
      ok: true,
      message: `Linked ${pick.repo}#990002, but fetching it failed (GitHub did not answer in time.) The scheduled sync will try again.`,
    });
    fake.setDelay(0);
    await until("the scheduled sync to fetch the pasted issue", async () => (await pageText(`/targets/${pick.slug}`)).includes("SPIRE agent as a sidecar"));
  });
});

describe("a new bounty for a pasted issue", () => {
  it("fetches the issue at once, and the bounty page says how fresh it is", async () => {
    const cookie = await adminCookie();
    fake.putIssue(pick.repo, { number: 990003, title: "Document SPIFFE federation", state: "open" });
    const created = await fetch(`${server.url}/targets/${pick.slug}/bounties/new`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        title: "Federation guide",
        description: "Write the federation guide: done when it is merged upstream.",
        kind: "docs",
        github: `https://github.com/${pick.repo}/issues/990003`,
      }),
    });
    expect(created.status).toBe(302);
    const page = await pageText(created.headers.get("location")!);
    expect(page).toMatch(/Synced from GitHub (just now|\d+ seconds? ago)\./);
  });
});

describe("creating the GitHub App from its manifest", () => {
  it("the admin page posts this deployment's manifest to GitHub, and GitHub's redirect back shows the new app's settings once", async () => {
    const cookie = await adminCookie();
    const page = await fetch(`${server.url}/admin/github-app?org=spiffe`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const stateCookie = page.headers.get("set-cookie")!.split(";")[0]!;
    const html = (await page.text()).replaceAll("<!-- -->", "");
    const action = /<form method="post" action="(https:[^"]+)"/.exec(html)![1]!.replaceAll("&amp;", "&");
    expect(action).toMatch(/^https:\/\/github\.com\/organizations\/spiffe\/settings\/apps\/new\?state=[0-9a-f]{32}$/);
    const manifest = JSON.parse(/name="manifest" value="([^"]+)"/.exec(html)![1]!.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&#x27;", "'"));
    expect(manifest).toMatchObject({
      url: server.url,
      hook_attributes: { url: `${server.url}/webhooks/github`, active: true },
      redirect_url: `${server.url}/admin/github-app/created`,
      default_permissions: { issues: "write", pull_requests: "read", metadata: "read" },
      default_events: expect.arrayContaining(["issues", "issue_comment", "pull_request"]),
    });

    // GitHub sends the admin back with a single-use code and the state it was given
    const state = new URL(action).searchParams.get("state")!;
    const code = fake.manifestCode(JSON.stringify(manifest));
    const forged = await fetch(`${server.url}/admin/github-app/created?code=${code}&state=${"0".repeat(32)}`, {
      headers: { Cookie: `${cookie}; ${stateCookie}` },
    });
    expect(forged.status).toBe(400);
    const created = await fetch(`${server.url}/admin/github-app/created?code=${code}&state=${state}`, { headers: { Cookie: `${cookie}; ${stateCookie}` } });
    expect(created.status).toBe(200);
    expect(created.headers.get("cache-control")).toBe("private, no-store");
    const shown = (await created.text()).replaceAll("<!-- -->", "");
    expect(shown).toContain("GITHUB_APP_ID=990099");
    expect(shown).toContain("-----BEGIN RSA PRIVATE KEY-----");
    expect(shown).toMatch(/GITHUB_WEBHOOK_SECRET=[0-9a-f]{40}/);
    // the code works once
    const again = await fetch(`${server.url}/admin/github-app/created?code=${code}&state=${state}`, { headers: { Cookie: `${cookie}; ${stateCookie}` } });
    expect(again.status).toBe(502);
    expect(await again.text()).toContain("GitHub did not accept the code");
  });
});
