// axe (WCAG 2.2 A and AA) on every page of README's "Pages" table, signed out and in every
// role, on a desktop and a phone: no serious or critical violation anywhere. One server, one
// browser, one context per role and width.
import { describe, expect, it } from "vitest";
import { axe } from "../support/axe";
import { signIn, useServerAndBrowser } from "../support/browser";
import { runCli } from "../support/cli";

const PASSWORD = "accessible to everyone here";
const ROLES = ["signed-out", "contributor", "packager", "ssc", "admin"] as const;
type Who = (typeof ROLES)[number];
// The phone also runs in dark mode, so both palettes meet the contrast rules.
const WIDTHS = [
  { name: "desktop", width: 1280, height: 900, colorScheme: "light" },
  { name: "phone (dark)", width: 390, height: 844, colorScheme: "dark" },
] as const;

// Every page of README's table, as each role may open it (a page a role may not open is
// still checked: its 403 or sign-in page is a page too).
const EVERYONE = [
  "/",
  "/targets",
  "/targets?persona=packager&sort=issues",
  "/targets/envoy",
  "/targets?sort=closest&rung=requested",
  "/personas",
  "/personas/developer",
  "/bounties",
  "/bounties/1",
  "/appreciation",
  "/packages",
  "/packages?status=missing",
  "/packages/1",
  "/packages/maintainers/ally-admin",
  "/fund",
  "/u/ally-admin",
  "/targets/nope",
];
const SIGNED_OUT = ["/login", "/join", "/login?redirectTo=%2Fme"];
const SIGNED_IN = ["/me", "/settings", "/expenses", "/expenses/new", "/targets/kafka/bounties/new", "/targets/suggest"];
const BY_ROLE: Record<Who, string[]> = {
  "signed-out": SIGNED_OUT,
  contributor: [...SIGNED_IN, "/queue"],
  packager: [...SIGNED_IN, "/packages/new"],
  ssc: [...SIGNED_IN, "/queue", "/ssc", "/suggestions", "/bounties/proposals", "/expenses/2"],
  admin: [
    ...SIGNED_IN,
    "/queue",
    "/bounties/proposals",
    "/expenses/1",
    "/packages/new",
    "/packages/software/spire-server",
    "/targets/new",
    "/targets/kafka/edit",
    "/admin",
    "/admin/users",
    "/admin/webhooks",
    "/admin/github-app",
    "/suggestions",
  ],
};
const USERS: Record<Exclude<Who, "signed-out">, string> = { contributor: "cora", packager: "pat", ssc: "sid", admin: "ally-admin" };

describe("accessibility in the browser", () => {
  const ctx = useServerAndBrowser();

  it("axe finds no serious or critical violation on any page, in any role, at 1280 px and 390 px", async () => {
    const seeded = runCli("db/cli/seed.ts", [], { DATABASE_PATH: ctx.server.databasePath, SEED_DEMO: "1", NODE_ENV: "development" });
    expect(seeded.code, seeded.stderr).toBe(0);
    for (const [who, username] of Object.entries(USERS)) {
      const roles = who === "contributor" ? [] : ["--role", who];
      const made = runCli("db/cli/user-add.ts", [username, ...roles], { DATABASE_PATH: ctx.server.databasePath, CLUBZERO_PASSWORD: PASSWORD });
      expect(made.code, made.stderr).toBe(0);
    }

    const problems: string[] = [];
    let checked = 0;
    // two contexts at a time: the machine has two cores
    const jobs = ROLES.flatMap((who) => WIDTHS.map((width) => ({ who, width })));
    const runJob = async ({ who, width }: (typeof jobs)[number]) => {
      // bypassCSP: the page's CSP (nonces only) would refuse the injected axe script
      const context = await ctx.browser.newContext({
        viewport: { width: width.width, height: width.height },
        colorScheme: width.colorScheme,
        bypassCSP: true,
      });
      const page = await context.newPage();
      if (who !== "signed-out") await signIn(page, ctx.server.url, USERS[who], PASSWORD);
      for (const path of [...EVERYONE, ...BY_ROLE[who]]) {
        await page.goto(`${ctx.server.url}${path}`);
        for (const v of await axe(page)) {
          if (v.impact === "serious" || v.impact === "critical")
            problems.push(`${who} ${width.name} ${path}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        }
        // nothing on the page, hidden words for screen readers included, widens it past the
        // screen: a phone never scrolls sideways into blank space
        const wider = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (wider > 0) problems.push(`${who} ${width.name} ${path}: the page is ${wider} px wider than the screen`);
        checked += 1;
      }
      await context.close();
    };
    for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2).map(runJob));
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  }, 240_000);
});
