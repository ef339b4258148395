/**
 * What the back office's work lists (calls, decisions, letters, debtors) share: a sort and a text
 * filter read from the URL, so a list can be bookmarked, shared and used without JavaScript.
 */
export type SortDirection = "asc" | "desc";
export type Sort<K extends string> = { key: K; direction: SortDirection };

/** The sort in `?tri=…&ordre=…`; an unknown column or order falls back to the list's default. */
export function parseSort<K extends string>(params: URLSearchParams, keys: readonly K[], fallback: Sort<K>): Sort<K> {
  const key = params.get("tri");
  if (!key || !(keys as readonly string[]).includes(key)) return fallback;
  const order = params.get("ordre");
  return { key: key as K, direction: order === "asc" || order === "desc" ? order : fallback.direction };
}

type SortValue = string | number | null;

/**
 * Rows sorted by one column; empty values go last whatever the direction, and ties keep the
 * list's own order (the sort is stable), so the default ranking still decides between equals.
 */
export function sortRows<T, K extends string>(rows: readonly T[], sort: Sort<K>, valueOf: Record<K, (row: T) => SortValue>): T[] {
  const value = valueOf[sort.key];
  const sign = sort.direction === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === "number" && typeof y === "number") return (x - y) * sign;
    return String(x).localeCompare(String(y), "fr", { sensitivity: "base", numeric: true }) * sign;
  });
}

/** Lower case without accents: "Élégance" is found by typing "elegance". */
export function foldText(text: string): string {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
}

/** Whether any of the texts contains the query, ignoring case and accents; an empty query matches everything. */
export function matchesQuery(query: string, ...texts: readonly (string | null | undefined)[]): boolean {
  const wanted = foldText(query.trim());
  return wanted === "" || texts.some((text) => text != null && foldText(text).includes(wanted));
}

/**
 * The query of the list a form was sent from (its `list` field), rebuilt from the list's own
 * parameter names only, so a redirect back to it can never be pointed elsewhere.
 */
export function listQuery(sent: string, names: readonly string[], open: number | string | null = null): string {
  const from = new URLSearchParams(sent);
  const kept = new URLSearchParams();
  for (const name of names) {
    const value = from.get(name);
    if (value) kept.set(name, value.slice(0, 100));
  }
  if (open) kept.set("ouvrir", String(open));
  const query = kept.toString();
  return query ? `?${query}` : "";
}
