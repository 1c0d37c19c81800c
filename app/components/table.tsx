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
