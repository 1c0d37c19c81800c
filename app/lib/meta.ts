/** What Club Zero is, in one sentence: the description of any page that has none of its own. */
export const SITE_DESCRIPTION =
  "Club Zero is where the SPIFFE community tracks the integrations, packages and docs that make workload identity the default everywhere.";

/**
 * A page's <title> and meta description. Remix replaces the parent's meta with the
 * child's, so every route returns both through here.
 */
export function pageMeta(title: string, description: string = SITE_DESCRIPTION) {
  return [{ title }, { name: "description", content: description }];
}
