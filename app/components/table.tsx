import type { ReactNode } from "react";

/** A column heading: its text, and whether it holds amounts (right-aligned). */
export type Column = string | { label: string; amount: true };

/** The header row of a data table, each heading scoped to its column. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th scope="col" key={c}>
              {c}
            </th>
          ) : (
            <th scope="col" key={c.label} className="amount">
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/**
 * The box around a table that may scroll sideways (on a phone): a named region that takes
 * keyboard focus, so it can be scrolled with the arrow keys and a screen reader says what it is.
 */
export function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
