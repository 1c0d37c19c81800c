// An audit record's before and after (JSON, as recorded) in words for the admin pages:
// each field that changed, "display name: Bob Builder → Bob B.", never the raw JSON.

type Value = unknown;

/** "displayName" → "display name", "githubLogin" → "GitHub login". */
function fieldWords(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/\bgithub\b/g, "GitHub");
}

function shown(value: Value): string {
  if (value === null || value === undefined || value === "") return "none";
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(shown).join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function parsed(json: string | null): Record<string, Value> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, Value>) : null;
  } catch {
    return null;
  }
}

/**
 * The fields an audit record changed, one line each: "roles: packager → packager, ssc" when
 * it has both sides, "roles: ssc" when it has only one (a creation). A side that is not a JSON
 * object is shown as recorded.
 */
export function describeChanges(beforeJson: string | null, afterJson: string | null): string[] {
  const before = parsed(beforeJson);
  const after = parsed(afterJson);
  if ((beforeJson !== null && before === null) || (afterJson !== null && after === null)) {
    return [beforeJson !== null ? `before: ${beforeJson}` : "", afterJson !== null ? `after: ${afterJson}` : ""].filter(Boolean);
  }
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const lines: string[] = [];
  for (const key of keys) {
    const was = before?.[key];
    const now = after?.[key];
    if (before && after) {
      if (JSON.stringify(was) !== JSON.stringify(now)) lines.push(`${fieldWords(key)}: ${shown(was)} → ${shown(now)}`);
    } else lines.push(`${fieldWords(key)}: ${shown(before ? was : now)}`);
  }
  return lines;
}
