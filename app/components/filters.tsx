import { Form, Link, useLocation } from "@remix-run/react";
import { ResultMessage } from "./form";
import type { ReactNode } from "react";

/** The 400 banner for bad query parameters: which value is wrong, and a way out. */
export function QueryErrors({ errors, clearTo }: { errors: { param: string; message: string }[]; clearTo: string }) {
  if (errors.length === 0) return null;
  return (
    <ResultMessage tone="error" trigger={errors}>
      <h2>We couldn't apply those filters</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.param}>{e.message}</li>
        ))}
      </ul>
      <p>
        <Link to={clearTo}>Clear all filters</Link>
      </p>
    </ResultMessage>
  );
}

/** Previous/next links that keep the current filters. */
export function Pagination({ query, page, pages }: { query: Record<string, string>; page: number; pages: number }) {
  if (pages <= 1) return null;
  const href = (n: number) => `?${new URLSearchParams({ ...query, page: String(n) })}`;
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? <Link to={href(page - 1)}>← Previous</Link> : <span />}
      {page < pages ? <Link to={href(page + 1)}>Next →</Link> : null}
    </nav>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/** A labelled <select> for a GET filter form; `any` adds an empty "no filter" choice first. */
export function FilterSelect({
  name,
  label,
  value,
  choices,
  any,
  invalid,
}: {
  name: string;
  label: string;
  value?: string;
  choices: Choice[];
  any?: string;
  invalid?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={value ?? ""} aria-invalid={invalid ? true : undefined}>
        {any !== undefined ? <option value="">{any}</option> : null}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A GET filter form whose fields always show the filters of the page's address. React keeps a
 * field's value when the same route renders again, so without a new key per query, Reset (or
 * the header's link) showed the old choices over the unfiltered list, and the next Apply sent
 * them back.
 */
export function FilterForm({ label, children }: { label: string; children: ReactNode }) {
  const { search } = useLocation();
  return (
    <Form method="get" key={search} className="filters" aria-label={label}>
      {children}
    </Form>
  );
}

/** Apply and Reset for a filter form. */
export function FilterActions({ resetTo }: { resetTo: string }) {
  return (
    <div className="filters__actions">
      <button type="submit" className="button">
        Apply
      </button>
      <Link to={resetTo} className="button button--quiet">
        Reset
      </Link>
    </div>
  );
}
