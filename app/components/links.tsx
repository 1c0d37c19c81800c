import { Link } from "@remix-run/react";
import { safeGitHubUrl, safeWebUrl } from "../lib/links";
import type { ReactNode } from "react";

// A path of this site with nothing for the router to resolve: no dot segments, no doubled
// slash, no query or fragment (ListLink's shortcut writes it as is, as Link would).
const PLAIN_PATH = /^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9_~.-]+)+$/;

/**
 * Remix's Link, for the links repeated on every row of a long list (a board page of 50 cards
 * has about 140). In the browser it is Link. On the server, where the page is rendered to
 * HTML and a link cannot be clicked, it writes the anchor Link writes for a plain path
 * (class, data-discover for the route discovery, href) without running Link's hooks, which
 * were about a fifth of the board's server time. test/unit/list-link.test.tsx checks both
 * write the same HTML.
 */
export function ListLink({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  if (typeof document === "undefined" && PLAIN_PATH.test(to)) {
    return (
      <a className={className} data-discover="true" href={to}>
        {children}
      </a>
    );
  }
  return (
    <Link to={to} className={className}>
      {children}
    </Link>
  );
}

/** A link to a GitHub page (issue, PR, release); plain text when the URL is not one. */
export function GitHubLink({ url, className, children }: { url: string | null | undefined; className?: string; children: ReactNode }) {
  const href = safeGitHubUrl(url);
  return href ? (
    <a href={href} rel="noreferrer" className={className}>
      {children}
    </a>
  ) : (
    <span className={className}>{children}</span>
  );
}

/** A link a person gave (http or https only, never followed for ranking); plain text otherwise. */
export function WebLink({ url, children }: { url: string | null | undefined; children: ReactNode }) {
  const href = safeWebUrl(url);
  return href ? (
    <a href={href} rel="nofollow noreferrer">
      {children}
    </a>
  ) : (
    <span>{children}</span>
  );
}
