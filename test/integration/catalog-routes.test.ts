import { describe, expect, it } from "vitest";
import { loader as home } from "~/app/routes/_index";
import { loader as boardLoader } from "~/app/routes/bounties._index";
import { loader as healthz } from "~/app/routes/healthz";
import { loader as persona } from "~/app/routes/personas.$persona";
import { loader as target } from "~/app/routes/targets.$slug";
import { loader as catalog } from "~/app/routes/targets._index";
import { call } from "../support/remix";

describe("catalog pages", () => {
  it("/ gives live counts and all ten personas", async () => {
    const res = await call(home, "/");
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.stats.targets).toBe(51); // 46 integrations + 5 SPIFFE projects
    expect(data.personas.map((p: { slug: string }) => p.slug)).toEqual([
      "end-user",
      "sysadmin",
      "security",
      "distro",
      "packager",
      "documenter",
      "influencer",
      "translator",
      "developer",
      "other",
    ]);
  });

  it("/targets?persona=developer lists only developer targets", async () => {
    const res = await call(catalog, "/targets?persona=developer");
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.total).toBeGreaterThan(0);
    for (const row of data.rows) expect(row.personas).toContain("developer");
  });

  it("/targets?status=requested&q=prom finds Prometheus", async () => {
    const data = await (await call(catalog, "/targets?status=requested&q=prom")).json();
    expect(data.rows.map((r: { slug: string }) => r.slug)).toContain("prometheus");
  });

  it("/targets?status=bogus is a 400 that says which value is wrong", async () => {
    const res = await call(catalog, "/targets?status=bogus");
    expect(res.status).toBe(400);
    const data = await res.json();
    expect(data.errors[0].message).toMatch(/"bogus" is not a valid status/);
    expect(data.rows).toEqual([]);
  });

  it("an unknown category is a 400 naming the category", async () => {
    const res = await call(catalog, "/targets?category=toasters");
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toContain('"toasters" is not a category');
  });

  it("/targets/kafka shows Kafka and its SPIFFE status", async () => {
    const res = await call(target, "/targets/kafka", { slug: "kafka" });
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.target.name).toBe("Apache Kafka");
    expect(data.target.status).toBe("none");
    expect(data.target.issues).toEqual([]);
  });

  it("/targets/nope is a 404 with a message", async () => {
    const res = await call(target, "/targets/nope", { slug: "nope" });
    expect(res.status).toBe(404);
    expect((await res.json()).message).toContain('no target called "nope"');
  });

  it("a target page's issue list refuses a page that is not a number, and one past the end", async () => {
    const bad = await call(target, "/targets/envoy?page=two", { slug: "envoy" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe('"two" is not a valid page: must be a page number.');
    const past = await call(target, "/targets/envoy?page=2", { slug: "envoy" });
    expect(past.status).toBe(404);
    expect((await past.json()).message).toContain("1 page of linked issues, not 2");
    const first = await call(target, "/targets/envoy?page=1", { slug: "envoy" });
    expect((await first.json()).target.issues).toHaveLength(3);
  });

  it("/personas/packager explains how packagers help and lists their targets", async () => {
    const res = await call(persona, "/personas/packager", { persona: "packager" });
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.persona.helpText.length).toBeGreaterThan(20);
    expect(data.total).toBeGreaterThan(0);
    for (const row of data.rows) expect(row.personas).toContain("packager");
  });

  it("a page past the end of the catalog or the board is a 404 that says how many pages there are", async () => {
    const last = await (await call(catalog, "/targets?persona=packager")).json();
    expect(last.total).toBeGreaterThan(0);
    const past = await call(catalog, "/targets?persona=packager&page=9999");
    expect(past.status).toBe(404);
    expect((await past.json()).errors).toEqual([{ param: "page", value: "9999", message: "There is no page 9999: these filters give 1 page." }]);
    expect((await call(catalog, "/targets?page=2")).status).toBe(200); // 51 targets, 50 a page
    expect((await (await call(catalog, "/targets?page=3")).json()).errors[0].message).toBe("There is no page 3: these filters give 2 pages.");

    const board = await call(boardLoader, "/bounties?page=500");
    expect(board.status).toBe(404);
    expect((await board.json()).errors[0]).toMatchObject({
      param: "page",
      message: expect.stringMatching(/^There is no page 500: these filters give \d+ pages?\.$/),
    });
    // no match at all is still page 1 of an empty list, not a missing page
    expect((await call(boardLoader, "/bounties?q=nothing+matches+this")).status).toBe(200);
  });

  it("/personas/wizard is a 404", async () => {
    const res = await call(persona, "/personas/wizard", { persona: "wizard" });
    expect(res.status).toBe(404);
  });

  it("/healthz answers 200 when the database answers", async () => {
    const res = await call(healthz, "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });
});
