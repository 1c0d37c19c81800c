// The page cache through the real production server with two worker processes: anonymous
// pages come from bytes rendered once, and a write through any door is on the very next
// anonymous request, in every process.
import crypto from "node:crypto";
import http from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUserAndSignIn } from "../support/cli";
import { deliveryHeaders, issuesEvent } from "../support/github-webhooks";
import { startServer, type RunningServer } from "../support/server";

const SECRET = crypto.randomBytes(32).toString("hex");
const PASSWORD = "page cache suite passphrase";
let server: RunningServer;
let cookie = "";

/** Raw bytes and headers, with no cookie and whatever Accept-Encoding the test names. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

// React separates adjacent text with <!-- --> and names are links: read pages as text.
const text = async (path: string) =>
  (await get(path)).body
    .toString("utf8")
    .replaceAll("<!-- -->", "")
    .replace(/<\/?a\b[^>]*>/g, "");

/** Twenty anonymous requests: with two workers taking turns, both processes answer several. */
async function everyProcessShows(path: string, expected: string) {
  const pages = await Promise.all(Array.from({ length: 20 }, () => text(path)));
  for (const page of pages) expect(page).toContain(expected);
}

async function deliver(event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${server.url}/webhooks/github`, { method: "POST", headers: deliveryHeaders(event, body, SECRET), body });
  expect(res.status).toBe(200);
}

const spec = { repo: "fluent/fluent-bit", number: 5151, labels: ["club-zero"], title: "Page cache: first title", updatedAt: "2026-02-01T10:00:00Z" };

beforeAll(async () => {
  server = await startServer({ GITHUB_WEBHOOK_SECRET: SECRET, WEB_CONCURRENCY: "2" });
  cookie = await addUserAndSignIn(server, "cache-admin", PASSWORD, ["--role", "admin", "--email", "cache-admin@example.org"]);
  await deliver("issues", issuesEvent("labeled", spec));
});
afterAll(() => server?.stop());

describe("anonymous pages", () => {
  it("are rendered once and then served as the same bytes, with an ETag that answers 304", async () => {
    const first = await get("/targets");
    const again = await get("/targets");
    await get("/targets"); // the other worker stores its own copy
    const third = await get("/targets");
    expect(first.status).toBe(200);
    expect([first.headers["x-page-cache"], again.headers["x-page-cache"]]).toContain("miss");
    expect(third.headers["x-page-cache"]).toBe("hit");
    expect(third.body.equals(first.body)).toBe(true);
    expect(third.headers["cache-control"]).toBe("public, max-age=0, s-maxage=5, must-revalidate");
    expect(third.headers.vary).toMatch(/Cookie/);
    const notModified = await get("/targets", { "If-None-Match": String(third.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
  });

  it("come compressed the way the client asks, and decompress to the same page", async () => {
    const plain = await get("/fund");
    const br = await get("/fund", { "Accept-Encoding": "gzip, deflate, br" });
    const gz = await get("/fund", { "Accept-Encoding": "gzip" });
    const refused = await get("/fund", { "Accept-Encoding": "br;q=0, gzip;q=0" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
  });

  it("allow exactly their own inline scripts: the policy pins each by hash, not by a nonce everyone could read", async () => {
    const page = await get("/bounties");
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).not.toContain("'nonce-");
    const html = page.body.toString("utf8");
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs]) => !/\bsrc=/.test(attrs!));
    expect(inline.length).toBeGreaterThan(0);
    for (const [, , body] of inline) expect(csp).toContain(`'sha256-${crypto.createHash("sha256").update(body!).digest("base64")}'`);
  });

  it("are never shared with, or taken from, a signed-in person", async () => {
    await get("/bounties");
    const signedIn = await fetch(`${server.url}/bounties`, { headers: { Cookie: cookie } });
    expect(signedIn.headers.get("x-page-cache")).toBeNull();
    expect(signedIn.headers.get("cache-control")).toBe("private, no-cache");
    expect(await signedIn.text()).toContain("cache-admin");
    for (let i = 0; i < 4; i++) expect((await get("/bounties")).body.toString("utf8")).not.toContain("cache-admin");
  });
});

describe("a write is on the next anonymous request, in every process", () => {
  it("through a webhook", async () => {
    await everyProcessShows("/bounties", "Page cache: first title");
    expect(await text("/bounties")).not.toContain("Page cache: second bounty");
    await deliver("issues", issuesEvent("labeled", { ...spec, number: 5152, title: "Page cache: second bounty" }));
    await everyProcessShows("/bounties", "Page cache: second bounty");
  });

  it("through a web form", async () => {
    const board = await (await fetch(`${server.url}/api/bounties?status=open`)).json();
    const bounty = board.bounties.find((b: { title: string }) => b.title === "Page cache: second bounty");
    await everyProcessShows(`/bounties/${bounty.id}`, "Page cache: second bounty");
    const before = await text(`/bounties/${bounty.id}`);
    expect(before).not.toContain("claimed by @cache-admin");
    const res = await fetch(`${server.url}/bounties/${bounty.id}`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.url, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "claim" }),
    });
    expect(res.status).toBeLessThan(400);
    await everyProcessShows(`/bounties/${bounty.id}`, "claimed by @cache-admin");
  });

  it("through another process writing the database (as the command-line tools do)", async () => {
    await everyProcessShows("/targets/fluent-bit", "Fluent Bit");
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(server.databasePath);
    raw.prepare("update targets set name = 'Fluent Bit (renamed by a script)' where slug = 'fluent-bit'").run();
    raw.close();
    await everyProcessShows("/targets/fluent-bit", "Fluent Bit (renamed by a script)");
  });
});
