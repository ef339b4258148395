import { Form, Link, useLocation } from "@remix-run/react";
import { Children, Fragment, createContext, useContext, useEffect, useRef, type ReactNode } from "react";

/**
 * The back office's work lists (calls, decisions, letters, debtors): one line per item, sorted and
 * filtered through the URL, one row opened in place (`?ouvrir=id`), and operable from the keyboard:
 * j / ↓ next row, k / ↑ previous, Entrée open, x select, Échap close.
 */

/** A link to this list with some parameters changed (null removes one); the open row closes when the list changes. */
export function useListHref() {
  const { search } = useLocation();
  return (changes: Record<string, string | number | null>) => {
    const params = new URLSearchParams(search);
    if (!("ouvrir" in changes)) params.delete("ouvrir");
    for (const [name, value] of Object.entries(changes)) {
      if (value === null || value === "") params.delete(name);
      else params.set(name, String(value));
    }
    const query = params.toString();
    return query ? `?${query}` : "?";
  };
}

export function SortHeader(props: { column: string; label: string; sort: { key: string; direction: "asc" | "desc" }; numeric?: boolean }) {
  const href = useListHref();
  const active = props.sort.key === props.column;
  // Amounts and delays are read largest first; names from A.
  const next = active ? (props.sort.direction === "asc" ? "desc" : "asc") : props.numeric ? "desc" : "asc";
  return (
    <th scope="col" className={props.numeric ? "num" : undefined} aria-sort={active ? (props.sort.direction === "asc" ? "ascending" : "descending") : undefined}>
      <Link to={href({ tri: props.column, ordre: next, page: null })} preventScrollReset className="sort-link">
        {props.label}
        {active ? <span aria-hidden="true">{props.sort.direction === "asc" ? " ▲" : " ▼"}</span> : null}
      </Link>
    </th>
  );
}

/** The filters above a list: a GET form, so the filtered list has its own address; the sort is kept. */
export function ListFilters({ label, children }: { label: string; children: ReactNode }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  return (
    <Form method="get" className="list-filters" aria-label={label} preventScrollReset>
      {children}
      {["tri", "ordre"].map((name) => (params.get(name) ? <input key={name} type="hidden" name={name} value={params.get(name)!} /> : null))}
      <button type="submit" className="button secondary">
        Filtrer
      </button>
    </Form>
  );
}

/** How many columns the table has, so that an opened row's action spans them all. */
const ColumnCount = createContext(1);

/**
 * A work list's table: the count read out, the keyboard hint and the headers, with the column that
 * opens each WorkRow; with no rows, only the count. It gives the keys of useListKeys to the table.
 */
export function WorkTable(props: { id: string; caption: string; status: string; head: ReactNode[]; rows: ReactNode[]; openable?: boolean }) {
  useListKeys(props.id);
  const openable = props.openable ?? true;
  const head = props.head.filter(Boolean);
  return (
    <>
      <p className="muted" role="status">
        {props.status}
      </p>
      {Children.count(props.rows) > 0 ? (
        <>
          <KeyboardHint />
          <div className="table-scroll">
            <table id={props.id} className="work-list">
              <caption className="visually-hidden">{props.caption}</caption>
              <thead>
                <tr>
                  {head.map((cell, i) => (
                    <Fragment key={i}>{cell}</Fragment>
                  ))}
                  {openable ? (
                    <th scope="col">
                      <span className="visually-hidden">Action</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <ColumnCount.Provider value={head.length + (openable ? 1 : 0)}>
                <tbody>{props.rows}</tbody>
              </ColumnCount.Provider>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}

/** The header of the column of tick boxes for bulk actions. */
export function SelectionHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Sélection</span>
    </th>
  );
}

/** One line of a list. `open` renders its action right under it, across the whole table. */
export function WorkRow(props: { id: number | string; open: boolean; label: string; children: ReactNode; detail: ReactNode; testId?: string }) {
  const href = useListHref();
  const columns = useContext(ColumnCount);
  return (
    <>
      <tr data-work-row tabIndex={-1} id={`row-${props.id}`} className={props.open ? "open" : undefined} data-testid={props.testId} aria-label={props.label}>
        {props.children}
        <td className="row-action">
          {props.open ? (
            <Link to={href({ ouvrir: null })} preventScrollReset data-close aria-expanded="true" aria-controls={`detail-${props.id}`}>
              Fermer
            </Link>
          ) : (
            <Link to={href({ ouvrir: props.id })} preventScrollReset data-open aria-expanded="false">
              Ouvrir<span className="visually-hidden"> : {props.label}</span>
            </Link>
          )}
        </td>
      </tr>
      {props.open ? (
        <DetailRow id={props.id} columns={columns} label={props.label}>
          {props.detail}
        </DetailRow>
      ) : null}
    </>
  );
}

function DetailRow({ id, columns, label, children }: { id: number | string; columns: number; label: string; children: ReactNode }) {
  const cell = useRef<HTMLTableCellElement>(null);
  // Opened from the keyboard or a click, the first field takes the focus: the decision is one Tab away.
  useEffect(() => {
    cell.current?.querySelector<HTMLElement>("input:not([type=hidden]), select, textarea, button")?.focus({ preventScroll: false });
  }, [id]);
  return (
    <tr className="row-detail" id={`detail-${id}`}>
      <td colSpan={columns} ref={cell}>
        <div role="region" aria-label={label}>
          {children}
        </div>
      </td>
    </tr>
  );
}

/** The keys of a list (WorkTable sets them up), and the line that tells them. */
function useListKeys(listId: string) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const list = document.getElementById(listId);
      const target = event.target as HTMLElement;
      if (!list) return;
      if (target.closest("input, textarea, select, [contenteditable]")) {
        if (event.key === "Escape" && list.contains(target)) list.querySelector<HTMLElement>("[data-close]")?.click();
        return;
      }
      const rows = [...list.querySelectorAll<HTMLElement>("tr[data-work-row]")];
      const current = rows.findIndex((row) => row.contains(target));
      const focus = (index: number) => rows[Math.max(0, Math.min(rows.length - 1, index))]?.focus();
      const onRow = current >= 0;
      if (event.key === "j" || (event.key === "ArrowDown" && onRow)) focus(onRow ? current + 1 : 0);
      else if (event.key === "k" || (event.key === "ArrowUp" && onRow)) focus(onRow ? current - 1 : 0);
      else if ((event.key === "Enter" || event.key === "o") && onRow && target === rows[current]) rows[current]!.querySelector<HTMLElement>("[data-open], [data-close]")?.click();
      else if (event.key === "x" && onRow) rows[current]!.querySelector<HTMLInputElement>("input[type=checkbox]")?.click();
      else if (event.key === "Escape") list.querySelector<HTMLElement>("[data-close]")?.click();
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [listId]);
}

function KeyboardHint() {
  return (
    <p className="muted keyboard-hint">
      Clavier : <kbd>j</kbd>/<kbd>k</kbd> ligne suivante ou précédente, <kbd>Entrée</kbd> ouvrir, <kbd>x</kbd> sélectionner, <kbd>Échap</kbd> fermer.
    </p>
  );
}
