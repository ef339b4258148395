import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { actOnSelectedDebtors, loadDebtorList, type BulkErrors } from "~/services/backoffice/debtor-list.server";
import { StaffFormToken } from "~/components/staff-form-token";
import { FieldError, invalidProps } from "~/components/field-error";
import { SelectionHeader, SortHeader, WorkTable, useListHref } from "~/components/work-list";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Débiteurs" }] };

export const meta = pageTitle("Débiteurs");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadDebtorList(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return actOnSelectedDebtors(getDb(), request);
}

const filterLabels: Record<string, string> = { all: "Tous", overdue: "En retard", paused: "En pause", litigation: "Contentieux" };
const stateLabels: Record<string, string> = { litigation: "contentieux", time_barred: "prescrite", paused: "en pause", overdue: "en retard", current: "à jour", settled: "soldé" };

export default function DebtorList() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: BulkErrors["bulkErrors"] = result?.bulkErrors ?? {};
  const { search } = useLocation();
  // Another filter or page of the same list: search and sort kept, the bulk notice dropped.
  const listHref = useListHref();
  const filterHref = (filtre: string) => listHref({ fait: null, page: null, filtre: filtre === "all" ? null : filtre });
  const pageHref = (n: number) => listHref({ fait: null, page: n > 1 ? n : null });
  return (
    <main className="page wide">
      <h1>Débiteurs</h1>
      <Form method="get" role="search" className="card" aria-label="Rechercher dans la liste des débiteurs">
        <label htmlFor="debtor-search">Rechercher un client</label>
        <input id="debtor-search" name="q" type="search" defaultValue={page.q} maxLength={100} aria-describedby="debtor-search-hint" />
        <p className="muted" id="debtor-search-hint">
          Nom, SIREN, numéro de facture ou référence.
        </p>
        {page.filter !== "all" ? <input type="hidden" name="filtre" value={page.filter} /> : null}
        <button type="submit" className="button">
          Rechercher
        </button>
      </Form>
      <nav aria-label="Filtrer" className="button-row">
        {Object.entries(filterLabels).map(([value, label]) => (
          <Link key={value} className={value === page.filter ? "button" : "button secondary"} to={filterHref(value)} aria-current={value === page.filter ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {page.done ? (
        <p className="notice" role="status">
          {page.done.kind === "suspendu" ? `Relances suspendues pour ${page.done.count} client${page.done.count > 1 ? "s" : ""}.` : `Relances reprises pour ${page.done.count} client${page.done.count > 1 ? "s" : ""}.`}
        </p>
      ) : null}
      <WorkTable
        id="debtor-list"
        caption="Débiteurs"
        status={page.total === 0 ? "Aucun client ne correspond." : `${page.total} client${page.total > 1 ? "s" : ""}.`}
        openable={false}
        head={[
          page.canHold ? <SelectionHeader /> : null,
          <SortHeader column="client" label="Client" sort={page.sort} />,
          <SortHeader column="du" label="Dû" sort={page.sort} numeric />,
          <SortHeader column="retard" label="En retard" sort={page.sort} numeric />,
          <SortHeader column="anciennete" label="Plus ancien retard" sort={page.sort} numeric />,
          <th scope="col">État</th>,
          <SortHeader column="contact" label="Dernier contact" sort={page.sort} numeric />,
        ]}
        rows={page.debtors.map((d) => (
          // Enter on the row opens the debtor's file, the link marked data-open.
          <tr key={d.id} data-testid="debtor-row" data-work-row tabIndex={-1}>
            {page.canHold ? (
              <td>
                <input type="checkbox" form="bulk-debtors" name="debtorId" value={d.id} aria-label={`Sélectionner ${d.name}`} />
              </td>
            ) : null}
            <td>
              <Link to={`/backoffice/debtors/${d.id}`} data-open>
                {d.name}
              </Link>
              {d.siren ? <span className="muted"> · SIREN {d.siren}</span> : null}
            </td>
            <td className="num">
              {d.owed}
              {d.severalCurrencies ? " (+ autres devises)" : ""}
            </td>
            <td className="num">{d.overdue}</td>
            <td className="num">{d.daysLate > 0 ? `${d.daysLate} j` : "—"}</td>
            <td>{stateLabels[d.state]}</td>
            <td>{d.lastContact ?? "—"}</td>
          </tr>
        ))}
      />
      {page.canHold && page.debtors.length > 0 ? (
        <Form method="post" id="bulk-debtors" className="bulk-bar" noValidate aria-label="Relances des clients sélectionnés">
          <StaffFormToken />
          <input type="hidden" name="list" value={search} />
          <div>
            <label htmlFor="bulk-reason">Motif</label>
            <input id="bulk-reason" name="reason" type="text" maxLength={300} {...invalidProps("bulk-reason", errors.reason)} />
            <FieldError field="bulk-reason" message={errors.reason} />
          </div>
          <div>
            <label htmlFor="bulk-until">Jusqu'au (inclus)</label>
            <input id="bulk-until" name="until" type="date" min={page.today} max={page.holdLatest} {...invalidProps("bulk-until", errors.until)} />
            <FieldError field="bulk-until" message={errors.until} />
          </div>
          <button type="submit" name="intent" value="hold" className="button">
            Suspendre les relances des clients cochés
          </button>
          <button type="submit" name="intent" value="resume" className="button secondary">
            Reprendre leurs relances
          </button>
          <FieldError field="bulk-debtors" message={errors.debtors} />
        </Form>
      ) : null}
      {page.pages > 1 ? (
        <nav aria-label="Pages" className="button-row">
          {page.page > 1 ? (
            <Link className="button secondary" to={pageHref(page.page - 1)} rel="prev">
              ← Précédents
            </Link>
          ) : null}
          <span className="muted">
            Page {page.page} sur {page.pages}
          </span>
          {page.page < page.pages ? (
            <Link className="button secondary" to={pageHref(page.page + 1)} rel="next">
              Suivants →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
