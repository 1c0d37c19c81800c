/**
 * Structured security log lines (one JSON object per line, UTC). Never pass passwords,
 * cookies, tokens or secrets in `fields`.
 */
export function logEvent(event: string, fields: Record<string, string | number | boolean | null | undefined> = {}) {
  if (process.env.CLUBZERO_QUIET_LOG === "1") return;
  console.info(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));
}
