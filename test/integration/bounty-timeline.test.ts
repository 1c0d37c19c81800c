// A bounty page's cost must not grow with its timeline: notes are rendered when written
// and the page reads one page of events from an index.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { renderMarkdown } from "~/app/lib/markdown.server";
import { createBounty, TIMELINE_PAGE_SIZE, webBountyActor } from "~/app/models/bounties.server";
import { getTarget } from "~/app/models/targets.server";
import { loader as bountyLoader } from "~/app/routes/bounties.$id";
import { call } from "../support/remix";
import { makeUser } from "../support/users";

const EVENTS = 10_000;
// The review's worst case: 10,000 characters of "[" (markdown-it retries each opener).
const NOTE = "[".repeat(10_000);

let bountyId = 0;
beforeAll(async () => {
  const admin = await makeUser(["admin"]);
  const bounty = createBounty(db, webBountyActor(admin), {
    targetId: getTarget(db, "kafka")!.id,
    title: "A bounty with a very long timeline",
    description: "Ten thousand progress notes, each ten thousand characters of Markdown.",
    kind: "code",
  });
  bountyId = bounty.id;
  // A fast SQL insert of what insertBountyEvent stores: the note with its rendering.
  const html = renderMarkdown(NOTE);
  const insert = db.$client.prepare(
    "insert into bounty_events (bounty_id, type, actor_user_id, actor_label, source, note, note_html, created_at) values (?, 'progress', ?, ?, 'web', ?, ?, ?)",
  );
  const t0 = Date.now() - EVENTS * 1000;
  db.$client.transaction(() => {
    for (let i = 0; i < EVENTS; i++) insert.run(bountyId, admin.id, `@${admin.username}`, NOTE, html, t0 + i * 1000);
  })();
}, 60_000);

const page = (query = "") => call(bountyLoader, `/bounties/${bountyId}${query}`, { id: String(bountyId) });

describe("a bounty with 10,000 timeline events", () => {
  // A timing goal on a shared 2-core machine: a run that lands on a busy moment is measured again.
  it("serves its page in under 50 ms of server time, median of 7, with a bounded body", { retry: 2 }, async () => {
    await page(); // warm the statement cache and JIT, as a running server is
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const res = await page();
      const body = await res.text();
      times.push(performance.now() - start);
      expect(res.status).toBe(200);
      bytes = body.length;
    }
    times.sort((a, b) => a - b);
    // Rendering each note per view took ~10 ms a note: 100 s for this page before.
    expect(times[3], `server ms per page: ${times.map((t) => t.toFixed(1)).join(", ")}`).toBeLessThan(50);
    // 50 notes of ~10 KB of HTML each, sent once (the Markdown source stays on the server).
    expect(bytes).toBeLessThan(TIMELINE_PAGE_SIZE * 10_100 + 20_000);
  });

  it("pages the timeline 50 events at a time, newest first, and says how many pages there are", async () => {
    const first = await (await page()).json();
    const second = await (await page("?page=2")).json();
    expect(first.timeline).toEqual({ page: 1, pages: Math.ceil((EVENTS + 1) / TIMELINE_PAGE_SIZE), total: EVENTS + 1 });
    expect(first.bounty.events).toHaveLength(TIMELINE_PAGE_SIZE);
    const ids = [...first.bounty.events, ...second.bounty.events].map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(2 * TIMELINE_PAGE_SIZE);
    const last = await (await page(`?page=${first.timeline.pages}`)).json();
    expect(last.bounty.events.map((e: { type: string }) => e.type)).toEqual(["created"]);
  });

  it("a page past the end is a 404 that says how many there are; a bad page number is a 400", async () => {
    const pages = Math.ceil((EVENTS + 1) / TIMELINE_PAGE_SIZE);
    const past = await page(`?page=${pages + 1}`);
    expect(past.status).toBe(404);
    expect((await past.json()).message).toBe(`This bounty's timeline has ${pages} pages, not ${pages + 1}.`);
    const bad = await page("?page=0");
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe('"0" is not a valid page: must be a page number.');
  });
});
