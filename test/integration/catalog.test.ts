import { describe, expect, it } from "vitest";
import { db } from "~/app/db.server";
import { cliActor } from "~/app/models/audit.server";
import { applySnapshot, linkIssueManually } from "~/app/models/github.server";
import { getCatalogStats, getTarget, listCategories, listTargets } from "~/app/models/targets.server";
import { staleOpenFlags } from "../support/counts";
import type { CatalogFilters } from "~/app/models/targets.server";

const list = (filters: Partial<CatalogFilters>) => listTargets(db, { sort: "relevance", page: 1, ...filters });
const slugs = (filters: Partial<CatalogFilters>) => list(filters).rows.map((r) => r.slug);

describe("catalog queries", () => {
  it("lists all 51 seeded targets (46 integrations, 5 SPIFFE projects), 50 to a page", () => {
    const { rows, total } = list({});
    expect(total).toBe(51);
    expect(rows).toHaveLength(50);
    const second = list({ page: 2 }).rows;
    expect(second).toHaveLength(1);
    expect(new Set([...rows, ...second].map((r) => r.slug)).size).toBe(51);
  });

  it("filters by persona: every row names the persona", () => {
    const { rows, total } = list({ persona: "developer" });
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(51);
    expect(rows).toHaveLength(Math.min(total, 50)); // the count agrees with the listing
    expect(list({ persona: "developer", status: "none" }).total).toBe(rows.filter((r) => r.status === "none").length);
    for (const row of rows) expect(row.personas, row.slug).toContain("developer");
  });

  it("lists packager targets, which the home page's persona picker links to", () => {
    const { rows } = list({ persona: "packager" });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.personas).toContain("packager");
  });

  it("a persona no target names yields an empty list, not an error", () => {
    expect(list({ persona: "translator" })).toEqual({ rows: [], total: 0 });
  });

  it("filters by status and category", () => {
    for (const row of list({ status: "native" }).rows) expect(row.status).toBe("native");
    const databases = list({ category: "database" }).rows;
    expect(databases.map((r) => r.slug)).toEqual(expect.arrayContaining(["postgresql", "mysql"]));
    for (const row of databases) expect(row.category).toBe("database");
  });

  it("finds Prometheus among requested targets with q=prom", () => {
    expect(slugs({ status: "requested", q: "prom" })).toContain("prometheus");
  });

  it("searches summaries as well as names, ignoring case", () => {
    const byName = slugs({ q: "KAFKA" });
    expect(byName).toContain("kafka");
    const target = getTarget(db, "envoy");
    const word = target!.summary.split(" ").find((w) => w.length > 6 && !/envoy/i.test(w))!;
    expect(slugs({ q: word })).toContain("envoy");
  });

  it("treats % and _ in a search as plain text, not wildcards", () => {
    const all = [...list({}).rows, ...list({ page: 2 }).rows];
    for (const ch of ["%", "_"]) {
      const literal = all.filter((r) => r.name.includes(ch) || r.summary.includes(ch)).map((r) => r.slug);
      expect(slugs({ q: ch }).sort(), ch).toEqual(literal.sort());
      expect(literal.length, ch).toBeLessThan(51);
    }
    expect(slugs({ q: "cert_validator" })).toEqual(["envoy"]);
  });

  it("sorts by name alphabetically", () => {
    const names = list({ sort: "name" }).rows.map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("sorts by status from native to none", () => {
    const order = ["native", "partial", "requested", "none"];
    const statuses = list({ sort: "status" }).rows.map((r) => order.indexOf(r.status));
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });

  it("sorts by open issues, most first", () => {
    const open = list({ sort: "issues" }).rows.map((r) => r.openIssues);
    expect(open).toEqual([...open].sort((a, b) => b - a));
    expect(open[0]).toBeGreaterThan(0);
  });

  it("relevance puts targets that name the persona first before those that list it second", () => {
    const rows = list({ persona: "documenter", sort: "relevance" }).rows;
    const firstChoice = rows.map((r) => r.personas[0] === "documenter");
    // all first-choice rows come before any row where documenter is a later choice
    expect(firstChoice).toEqual([...firstChoice].sort((a, b) => Number(b) - Number(a)));
  });

  it("relevance without a persona puts the targets that need the most help first", () => {
    const need = ["requested", "none", "partial", "native"];
    const ranks = list({}).rows.map((r) => need.indexOf(r.status));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("stores per-target issue counts that match the links after seeding", async () => {
    const { staleTargetCounts } = await import("../support/counts");
    expect(staleTargetCounts()).toEqual([]);
    expect(staleOpenFlags()).toEqual([]);
  });

  it("counts open and closed linked issues per target", () => {
    const envoy = list({ q: "envoy", sort: "name" }).rows.find((r) => r.slug === "envoy")!;
    const detail = getTarget(db, "envoy")!;
    expect(envoy.openIssues).toBe(detail.issues.filter((i) => i.state === "open").length);
    expect(envoy.closedIssues).toBe(detail.issues.filter((i) => i.state !== "open").length);
    expect(envoy.openIssues + envoy.closedIssues).toBe(3);
  });

  it("pages past the end give an empty page with the same total", () => {
    expect(list({ page: 3 })).toEqual({ rows: [], total: 51 });
  });

  it("lists a target's linked issues 50 to a page: open ones first, then the most recently linked, following state changes", () => {
    const target = getTarget(db, "kafka")!;
    const before = target.issueCounts.open + target.issueCounts.closed;
    const other = getTarget(db, "tekton")!;
    const t0 = Date.now();
    // an issue Club Zero already knew (linked to another target first) ...
    linkIssueManually(db, cliActor, other.id, { repo: "apache/old-thing", number: 1 }, "issue", t0);
    const refs = Array.from({ length: 60 }, (_, i) => ({ repo: "apache/kafka-paging", number: 1000 + i }));
    refs.forEach((ref, i) => linkIssueManually(db, cliActor, target.id, ref, "issue", t0 + 1 + i));
    // ... linked here last, is listed first
    linkIssueManually(db, cliActor, target.id, { repo: "apache/old-thing", number: 1 }, "issue", t0 + 100);
    // close the first ten linked; they move behind every open one
    for (const ref of refs.slice(0, 10)) {
      applySnapshot(db, {
        githubId: 9_000_000 + ref.number,
        ...ref,
        kind: "issue",
        title: `Closed ${ref.number}`,
        state: "closed",
        stateReason: "completed",
        labels: [],
        assignees: [],
        author: null,
        url: `https://github.com/${ref.repo}/issues/${ref.number}`,
        updatedAt: Date.now(),
        mergedAt: null,
      });
    }
    const page1 = getTarget(db, "kafka", 1)!;
    const page2 = getTarget(db, "kafka", 2)!;
    expect(page1.issueCounts.open + page1.issueCounts.closed).toBe(before + 61);
    expect(page1.issuePages).toBe(Math.ceil((before + 61) / 50));
    expect(page1.issues).toHaveLength(50);
    expect(`${page1.issues[0]!.repo}#${page1.issues[0]!.number}`).toBe("apache/old-thing#1");
    const listed = [...page1.issues, ...page2.issues];
    expect(listed).toHaveLength(before + 61);
    expect(new Set(listed.map((i) => i.id)).size).toBe(listed.length);
    const states = listed.map((i) => (i.state === "open" ? 0 : 1));
    expect(states).toEqual([...states].sort((a, b) => a - b));
    // newest link first among the open ones
    const openPaging = listed.filter((i) => i.repo === "apache/kafka-paging" && i.state === "open").map((i) => i.number);
    expect(openPaging).toEqual(
      refs
        .slice(10)
        .map((r) => r.number)
        .reverse(),
    );
    expect(listed.filter((i) => i.repo === "apache/kafka-paging" && i.state === "closed")).toHaveLength(10);
    expect(staleOpenFlags()).toEqual([]);
  });

  it("shows a target with its personas and linked GitHub items", () => {
    const kafka = getTarget(db, "kafka");
    expect(kafka?.name).toBe("Apache Kafka");
    const envoy = getTarget(db, "envoy")!;
    expect(envoy.personas).toEqual(["documenter", "sysadmin"]);
    expect(envoy.issues.map((i) => `${i.repo}#${i.number}:${i.state}`).sort()).toEqual([
      "envoyproxy/envoy#3883:closed",
      "spiffe/spire#2420:closed",
      "spiffe/spire#2435:merged",
    ]);
    for (const issue of envoy.issues) expect(issue.url).toMatch(/^https:\/\/github\.com\//);
    expect(getTarget(db, "nope")).toBeNull();
  });

  it("counts targets by status for the home page", () => {
    const stats = getCatalogStats(db);
    expect(stats.targets).toBe(51);
    expect(Object.values(stats.byStatus).reduce((a, b) => a + b, 0)).toBe(51);
    expect(stats.openIssues).toBeGreaterThan(0);
    expect(listCategories(db).reduce((sum, c) => sum + c.targets, 0)).toBe(51);
  });
});
