import type { Db } from "../../db/client";

/**
 * A query built and prepared once per connection, then run with placeholders. Otherwise drizzle
 * rebuilds the SQL and SQLite prepares it again at every call: on the portal's hot path (the session
 * and the debtor, read by the layout and by the page) that was a large share of each request.
 */
export function preparedOnce<T, D extends object = Db>(build: (db: D) => T): (db: D) => T {
  // Keyed by the connection (or the transaction handle a caller passes): never shared across files.
  const byConnection = new WeakMap<D, T>();
  return (db) => {
    let query = byConnection.get(db);
    if (!query) {
      query = build(db);
      byConnection.set(db, query);
    }
    return query;
  };
}
