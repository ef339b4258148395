import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { tablesEngine } from "./tables";

/**
 * The few places where SQLite and PostgreSQL spell the same thing differently. Every query is written
 * once against db/tables; it calls one of these where the engines truly differ (issue 13).
 */
const onPostgres = tablesEngine === "postgres";

/**
 * `column in (values)` with the whole list bound as one value: no parameter per value (SQLite's
 * 32,766-variable limit), the column's index still used, no statement built per length.
 */
export function inList(column: SQLWrapper, values: readonly (string | number)[]): SQL {
  return onPostgres ? sql`${column} = any(${sql.param(values)})` : sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * The rows of a multi-row insert as one bound value, for `insert into table (columns) select …`:
 * SQLite reads a JSON array of arrays, PostgreSQL a JSON array of objects typed by the table's row.
 */
export function selectFromJsonRows(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): SQL {
  const names = columns.join(", ");
  if (onPostgres) {
    const objects = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] instanceof Date ? (row[i] as Date).toISOString() : row[i]])));
    return sql`${sql.raw(`select ${names} from jsonb_populate_recordset(null::${table}, `)}${JSON.stringify(objects)}${sql.raw("::jsonb)")}`;
  }
  const arrays = rows.map((row) => row.map((v) => (v instanceof Date ? v.getTime() : typeof v === "boolean" ? (v ? 1 : 0) : v)));
  const picks = columns.map((_c, i) => `json_extract(value, '$[${i}]')`).join(", ");
  return sql`${sql.raw(`select ${picks} from json_each(`)}${JSON.stringify(arrays)}${sql.raw(")")}`;
}

/** The distinct non-null values of a group, joined by commas (null when there are none). */
export function distinctList(expression: SQL | SQLWrapper): SQL<string | null> {
  return onPostgres ? sql<string | null>`string_agg(distinct (${expression})::text, ',')` : sql<string | null>`group_concat(distinct ${expression})`;
}

/**
 * An instant for a prepared statement's placeholder: drizzle maps a value through its column, but
 * passes a placeholder's value as is, so it must already be what the engine stores.
 */
export function instant(at: Date): number | string {
  return onPostgres ? at.toISOString() : at.getTime();
}

/** `expression like pattern escape '\'`, ignoring case as SQLite's LIKE does (PostgreSQL's LIKE does not: ILIKE). */
export function likeAnyCase(expression: SQL | SQLWrapper, pattern: string): SQL {
  return onPostgres ? sql`${expression} ilike ${pattern} escape '\\'` : sql`${expression} like ${pattern} escape '\\'`;
}
