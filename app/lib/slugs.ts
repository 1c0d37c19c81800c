/**
 * Text as a URL or anchor name: lowercase ASCII letters, digits and single hyphens, at most
 * `max` characters ("Envoy with SPIRE's SDS" → "envoy-with-spires-sds"); "" when nothing is left.
 */
export function formatSlug(text: string, max = 60): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, "")
    .trim()
    .replace(/[\s-]+/g, "-")
    .slice(0, max)
    .replace(/-+$/, "");
}
