// Which stored URLs may become an <a href>. Webhook payloads and API answers are data from
// outside: an `html_url` of `javascript:…` must never become a link. Used at the door
// (payload schemas) and again when rendering, so a link stored before these checks existed
// is shown as plain text, not followed. Pure: runs in the browser too.

/**
 * GitHub's web origin. Club Zero's pages already build links to it by hand (a bounty's issue,
 * a target's repository), and GITHUB_OAUTH_URL is only where sign-in happens (tests point it
 * at a fake), so there is no separate setting for it.
 */
export const GITHUB_WEB_ORIGIN = "https://github.com";

// Stored URLs are taken exactly: surrounding whitespace (which the URL parser would strip) or
// credentials make it no link.
function parseUrl(raw: string | null | undefined): URL | null {
  if (typeof raw !== "string" || raw.trim() !== raw || !URL.canParse(raw)) return null;
  const url = new URL(raw);
  return url.username || url.password ? null : url;
}

/**
 * A link a person gave (a timeline's "link to the work": a PR, a document, a package): the
 * URL when it is http(s), else null. The web form and the `/submit` command accept nothing
 * else; this keeps anything stored otherwise from becoming a link.
 */
export function safeWebUrl(raw: string | null | undefined): string | null {
  const url = parseUrl(raw);
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
}

/**
 * The URL when it is an https link on GitHub's web origin (`https://github.com/...`),
 * normalised by the URL parser; null for anything else (`javascript:`, `data:`, `http:`,
 * another host, credentials in the URL, text that is no URL).
 */
export function safeGitHubUrl(raw: string | null | undefined): string | null {
  const url = parseUrl(raw);
  return url?.origin === GITHUB_WEB_ORIGIN ? url.href : null; // the origin includes the scheme: https only
}

/** The canonical page of an issue or pull request, built from its repository and number. */
export function githubIssueUrl(repo: string, number: number, kind?: "issue" | "pull"): string {
  return `${GITHUB_WEB_ORIGIN}/${repo.split("/").map(encodeURIComponent).join("/")}/${kind === "pull" ? "pull" : "issues"}/${number}`;
}

/** The page of a release, built from its repository and tag. */
export function githubReleaseUrl(repo: string, tag: string): string {
  return `${GITHUB_WEB_ORIGIN}/${repo.split("/").map(encodeURIComponent).join("/")}/releases/tag/${encodeURIComponent(tag)}`;
}
