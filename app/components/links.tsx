import { safeGitHubUrl, safeWebUrl } from "../lib/links";
import type { ReactNode } from "react";

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
