import type Database from "better-sqlite3";

/**
 * Makes `sqlite.prepare` reuse compiled statements by their SQL text (least recently used
 * first out, at most `max`). drizzle prepares every query it runs, and compiling the SQL
 * cost more than running it on the hot paths (npm run bench's profiles); drizzle binds
 * values as parameters, so one query shape is one SQL text. Only compiled statements are
 * kept, never rows: every call still reads the database.
 *
 * A statement returned again has its result modes reset (drizzle switches `raw()` on
 * per call), so each caller sees it as if freshly prepared.
 */
export function cacheStatements(sqlite: Database.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt && !stmt.busy) {
      cache.delete(source); // re-inserted below: most recently used last
      if (stmt.reader) stmt.raw(false).pluck(false).expand(false);
    } else {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  }) as typeof sqlite.prepare;
}
