import { z } from "zod";
import { CATALOG_SORTS } from "../lib/catalog";
import { RUNGS } from "../lib/ladder";
import { pageCount } from "../lib/paging";
import { PERSONA_SLUGS, TARGET_STATUSES } from "../lib/vocabulary";

const choices = (values: readonly string[]) => values.join(", ");

/** `?page=N` on every paginated list: a whole number from 1. */
export const pageParam = z.coerce
  .number({ error: "must be a page number" })
  .int("must be a page number")
  .min(1, "must be a page number")
  .max(100_000, "is too large")
  .default(1);

export const CatalogQuerySchema = z.object({
  persona: z.enum(PERSONA_SLUGS, { error: `choose one of ${choices(PERSONA_SLUGS)}` }).optional(),
  category: z.string().trim().max(64, "is too long").optional(),
  status: z.enum(TARGET_STATUSES, { error: `choose one of ${choices(TARGET_STATUSES)}` }).optional(),
  q: z.string().trim().max(100, "must be 100 characters or fewer").optional(),
  sort: z.enum(CATALOG_SORTS, { error: `choose one of ${choices(CATALOG_SORTS)}` }).default("relevance"),
  /** Targets whose road to "done" has reached at least this rung. */
  rung: z.enum(RUNGS, { error: `choose one of ${choices(RUNGS)}` }).optional(),
  /** Retired targets are out of the default view; `retired=only` lists them. */
  retired: z.enum(["only"], { error: "use retired=only to list retired targets" }).optional(),
  page: pageParam,
});

/** A target page's query: which page of its linked issues. */
export const TargetPageQuerySchema = z.object({ page: pageParam });

export type CatalogQuery = z.infer<typeof CatalogQuerySchema>;

export interface QueryError {
  param: string;
  value: string;
  message: string;
}

/** The query parameters whose names are not words a person would use (the form's labels). */
const PARAM_WORDS: Record<string, string> = { q: "search", since: "“outdated since” day" };

/**
 * Reads search params into a typed query. Empty values mean "any" (what an unselected
 * <select> sends). Errors name the parameter and the value the user gave.
 */
export function parseSearchParams<S extends z.ZodType>(
  schema: S,
  params: URLSearchParams,
): { ok: true; data: z.infer<S> } | { ok: false; errors: QueryError[] } {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value.trim() !== "") raw[key] = value;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => {
      const param = String(issue.path[0] ?? "query");
      const value = raw[param] ?? "";
      // a fragment after the colon: a whole sentence (a shared field's message) loses its capital and full stop
      const reason = issue.message.replace(/\.$/, "").replace(/^[A-Z](?=[a-z ])/, (c) => c.toLowerCase());
      return { param, value, message: `"${value}" is not a valid ${PARAM_WORDS[param] ?? param}: ${reason}.` };
    }),
  };
}

/** A `?page=` past the list's last page (a stale link, a typed address): said in words, not shown as an empty list. */
export function pageBeyondEnd(page: number, total: number, pageSize: number): QueryError | null {
  const pages = pageCount(total, pageSize);
  if (page <= pages) return null;
  return { param: "page", value: String(page), message: `There is no page ${page}: these filters give ${pages} ${pages === 1 ? "page" : "pages"}.` };
}
