import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/**
 * Validates a submitted form. On failure: the first message per field, and the values the
 * user typed (minus secrets) so the form can show them again.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
  secretFields: string[] = ["password", "newPassword", "currentPassword"],
): { ok: true; data: z.infer<S> } | { ok: false; fieldErrors: FieldErrors; values: Record<string, string> } {
  const raw: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === "string") raw[key] = value;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  const values = Object.fromEntries(Object.entries(raw).filter(([k]) => !secretFields.includes(k)));
  return { ok: false, fieldErrors, values };
}
