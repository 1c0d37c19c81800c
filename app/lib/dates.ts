const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "2 days ago", "in 12 days", "just now". */
export function formatRelative(at: number, now = Date.now()): string {
  const diff = at - now;
  for (const [unit, ms] of UNITS) {
    // Round the size, not the signed value: Math.round(-1.5) is -1, which made 90 minutes
    // ago "1 hour ago" but 90 minutes ahead "in 2 hours".
    if (Math.abs(diff) >= ms) return rtf.format(Math.sign(diff) * Math.round(Math.abs(diff) / ms), unit);
  }
  return "just now";
}

/** "2026-11-23" in UTC. */
export function formatDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** "2026-11-23 14:05 UTC". */
export function formatDateTime(at: number): string {
  return `${new Date(at).toISOString().replace("T", " ").slice(0, 16)} UTC`;
}
