// The building blocks of every form schema. zod's own messages ("Invalid input: expected
// string, received undefined") never reach a person: each field here is built with the
// words for what it is, so a missing, repeated or malformed field still gets a sentence
// that names it.
import { z } from "zod";

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A text field named in words ("the title", "your email address"): missing, it says "Fill
 * in the title."; anything other than one piece of text, "The title must be one piece of text."
 */
export function text(field: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? `Fill in ${field}.` : `${capitalise(field)} must be one piece of text.`) });
}

/** One of a fixed list; anything else (missing included) gets `message`. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values, { error: message });
}

/** A positive whole number typed or posted as text (an id); anything else gets `message`. */
export function wholeNumber(message: string) {
  return z.coerce.number({ error: message }).int(message).positive(message).max(Number.MAX_SAFE_INTEGER, message);
}

/** A whole form; something that is not one at all (a script's stray body) gets a sentence too. */
export function form<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape, { error: "The form did not arrive as a form: send it again from the page." });
}

/** A real calendar date, YYYY-MM-DD; `field` names it in the message ("the date"). */
export const isoDate = (field: string) =>
  text(field)
    .trim()
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
      `Give ${field} as a real date like 2026-03-01.`,
    );
