// Signed-in pages through the real production server with two worker processes: what every
// viewer sees on the board and a target's page is read once per data version
// (app/models/shared-reads.server.ts), so a write through any door must be on the very next
// signed-in request, in every process, and nothing about one viewer may reach another.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUserAndSignIn } from "../support/cli";
import { deliveryHeaders, issuesEvent } from "../support/github-webhooks";
import { startServer, type RunningServer } from "../support/server";

const SECRET = crypto.randomBytes(32).toString("hex");
const PASSWORD = "shared reads suite passphrase";
let server: RunningServer;
let admin = "";
let reader = "";

// React separates adjacent text with <!-- --> and names are links: read pages as text.
async function text(path: string, cookie: string): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  return (await res.text()).replaceAll("<!-- -->", "").replace(/<\/?a\b[^>]*>/g, "");
}

/** Twenty signed-in requests at once: with two workers taking turns, both processes answer several. */
async function everyProcessShows(path: string, cookie: string, expected: string) {
  const pages = await Promise.all(Array.from({ length: 20 }, () => text(path, cookie)));
  for (const page of pages) expect(page).toContain(expected);
}

async function deliver(event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders(event, body, SECRET), body });
  expect(res.status).toBe(200);
}

async function post(path: string, cookie: string, form: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  expect(res.status).toBeLessThan(400);
}

const spec = { repo: "fluent/fluent-bit", number: 6161, labels: ["club-zero"], title: "Shared reads: first bounty", updatedAt: "2026-02-01T10:00:00Z" };

beforeAll(async () => {
  server = await startServer({ GITHUB_WEBHOOK_SECRET: SECRET, WEB_CONCURRENCY: "2" });
  admin = await addUserAndSignIn(server, "shared-admin", PASSWORD, ["--role", "admin", "--email", "shared-admin@example.org"]);
  reader = await addUserAndSignIn(server, "shared-reader", PASSWORD);
  await deliver("issues", issuesEvent("labeled", spec));
});
afterAll(() => server?.stop());

describe("a write is on the next signed-in request, in every process", () => {
  it("through a webhook: the board and the target's page list the new bounty", async () => {
    await everyProcessShows("/bounties", reader, "Shared reads: first bounty");
    await everyProcessShows("/targets/fluent-bit", reader, "Shared reads: first bounty");
    expect(await text("/bounties", reader)).not.toContain("Shared reads: second bounty");
    await deliver("issues", issuesEvent("labeled", { ...spec, number: 6162, title: "Shared reads: second bounty" }));
    await everyProcessShows("/bounties", reader, "Shared reads: second bounty");
    await everyProcessShows("/targets/fluent-bit", reader, "Shared reads: second bounty");
  });

  it("through a web form: a claim shows on every other person's board and target page", async () => {
    const board = await (await fetch(`${server.url}/api/bounties?status=open`)).json();
    const bounty = board.bounties.find((b: { title: string }) => b.title === "Shared reads: second bounty");
    await everyProcessShows("/bounties", admin, "Shared reads: second bounty");
    expect(await text("/bounties", admin)).not.toContain("claimed by @shared-reader");
    await post(`/bounties/${bounty.id}`, reader, { intent: "claim" });
    await everyProcessShows("/bounties", admin, "claimed by @shared-reader");
    await everyProcessShows("/targets/fluent-bit", admin, "claimed by @shared-reader");
  });

  it("through another process writing the database (as the command-line tools do)", async () => {
    await everyProcessShows("/targets/fluent-bit", reader, "Fluent Bit");
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(server.databasePath);
    raw.prepare("update targets set name = 'Fluent Bit (renamed by a script)' where slug = 'fluent-bit'").run();
    raw.close();
    await everyProcessShows("/targets/fluent-bit", reader, "Fluent Bit (renamed by a script)");
    await everyProcessShows("/bounties", reader, "Fluent Bit (renamed by a script)");
  });
});

describe("what is the viewer's own stays theirs", () => {
  it("one person watching a target, or allowed to edit it, changes nothing on another person's page", async () => {
    // both have the page in every process before either acts
    await everyProcessShows("/targets/fluent-bit", admin, "Edit target");
    await everyProcessShows("/targets/fluent-bit", reader, "Watch");
    const target = (await (await fetch(`${server.url}/api/targets`)).json()).targets.find((t: { slug: string }) => t.slug === "fluent-bit");
    await post("/watch", reader, { subject: "target", id: String(target.id), watch: "1", returnTo: "/targets/fluent-bit" });
    await everyProcessShows("/targets/fluent-bit", reader, "Stop watching");
    for (const page of await Promise.all(Array.from({ length: 10 }, () => text("/targets/fluent-bit", admin)))) {
      expect(page).not.toContain("Stop watching");
      expect(page).toContain("Edit target");
    }
    for (const page of await Promise.all(Array.from({ length: 10 }, () => text("/targets/fluent-bit", reader)))) {
      expect(page).not.toContain("Edit target");
      expect(page).toContain("shared-reader");
      expect(page).not.toContain("shared-admin");
    }
  });
});
