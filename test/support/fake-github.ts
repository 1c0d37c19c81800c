// A local stand-in for github.com's OAuth pages and api.github.com's /user, speaking
// GitHub's real wire format (including its habit of answering token errors with 200).
// Point GITHUB_OAUTH_URL and GITHUB_API_URL at `url`.
import crypto from "node:crypto";
import http from "node:http";
import { createFakeComments, type FakeComments } from "./fake-github-comments";
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
}

export interface FakeGithub {
  url: string;
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

export interface FakeGithubOptions {
  clientId?: string;
  clientSecret?: string;
  user?: FakeGithubUser;
  /** A personal access token the REST API accepts (issue comments). */
  apiToken?: string;
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
  const comments = createFakeComments(() => baseUrl, options.apiToken);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: { ...req.headers }, body });
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

    if (comments.handle(req, res, url, body)) return;

    sendJson(res, 404, NOT_FOUND);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
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
