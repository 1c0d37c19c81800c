// A local stand-in for github.com's OAuth pages and api.github.com, speaking GitHub's real
// wire format (including its habit of answering token errors with 200): /user; repository
// issues, one at a time and listed `since` with Link pagination, weak ETags and Last-Modified
// (a matching If-None-Match / If-Modified-Since gets an empty 304 that costs no rate limit);
// the X-RateLimit-* headers of a per-token budget, a spent budget's 403, and secondary limits
// (403 + Retry-After, or without it); and a GitHub App's endpoints, which check the app's
// RS256 JWT like GitHub does before handing out expiring installation tokens.
// Point GITHUB_OAUTH_URL and GITHUB_API_URL at `url`.
import crypto from "node:crypto";
import http from "node:http";
import { createFakeComments, noReactions, type FakeComments } from "./fake-github-comments";
import type { AddressInfo } from "node:net";

export interface FakeGithubUser {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The status this fake answered with (set once the answer is sent). */
  status?: number;
}

export interface FakeIssue {
  number: number;
  title: string;
  state: "open" | "closed";
  stateReason?: "completed" | "not_planned" | "reopened" | null;
  labels?: string[];
  author?: string;
  /** A pull request; merged when set. */
  pull?: { mergedAt: string | null };
  /** ISO seconds, as GitHub writes them. */
  updatedAt?: string;
  body?: string | null;
}

export interface FakeApp {
  appId: number;
  /** PKCS#1 PEM, as GitHub's "Generate a private key" downloads it. */
  privateKey: string;
  /** installation id → the account and the repositories (owner/name) it is installed on. */
  installations: { id: number; account: string; repos: string[] }[];
  /** Lifetime of an installation token (GitHub: one hour). */
  tokenLifetimeMs?: number;
}

export interface FakeGithub {
  url: string;
  /** The app's key pair and settings (startFakeGithub({ app: true })). */
  app: FakeApp | null;
  /** Installation tokens handed out so far. */
  issuedTokens: { installationId: number; token: string; expiresAt: string }[];
  /** Creates or replaces an issue; its updated_at is now unless given. */
  putIssue(repo: string, issue: FakeIssue): void;
  /** Changes an issue as someone on GitHub would: updated_at becomes now. */
  editIssue(repo: string, number: number, change: Partial<Omit<FakeIssue, "number">>): void;
  /** The token's budget: `remaining` requests until `resetInSeconds` from now. Returns the reset it announces (X-RateLimit-Reset, epoch seconds). */
  setRateLimit(limit: { remaining: number; resetInSeconds: number }): number;
  /** The next `count` API requests get a secondary-limit 403 (with Retry-After when given). */
  secondaryLimit(count: number, retryAfterSeconds?: number): void;
  /**
   * The next API request (repositories, comments, the app's endpoints, a manifest code), or the
   * next to `path`, gets this answer instead: GitHub's rarer ones (410 for a deleted issue, a bare
   * 429, its 502 page, a 403 that is no rate limit). A body that is not a string is sent as JSON.
   */
  answerNext(answer: ScriptedAnswer): void;
  /** The search API's budget (GitHub: 30 a minute). */
  setSearchLimit(limit: { limit?: number; remaining: number; resetInSeconds: number }): void;
  /** The `q` of every search answered (not those refused for the rate limit). */
  searches: string[];
  /** A code GitHub's manifest flow would hand back for this manifest (JSON text), valid once. */
  manifestCode(manifest: string): string;
  /** Repository API answers wait this long (a slow GitHub). */
  setDelay(ms: number): void;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  /** Issue comments posted through the REST API (with `apiToken`). */
  comments: FakeComments;
  setUser(u: FakeGithubUser): void;
  /** While on, /user answers 403 "API rate limit exceeded", as api.github.com does when a token's hourly budget is spent. */
  exhaustRateLimit(on: boolean): void;
  stop(): Promise<void>;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only the next request to this path (default: the next API request). */
  path?: string;
}

export interface FakeGithubOptions {
  clientId?: string;
  clientSecret?: string;
  user?: FakeGithubUser;
  /** Personal tokens the API accepts (besides installation tokens it issued). */
  tokens?: string[];
  /** Be a GitHub App too: generates its key pair. */
  app?: { appId?: number; installations?: FakeApp["installations"]; tokenLifetimeMs?: number };
}

const BAD_CODE = {
  error: "bad_verification_code",
  error_description: "The code passed is incorrect or expired.",
  error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code",
};
const BAD_CLIENT = {
  error: "incorrect_client_credentials",
  error_description: "The client_id and/or client_secret passed are incorrect.",
  error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials",
};
const BAD_REDIRECT = {
  error: "redirect_uri_mismatch",
  error_description: "The redirect_uri MUST match the registered callback URL for this application.",
  error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch",
};
const BAD_CREDENTIALS = { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" };
const RATE_LIMITED = {
  message: "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  status: "403",
};
const NOT_FOUND = { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" };

const random = (bytes: number) => crypto.randomBytes(bytes).toString("hex");
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const SECONDARY_LIMITED = {
  message:
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
  status: "403",
};
const BAD_JWT = { message: "A JSON web token could not be decoded", documentation_url: "https://docs.github.com/rest", status: "401" };

/** A GitHub user object as the REST API embeds it. */
function userObject(login: string, id: number) {
  return {
    login,
    id,
    node_id: `U_${Buffer.from(`04:User${id}`).toString("base64").replace(/=+$/, "")}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: "User",
    user_view_type: "public",
    site_admin: false,
  };
}

/** An issue (or PR) as GET /repos/{o}/{r}/issues/{n} and the listing show it. */
function issueObject(repo: string, issue: FakeIssue & { id: number; createdAt: string; updatedAt: string }) {
  const api = `https://api.github.com/repos/${repo}`;
  const kind = issue.pull ? "pull" : "issues";
  const closed = issue.state === "closed";
  return {
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `https://github.com/${repo}/${kind}/${issue.number}`,
    id: issue.id,
    node_id: `I_kwDO${Buffer.from(String(issue.id)).toString("base64url")}`,
    number: issue.number,
    title: issue.title,
    user: userObject(issue.author ?? "octocat", 583231),
    labels: (issue.labels ?? []).map((name, i) => ({
      id: 1_000_000 + i,
      node_id: `LA_${Buffer.from(name).toString("base64url")}`,
      url: `${api}/labels/${encodeURIComponent(name)}`,
      name,
      color: "ededed",
      default: false,
      description: null,
    })),
    state: issue.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: closed ? issue.updatedAt : null,
    author_association: "CONTRIBUTOR",
    active_lock_reason: null,
    ...(issue.pull
      ? {
          draft: false,
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: `https://github.com/${repo}/pull/${issue.number}`,
            diff_url: `https://github.com/${repo}/pull/${issue.number}.diff`,
            patch_url: `https://github.com/${repo}/pull/${issue.number}.patch`,
            merged_at: issue.pull.mergedAt,
          },
        }
      : {}),
    body: issue.body ?? null,
    reactions: noReactions(`${api}/issues/${issue.number}/reactions`),
    timeline_url: `${api}/issues/${issue.number}/timeline`,
    performed_via_github_app: null,
    state_reason: closed ? (issue.stateReason ?? "completed") : (issue.stateReason ?? null),
  };
}

/** Checks an app JWT the way GitHub does: RS256 by the app's key, iss = app id, issued ≤ 60 s ahead, expiring within 10 minutes. */
function verifyAppJwt(token: string, publicKey: crypto.KeyObject, appId: number): boolean {
  const [head, body, signature] = token.split(".");
  if (!head || !body || !signature) return false;
  try {
    const header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: string };
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { iss?: unknown; iat?: number; exp?: number };
    if (header.alg !== "RS256") return false;
    if (!crypto.verify("RSA-SHA256", Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature, "base64url"))) return false;
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== String(appId) || typeof claims.iat !== "number" || typeof claims.exp !== "number") return false;
    return claims.iat <= now + 60 && claims.exp > now && claims.exp - claims.iat <= 660;
  } catch {
    return false;
  }
}

export async function startFakeGithub(options: FakeGithubOptions = {}): Promise<FakeGithub> {
  const clientId = options.clientId ?? "test-client";
  const clientSecret = options.clientSecret ?? random(20);
  let user: FakeGithubUser = options.user ?? { id: 1, login: "octocat", name: "The Octocat", email: null };
  const requests: RecordedRequest[] = [];
  /** code → the redirect_uri it was issued for, and whether it has been exchanged */
  const codes = new Map<string, { redirectUri: string | null; used: boolean }>();
  /** access token → the user it belongs to (a snapshot, as a real token is bound to an account) */
  const tokens = new Map<string, FakeGithubUser>();
  let baseUrl = "";
  let rateLimited = false;
  const personalTokens = new Set(options.tokens ?? []);
  /** repo (lowercase) → number → issue */
  const repos = new Map<string, Map<number, FakeIssue & { id: number; createdAt: string; updatedAt: string }>>();
  let nextIssueId = 2_000_000_000;
  /** per-token budget; one shared clock, as a test changes it for everyone */
  let budget = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
  let secondary = { count: 0, retryAfter: undefined as number | undefined };
  const scripted: ScriptedAnswer[] = [];
  let delayMs = 0;
  /** the search API's own budget: 30 a minute */
  let searchBudget = { limit: 30, remaining: 30, reset: Math.floor(Date.now() / 1000) + 60 };
  let app: FakeApp | null = null;
  let appPublicKey: crypto.KeyObject | null = null;
  if (options.app) {
    const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    appPublicKey = pair.publicKey;
    app = {
      appId: options.app.appId ?? 424242,
      privateKey: pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      installations: options.app.installations ?? [],
      tokenLifetimeMs: options.app.tokenLifetimeMs,
    };
  }
  const issuedTokens: FakeGithub["issuedTokens"] = [];
  const manifestCodes = new Map<string, string>();
  const searches: string[] = [];
  const comments = createFakeComments(
    () => baseUrl,
    (req) => tokenValid(bearer(req)),
  );

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: { ...req.headers }, body };
      requests.push(recorded);
      res.on("finish", () => (recorded.status = res.statusCode));
      try {
        handle(req, res, body);
      } catch (error) {
        res.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
      }
    });
  });

  function sendJson(res: http.ServerResponse, status: number, data: unknown, extra: Record<string, string> = {}) {
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...extra }).end(JSON.stringify(data));
  }

  /** GitHub answers the token endpoint in JSON only when asked; otherwise form-encoded. */
  function sendTokenAnswer(req: http.IncomingMessage, res: http.ServerResponse, data: Record<string, string>) {
    if ((req.headers.accept ?? "").includes("json")) return sendJson(res, 200, data);
    res.writeHead(200, { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }).end(new URLSearchParams(data).toString());
  }

  function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
    const match = /^Basic\s+(.+)$/i.exec(header ?? "");
    if (!match) return null;
    const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return null;
    return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", baseUrl);

    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      const q = url.searchParams;
      if (q.get("client_id") !== clientId) {
        res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" }).end("<h1>404: This is not the web page you are looking for</h1>");
        return;
      }
      const redirectUri = q.get("redirect_uri");
      if (!redirectUri) {
        res.writeHead(400, { "Content-Type": "text/plain" }).end("redirect_uri is required by this fake");
        return;
      }
      const code = random(10); // GitHub's codes are 20 hex characters
      codes.set(code, { redirectUri, used: false });
      const target = new URL(redirectUri);
      target.searchParams.set("code", code);
      const state = q.get("state");
      if (state !== null) target.searchParams.set("state", state);
      res.writeHead(302, { Location: target.href }).end();
      return;
    }

    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      const form = new URLSearchParams(body);
      const basic = basicCredentials(req.headers.authorization);
      const id = basic?.id ?? form.get("client_id");
      const secret = basic?.secret ?? form.get("client_secret");
      if (id !== clientId || secret !== clientSecret) return sendTokenAnswer(req, res, BAD_CLIENT);
      const code = form.get("code") ?? "";
      const issued = codes.get(code);
      if (!issued || issued.used || (form.get("grant_type") ?? "authorization_code") !== "authorization_code") {
        return sendTokenAnswer(req, res, BAD_CODE);
      }
      issued.used = true;
      const redirectUri = form.get("redirect_uri");
      if (redirectUri !== null && redirectUri !== issued.redirectUri) return sendTokenAnswer(req, res, BAD_REDIRECT);
      const token = `gho_${crypto.randomBytes(27).toString("base64url").replace(/[-_]/g, "x")}`;
      tokens.set(token, { ...user });
      return sendTokenAnswer(req, res, { access_token: token, token_type: "bearer", scope: "read:user" });
    }

    if (req.method === "GET" && url.pathname === "/user") {
      const match = /^(?:Bearer|token)\s+(.+)$/i.exec(req.headers.authorization ?? "");
      const owner = match?.[1] ? tokens.get(match[1]) : undefined;
      if (!owner) return sendJson(res, 401, BAD_CREDENTIALS);
      if (rateLimited) {
        const reset = String(Math.ceil(Date.now() / 1000) + 3600);
        return sendJson(res, 403, RATE_LIMITED, { "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset });
      }
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      return sendJson(
        res,
        200,
        {
          login: owner.login,
          id: owner.id,
          node_id: `U_${Buffer.from(`04:User${owner.id}`).toString("base64").replace(/=+$/, "")}`,
          avatar_url: `https://avatars.githubusercontent.com/u/${owner.id}?v=4`,
          gravatar_id: "",
          url: `https://api.github.com/users/${owner.login}`,
          html_url: `https://github.com/${owner.login}`,
          followers_url: `https://api.github.com/users/${owner.login}/followers`,
          repos_url: `https://api.github.com/users/${owner.login}/repos`,
          type: "User",
          user_view_type: "public",
          site_admin: false,
          name: owner.name,
          company: null,
          blog: "",
          location: null,
          email: owner.email,
          hireable: null,
          bio: null,
          twitter_username: null,
          public_repos: 8,
          public_gists: 0,
          followers: 3,
          following: 0,
          created_at: "2011-01-25T18:44:36Z",
          updated_at: now,
        },
        { "X-OAuth-Scopes": "read:user", "X-Accepted-OAuth-Scopes": "", "X-GitHub-Media-Type": "github.v3; format=json" },
      );
    }

    const scriptedAt = scripted.findIndex((a) => (a.path ? a.path === url.pathname : /^\/(?:repos|app-manifests|app)\//.test(url.pathname)));
    const scriptedAnswer = scriptedAt < 0 ? undefined : scripted.splice(scriptedAt, 1)[0];
    if (scriptedAnswer) {
      const json = typeof scriptedAnswer.body !== "string";
      res
        .writeHead(scriptedAnswer.status, { ...(json ? { "Content-Type": "application/json; charset=utf-8" } : {}), ...scriptedAnswer.headers })
        .end(json ? JSON.stringify(scriptedAnswer.body ?? null) : scriptedAnswer.body);
      return;
    }
    if (comments.handle(req, res, url, body)) return;

    const conversion = /^\/app-manifests\/([^/]+)\/conversions$/.exec(url.pathname);
    if (req.method === "POST" && conversion) {
      const manifest = manifestCodes.get(conversion[1]!);
      if (!manifest) return sendJson(res, 404, NOT_FOUND);
      manifestCodes.delete(conversion[1]!);
      const m = JSON.parse(manifest) as { name: string; default_permissions?: object; default_events?: string[]; description?: string; url?: string };
      const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
      return sendJson(res, 201, {
        id: 990099,
        slug: m.name.toLowerCase().replace(/\s+/g, "-"),
        node_id: "A_kwDOABCD",
        owner: userObject("spiffe", 8_000_001),
        name: m.name,
        description: m.description ?? "",
        external_url: m.url,
        html_url: `https://github.com/apps/${m.name.toLowerCase().replace(/\s+/g, "-")}`,
        created_at: isoSeconds(Date.now()),
        updated_at: isoSeconds(Date.now()),
        permissions: m.default_permissions ?? {},
        events: m.default_events ?? [],
        client_id: "Iv1.0123456789abcdef",
        client_secret: random(20),
        webhook_secret: random(20),
        pem: pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      });
    }
    if (url.pathname.startsWith("/app/") || /^\/repos\/[^/]+\/[^/]+\/installation$/.test(url.pathname)) return handleApp(req, res, url);
    if (req.method === "GET" && url.pathname === "/search/issues") return handleSearch(req, res, url);
    if (url.pathname.startsWith("/repos/")) {
      if (delayMs > 0) return void setTimeout(() => handleRepos(req, res, url), delayMs);
      return handleRepos(req, res, url);
    }
    sendJson(res, 404, NOT_FOUND);
  }

  function rateHeaders(): Record<string, string> {
    return {
      "X-RateLimit-Limit": String(budget.limit),
      "X-RateLimit-Remaining": String(budget.remaining),
      "X-RateLimit-Reset": String(budget.reset),
      "X-RateLimit-Used": String(budget.limit - budget.remaining),
      "X-RateLimit-Resource": "core",
      "X-GitHub-Media-Type": "github.v3; format=json",
    };
  }

  function bearer(req: http.IncomingMessage): string | null {
    return /^(?:Bearer|token)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? null;
  }

  function tokenValid(token: string | null): boolean {
    if (!token) return false;
    if (personalTokens.has(token)) return true;
    const issued = issuedTokens.find((t) => t.token === token);
    return Boolean(issued && Date.parse(issued.expiresAt) > Date.now());
  }

  function handleApp(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const jwt = bearer(req);
    if (!app || !appPublicKey || !jwt || !verifyAppJwt(jwt, appPublicKey, app.appId)) return sendJson(res, 401, BAD_JWT);
    const installationJson = (i: FakeApp["installations"][number]) => ({
      id: i.id,
      client_id: "Iv1.8a61f9b3a7aba766",
      account: { ...userObject(i.account, 9_000_000 + i.id), type: "Organization" },
      repository_selection: "selected",
      access_tokens_url: `https://api.github.com/app/installations/${i.id}/access_tokens`,
      repositories_url: "https://api.github.com/installation/repositories",
      html_url: `https://github.com/organizations/${i.account}/settings/installations/${i.id}`,
      app_id: app!.appId,
      app_slug: "club-zero",
      target_id: 9_000_000 + i.id,
      target_type: "Organization",
      permissions: { issues: "write", metadata: "read", pull_requests: "read" },
      events: ["installation_target", "issue_comment", "issues", "pull_request", "release"],
      created_at: "2026-01-05T10:00:00.000Z",
      updated_at: "2026-01-05T10:00:00.000Z",
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: null,
      suspended_at: null,
    });
    const onRepo = /^\/repos\/([^/]+\/[^/]+)\/installation$/.exec(url.pathname);
    if (req.method === "GET" && onRepo) {
      const repo = onRepo[1]!.toLowerCase();
      const found = app.installations.find((i) => i.repos.some((r) => r.toLowerCase() === repo));
      return found ? sendJson(res, 200, installationJson(found)) : sendJson(res, 404, NOT_FOUND);
    }
    if (req.method === "GET" && url.pathname === "/app/installations") return sendJson(res, 200, app.installations.map(installationJson));
    const tokenFor = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (req.method === "POST" && tokenFor) {
      const installation = app.installations.find((i) => i.id === Number(tokenFor[1]));
      if (!installation) return sendJson(res, 404, NOT_FOUND);
      const token = `ghs_${crypto.randomBytes(27).toString("base64url").replace(/[-_]/g, "x")}`;
      const expiresAt = isoSeconds(Date.now() + (app.tokenLifetimeMs ?? 3_600_000));
      issuedTokens.push({ installationId: installation.id, token, expiresAt });
      return sendJson(res, 201, {
        token,
        expires_at: expiresAt,
        permissions: { issues: "write", metadata: "read", pull_requests: "read" },
        repository_selection: "selected",
      });
    }
    sendJson(res, 404, NOT_FOUND);
  }

  /** GET /search/issues?q=repo:o/r is:open A OR B OR "c d": its own 30-a-minute budget. */
  function handleSearch(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (!tokenValid(bearer(req))) return sendJson(res, 401, BAD_CREDENTIALS);
    const now = Math.floor(Date.now() / 1000);
    if (now >= searchBudget.reset) searchBudget = { ...searchBudget, remaining: searchBudget.limit, reset: now + 60 };
    const headers = () => ({
      "X-RateLimit-Limit": String(searchBudget.limit),
      "X-RateLimit-Remaining": String(searchBudget.remaining),
      "X-RateLimit-Reset": String(searchBudget.reset),
      "X-RateLimit-Used": String(searchBudget.limit - searchBudget.remaining),
      "X-RateLimit-Resource": "search",
    });
    if (searchBudget.remaining <= 0) return sendJson(res, 403, RATE_LIMITED, headers());
    searchBudget.remaining--;
    searches.push(url.searchParams.get("q") ?? "");
    const q = url.searchParams.get("q") ?? "";
    const repo = /(?:^|\s)repo:(\S+)/.exec(q)?.[1]?.toLowerCase() ?? "";
    const onlyOpen = /(?:^|\s)is:open(?:\s|$)/.test(q);
    const terms = q
      .replace(/(?:^|\s)(?:repo|is):\S+/g, " ")
      .split(/\s+OR\s+/)
      .map((t) => t.trim().replace(/^"|"$/g, "").toLowerCase())
      .filter(Boolean);
    const found = [...(repos.get(repo)?.values() ?? [])].filter(
      (i) => (!onlyOpen || i.state === "open") && terms.some((t) => `${i.title}\n${i.body ?? ""}`.toLowerCase().includes(t)),
    );
    found.sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
    sendJson(
      res,
      200,
      { total_count: found.length, incomplete_results: false, items: found.slice(0, perPage).map((i) => ({ ...issueObject(repo, i), score: 1.0 })) },
      headers(),
    );
  }

  function handleRepos(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (!tokenValid(bearer(req))) return sendJson(res, 401, BAD_CREDENTIALS);
    if (secondary.count > 0) {
      secondary.count--;
      const extra: Record<string, string> = secondary.retryAfter !== undefined ? { "Retry-After": String(secondary.retryAfter) } : {};
      return sendJson(res, 403, SECONDARY_LIMITED, { ...rateHeaders(), ...extra });
    }
    if (Math.floor(Date.now() / 1000) >= budget.reset) budget = { ...budget, remaining: budget.limit, reset: Math.floor(Date.now() / 1000) + 3600 };
    if (budget.remaining <= 0) return sendJson(res, 403, RATE_LIMITED, rateHeaders());
    const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(url.pathname);
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(url.pathname);
    const repoName = (one ?? list)?.[1];
    const issues = repoName ? repos.get(repoName.toLowerCase()) : undefined;
    if (req.method !== "GET" || !repoName || !issues) {
      budget.remaining--;
      return sendJson(res, 404, NOT_FOUND, rateHeaders());
    }
    let data: unknown;
    let lastModified: number;
    let link: string | null = null;
    if (one) {
      const issue = issues.get(Number(one[2]));
      if (!issue) {
        budget.remaining--;
        return sendJson(res, 404, NOT_FOUND, rateHeaders());
      }
      data = issueObject(repoName, issue);
      lastModified = Date.parse(issue.updatedAt);
    } else {
      const q = url.searchParams;
      const since = q.get("since") ? Date.parse(q.get("since")!) : 0;
      const state = q.get("state") ?? "open";
      const perPage = Math.min(100, Number(q.get("per_page") ?? 30));
      const page = Math.max(1, Number(q.get("page") ?? 1));
      const asc = q.get("direction") === "asc";
      const byUpdated = q.get("sort") === "updated";
      const matching = [...issues.values()]
        .filter((i) => (state === "all" || i.state === state) && Date.parse(i.updatedAt) >= since)
        .sort((a, b) => {
          const order = byUpdated ? Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.number - b.number : a.number - b.number;
          return asc ? order : -order;
        });
      const pages = Math.max(1, Math.ceil(matching.length / perPage));
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      data = slice.map((i) => issueObject(repoName, i));
      lastModified = Math.max(0, ...slice.map((i) => Date.parse(i.updatedAt)));
      const pageUrl = (n: number) => {
        const u = new URL(url.href);
        u.searchParams.set("page", String(n));
        return u.href;
      };
      const rels: string[] = [];
      if (page > 1) rels.push(`<${pageUrl(page - 1)}>; rel="prev"`);
      if (page < pages) rels.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(pages)}>; rel="last"`);
      if (page > 1) rels.push(`<${pageUrl(1)}>; rel="first"`);
      link = rels.length > 0 ? rels.join(", ") : null;
    }
    const body = JSON.stringify(data);
    const etag = `W/"${crypto.createHash("sha256").update(body).digest("hex").slice(0, 40)}"`;
    const lastModifiedHeader = new Date(lastModified || 0).toUTCString();
    const ifNoneMatch = req.headers["if-none-match"];
    const ifModifiedSince = req.headers["if-modified-since"];
    const unchanged =
      ifNoneMatch !== undefined
        ? ifNoneMatch.split(",").some((t) => t.trim() === etag)
        : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= lastModified;
    if (unchanged) {
      // A 304 costs nothing against the budget; GitHub still reports it.
      res.writeHead(304, { ETag: etag, "Last-Modified": lastModifiedHeader, ...rateHeaders() }).end();
      return;
    }
    budget.remaining--;
    sendJson(res, 200, data, { ETag: etag, "Last-Modified": lastModifiedHeader, ...rateHeaders(), ...(link ? { Link: link } : {}) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    app,
    issuedTokens,
    searches,
    putIssue(repo, issue) {
      const key = repo.toLowerCase();
      if (!repos.has(key)) repos.set(key, new Map());
      const existing = repos.get(key)!.get(issue.number);
      const now = isoSeconds(Date.now());
      repos
        .get(key)!
        .set(issue.number, { ...issue, id: existing?.id ?? nextIssueId++, createdAt: existing?.createdAt ?? now, updatedAt: issue.updatedAt ?? now });
    },
    editIssue(repo, number, change) {
      const issue = repos.get(repo.toLowerCase())?.get(number);
      if (!issue) throw new Error(`fake GitHub has no ${repo}#${number}`);
      Object.assign(issue, change, { updatedAt: change.updatedAt ?? isoSeconds(Date.now()) });
    },
    setRateLimit(limit) {
      budget = { ...budget, remaining: limit.remaining, reset: Math.floor(Date.now() / 1000) + limit.resetInSeconds };
      return budget.reset;
    },
    answerNext(answer) {
      scripted.push(answer);
    },
    secondaryLimit(count, retryAfterSeconds) {
      secondary = { count, retryAfter: retryAfterSeconds };
    },
    setSearchLimit(limit) {
      searchBudget = { limit: limit.limit ?? searchBudget.limit, remaining: limit.remaining, reset: Math.floor(Date.now() / 1000) + limit.resetInSeconds };
    },
    manifestCode(manifest) {
      const code = random(10);
      manifestCodes.set(code, manifest);
      return code;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    clientId,
    clientSecret,
    requests,
    comments,
    setUser(u) {
      user = { ...u };
    },
    exhaustRateLimit(on) {
      rateLimited = on;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
