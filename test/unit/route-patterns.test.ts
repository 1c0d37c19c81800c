// Metrics and logs count by route pattern: the most specific route wins, and no raw URL
// (with its ids and query) ever becomes a label.
import { describe, expect, it } from "vitest";
import { routeMatcher } from "~/app/http/route-patterns";

const routes = {
  root: { id: "root", path: "" },
  "routes/_index": { id: "routes/_index", parentId: "root", index: true },
  "routes/bounties._index": { id: "routes/bounties._index", parentId: "root", path: "bounties", index: true },
  "routes/bounties.$id": { id: "routes/bounties.$id", parentId: "root", path: "bounties/:id" },
  "routes/bounties.proposals": { id: "routes/bounties.proposals", parentId: "root", path: "bounties/proposals" },
  "routes/targets.$slug_.bounties.new": { id: "routes/targets.$slug_.bounties.new", parentId: "root", path: "targets/:slug/bounties/new" },
  "routes/docs.$": { id: "routes/docs.$", parentId: "root", path: "docs/*" },
  "routes/($lang).tutorials": { id: "routes/($lang).tutorials", parentId: "root", path: ":lang?/tutorials" },
};

describe("route patterns", () => {
  const routeOf = routeMatcher(routes, ["/build/*", "/metrics"]);

  it.each([
    ["/", "/"],
    ["/bounties", "/bounties"],
    ["/bounties/", "/bounties"],
    ["/bounties/42", "/bounties/:id"],
    ["/bounties/proposals", "/bounties/proposals"],
    ["/targets/kafka/bounties/new", "/targets/:slug/bounties/new"],
    ["/docs/a/b/c", "/docs/*"],
    ["/tutorials", "/:lang?/tutorials"],
    ["/de/tutorials", "/:lang?/tutorials"],
    ["/build/_shared/chunk-X.js", "/build/*"],
    ["/metrics", "/metrics"],
    ["/nope/nothing", "unmatched"],
  ])("%s is counted as %s", (path, pattern) => {
    expect(routeOf(path)).toBe(pattern);
  });
});
