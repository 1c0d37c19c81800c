// The route a URL belongs to, as its pattern ("/bounties/:id"), so metrics and logs count by
// page rather than by raw URL (which would be one series per bounty, and carry query strings).

export interface RouteLike {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
}

interface Compiled {
  pattern: string;
  regex: RegExp;
  /** Static segments count first, then fewer parameters: the most specific match wins. */
  rank: [number, number];
}

function fullPath(routes: Record<string, RouteLike | undefined>, route: RouteLike): string {
  const parts: string[] = [];
  for (let r: RouteLike | undefined = route; r; r = r.parentId ? routes[r.parentId] : undefined) if (r.path) parts.unshift(r.path);
  return `/${parts.join("/")}`.replace(/\/+/g, "/");
}

export function routeMatcher(routes: Record<string, RouteLike | undefined>, extra: string[] = []): (pathname: string) => string {
  const patterns = new Set(extra);
  for (const route of Object.values(routes)) if (route && (route.path || route.index)) patterns.add(fullPath(routes, route));
  const compiled: Compiled[] = [...patterns].map((pattern) => {
    const segments = pattern.split("/").filter(Boolean);
    let source = "";
    let statics = 0;
    let params = 0;
    for (const segment of segments) {
      const optional = segment.endsWith("?");
      const name = optional ? segment.slice(0, -1) : segment;
      let piece: string;
      if (name === "*") piece = "(?:/.*)?";
      else if (name.startsWith(":")) {
        params++;
        piece = "/[^/]+";
      } else {
        statics++;
        piece = `/${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
      }
      source += optional ? `(?:${piece})?` : piece;
    }
    return { pattern, regex: new RegExp(`^${source}/?$`, "i"), rank: [statics, -params] };
  });
  compiled.sort((a, b) => b.rank[0] - a.rank[0] || b.rank[1] - a.rank[1]);
  return (pathname) => compiled.find((c) => c.regex.test(pathname))?.pattern ?? "unmatched";
}
