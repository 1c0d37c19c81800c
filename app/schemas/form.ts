import { json } from "@remix-run/node";
import { FORM_LIMITS, readMultipartForm, readUrlEncodedForm, type FormLimits } from "../lib/form-body.server";
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

/**
 * Form fields as an object; fields named in `arrays` (checkboxes) as string arrays, any other
 * field's first value. One pass over the entries: a lookup per key made this quadratic.
 */
export function formToObject(form: FormData, arrays: string[] = []): Record<string, string | string[]> {
  const many = new Set(arrays);
  const out = new Map<string, string | string[]>();
  for (const [key, value] of form) {
    const seen = out.get(key);
    if (many.has(key)) {
      if (Array.isArray(seen)) {
        if (typeof value === "string") seen.push(value);
      } else out.set(key, typeof value === "string" ? [value] : []);
    } else if (seen === undefined && typeof value === "string") out.set(key, value);
  }
  // fromEntries defines own properties, so a field called "__proto__" stays a plain field
  return Object.fromEntries(out);
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** What kind of form a request carries, or a 405/415 to throw. */
export function formType(request: Request): "urlencoded" | "multipart" {
  if (request.method !== "POST") {
    throw json({ message: `${request.method} is not allowed here; forms are sent with POST.` }, { status: 405, headers: { Allow: "GET, POST" } });
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) {
    throw json({ message: "Send this as a form (application/x-www-form-urlencoded or multipart/form-data)." }, { status: 415 });
  }
  return type === "multipart/form-data" ? "multipart" : "urlencoded";
}

/**
 * The submitted form, or a clear 4xx: 405 for a method other than POST, 415 for a body that is
 * not a form, 413 for one over a limit (1 MiB, 200 fields; checked while it is read, before any
 * field is decoded), 400 for one that cannot be read or that carries a file. Every form without
 * receipts is read through here (forms with receipts: readFormWithReceipts, same reader).
 */
export async function readForm(request: Request, limits: FormLimits = FORM_LIMITS): Promise<FormData> {
  if (formType(request) === "urlencoded") return readUrlEncodedForm(request.body, limits);
  const noFiles = async (): Promise<never> => {
    throw json({ message: "This form takes no files." }, { status: 400 });
  };
  return (await readMultipartForm(request, { ...limits, maxFiles: 0 }, noFiles, async () => undefined)).form;
}
