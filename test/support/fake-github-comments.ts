// Issue comments on the fake api.github.com (test/support/fake-github.ts), in GitHub's REST
// wire format: POST /repos/{owner}/{repo}/issues/{number}/comments answers 201 with the
// comment, GET lists them oldest first with `since`, `per_page`, `page` and a Link header.
// A test can hold a POST's answer after the comment is created (the server is then killed
// before it hears back) or fail the next POSTs.
import type http from "node:http";

export interface FakeIssueComment {
  id: number;
  repo: string;
  number: number;
  body: string;
  login: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeComments {
  list: FakeIssueComment[];
  /** While on, a POST creates its comment and its answer waits until `hold(false)`. */
  hold(on: boolean): void;
  /** How many POSTs have arrived (held or answered). */
  posts(): number;
  /** The next `n` POSTs answer 502 and create nothing. */
  failNext(n: number): void;
  /** Handles the request if it is a comments request; false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string): boolean;
}

const BAD_CREDENTIALS = { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" };
const VALIDATION = {
  message: "Invalid request.\n\nFor 'links/0/schema', nil is not an object.",
  documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  status: "422",
};
const BAD_GATEWAY = { message: "Server Error" };
const PATH = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function createFakeComments(apiBase: () => string, authorized: (req: http.IncomingMessage) => boolean): FakeComments {
  const list: FakeIssueComment[] = [];
  let held = false;
  const waiting: (() => void)[] = [];
  let posts = 0;
  let failing = 0;
  let nextId = 1_900_000_000;

  function json(res: http.ServerResponse, status: number, data: unknown, extra: Record<string, string> = {}) {
    res
      .writeHead(status, { "Content-Type": "application/json; charset=utf-8", "X-GitHub-Media-Type": "github.v3; format=json", ...extra })
      .end(JSON.stringify(data));
  }

  function wire(c: FakeIssueComment) {
    const api = apiBase();
    return {
      url: `${api}/repos/${c.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${c.repo}/issues/${c.number}#issuecomment-${c.id}`,
      issue_url: `${api}/repos/${c.repo}/issues/${c.number}`,
      id: c.id,
      node_id: `IC_${Buffer.from(`IssueComment${c.id}`).toString("base64").replace(/=+$/, "")}`,
      user: {
        login: c.login,
        id: 424242,
        node_id: "U_kgDOAAZ5sg",
        avatar_url: "https://avatars.githubusercontent.com/u/424242?v=4",
        url: `${api}/users/${c.login}`,
        html_url: `https://github.com/${c.login}`,
        type: "User",
        site_admin: false,
      },
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: "NONE",
      body: c.body,
      reactions: noReactions(`${api}/repos/${c.repo}/issues/comments/${c.id}/reactions`),
      performed_via_github_app: null,
    };
  }

  return {
    list,
    hold(on) {
      held = on;
      if (!on) for (const answer of waiting.splice(0)) answer();
    },
    posts: () => posts,
    failNext(n) {
      failing = n;
    },
    handle(req, res, url, body) {
      const m = PATH.exec(url.pathname);
      if (!m || (req.method !== "GET" && req.method !== "POST")) return false;
      if (!authorized(req)) {
        json(res, 401, BAD_CREDENTIALS);
        return true;
      }
      const repo = m[1]!;
      const number = Number(m[2]);
      if (req.method === "POST") {
        posts++;
        if (failing > 0) {
          failing--;
          json(res, 502, BAD_GATEWAY);
          return true;
        }
        let text: unknown;
        try {
          text = (JSON.parse(body) as { body?: unknown }).body;
        } catch {
          text = undefined;
        }
        if (typeof text !== "string" || text === "") {
          json(res, 422, VALIDATION);
          return true;
        }
        const now = iso(Date.now());
        const comment: FakeIssueComment = { id: nextId++, repo, number, body: text, login: "club-zero-bot", createdAt: now, updatedAt: now };
        list.push(comment);
        const answer = () => json(res, 201, wire(comment), { Location: wire(comment).url });
        if (held) waiting.push(answer);
        else answer();
        return true;
      }
      const since = url.searchParams.get("since");
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30) || 30);
      const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
      const matching = list.filter(
        (c) => c.repo.toLowerCase() === repo.toLowerCase() && c.number === number && (!since || c.updatedAt >= iso(Date.parse(since))),
      );
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < matching.length) {
        const next = new URL(url.href);
        next.searchParams.set("page", String(page + 1));
        headers.Link = `<${apiBase()}${next.pathname}${next.search}>; rel="next"`;
      }
      json(res, 200, slice.map(wire), headers);
      return true;
    },
  };
}

/** GitHub's reactions summary of an issue or comment nobody has reacted to. */
export function noReactions(url: string) {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}
