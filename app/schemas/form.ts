import { json } from "@remix-run/node";
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/**
 * Validates a submitted form. On failure: the first message per field, and the values the
 * user typed (minus secrets) so the form can show them again.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
  { arrays = [], secrets = ["password", "newPassword", "currentPassword"] }: { arrays?: string[]; secrets?: string[] } = {},
): { ok: true; data: z.infer<S> } | { ok: false; fieldErrors: FieldErrors; values: Record<string, string | string[]> } {
  const raw = formToObject(form, arrays);
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  const values = Object.fromEntries(Object.entries(raw).filter(([k]) => !secrets.includes(k)));
  return { ok: false, fieldErrors, values };
}

/** Form fields as an object; fields named in `arrays` (checkboxes) as string arrays. */
export function formToObject(form: FormData, arrays: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).filter((v): v is string => typeof v === "string");
    if (arrays.includes(key)) out[key] = values;
    else if (values[0] !== undefined) out[key] = values[0];
  }
  return out;
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * The submitted form, or a clear 4xx: 405 for a method other than POST, 415 for a body
 * that is not a form, 400 for one that cannot be read.
 */
export async function readForm(request: Request): Promise<FormData> {
  if (request.method !== "POST") {
    throw json({ message: `${request.method} is not allowed here; forms are sent with POST.` }, { status: 405, headers: { Allow: "GET, POST" } });
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) {
    throw json({ message: "Send this as a form (application/x-www-form-urlencoded or multipart/form-data)." }, { status: 415 });
  }
  try {
    return await request.formData();
  } catch {
    throw json({ message: "The form could not be read." }, { status: 400 });
  }
}
