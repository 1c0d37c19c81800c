import { Link } from "@remix-run/react";

/** The 400 banner for bad query parameters: which value is wrong, and a way out. */
export function QueryErrors({ errors, clearTo }: { errors: { param: string; message: string }[]; clearTo: string }) {
  if (errors.length === 0) return null;
  return (
    <div className="alert alert--error" role="alert">
      <h2>We couldn't apply those filters</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.param}>{e.message}</li>
        ))}
      </ul>
      <p>
        <Link to={clearTo}>Clear all filters</Link>
      </p>
    </div>
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
