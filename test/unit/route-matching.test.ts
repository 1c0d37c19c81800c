// Remix's router is patched at install (patches/@remix-run+router+*.patch) to keep the ranked
// route table and the compiled route paths between calls instead of rebuilding them on every
// request. These tests pin what must not change: the same route wins as before, however many
// paths have been compiled, and routes patched in later are found.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createMemoryHistory, createRouter, matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";

const routes: AgnosticRouteObject[] = [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "bounties", path: "bounties" },
      { id: "bounty", path: "bounties/:id" },
      { id: "proposals", path: "bounties/proposals" },
      { id: "new-bounty", path: "targets/:slug/bounties/new" },
      { id: "target", path: "targets/:slug" },
      { id: "tutorials", path: ":lang?/tutorials" },
      { id: "docs", path: "docs/*" },
      { id: "not-found", path: "*" },
    ],
  },
];

const leaf = (path: string, table = routes) => matchRoutes(table, path)?.at(-1)?.route.id;

describe("route matching", () => {
  it("runs the patched router (the install applied patches/)", () => {
    const installed = createRequire(import.meta.url).resolve("@remix-run/router");
    expect(readFileSync(installed, "utf8")).toContain("Club Zero patch");
  });

  it("picks the most specific route, the same on every call with the same table", () => {
    for (let round = 0; round < 3; round++) {
      expect(leaf("/")).toBe("home");
      expect(leaf("/bounties")).toBe("bounties");
      expect(leaf("/bounties/proposals")).toBe("proposals");
      expect(leaf("/bounties/42")).toBe("bounty");
      expect(leaf("/targets/kafka")).toBe("target");
      expect(leaf("/targets/kafka/bounties/new")).toBe("new-bounty");
      expect(leaf("/de/tutorials")).toBe("tutorials");
      expect(leaf("/tutorials")).toBe("tutorials");
      expect(leaf("/docs/a/b")).toBe("docs");
      expect(leaf("/nowhere/at/all")).toBe("not-found");
    }
    expect(matchRoutes(routes, "/bounties/42")?.at(-1)?.params).toEqual({ id: "42" });
  });

  it("still matches correctly after more distinct paths than its bounded cache holds", () => {
    const many: AgnosticRouteObject[] = Array.from({ length: 1_500 }, (_, i) => ({ id: `r${i}`, path: `p${i}/:x` }));
    for (let i = 0; i < 1_500; i += 7) expect(leaf(`/p${i}/y`, many)).toBe(`r${i}`);
    expect(leaf("/bounties/proposals")).toBe("proposals");
    expect(leaf("/p1499/z", many)).toBe("r1499");
  });

  it("finds routes patched in after the table was first matched", async () => {
    const table: AgnosticRouteObject[] = [{ id: "home", path: "/" }];
    const router = createRouter({
      routes: table,
      history: createMemoryHistory(),
      patchRoutesOnNavigation: ({ path, patch }) => {
        if (path === "/late") patch(null, [{ id: "late", path: "late" }]);
      },
    }).initialize();
    expect(router.state.matches.at(-1)?.route.id).toBe("home");
    await router.navigate("/late");
    expect(router.state.location.pathname).toBe("/late");
    expect(router.state.matches.at(-1)?.route.id).toBe("late");
    expect(router.state.errors).toBeNull();
    router.dispose();
  });
});
