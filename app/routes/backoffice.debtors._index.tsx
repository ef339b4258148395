import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { loadDebtorList } from "~/services/backoffice/debtor-list.server";
import type { BackofficeHandle } from "~/components/backoffice-shell";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Débiteurs" }] };

export const meta: MetaFunction = () => [{ title: "Débiteurs — Relance" }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export function loader({ request }: LoaderFunctionArgs) {
  return loadDebtorList(request);
}

const filterLabels: Record<string, string> = { all: "Tous", overdue: "En retard", paused: "En pause", litigation: "Contentieux" };
const stateLabels: Record<string, string> = { litigation: "contentieux", time_barred: "prescrite", paused: "en pause", overdue: "en retard", current: "à jour", settled: "soldé" };

export default function DebtorList() {
  const page = useLoaderData<typeof loader>();
  const href = (changes: Record<string, string | number>) => {
    const params = new URLSearchParams();
    const next = { q: page.q, filtre: page.filter, page: page.page, ...changes };
    if (next.q) params.set("q", String(next.q));
    if (next.filtre !== "all") params.set("filtre", String(next.filtre));
    if (Number(next.page) > 1) params.set("page", String(next.page));
    const search = params.toString();
    return search ? `?${search}` : ".";
  };
  return (
    <main className="page">
      <h1>Débiteurs</h1>
      <Form method="get" role="search" className="card">
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
          <Link key={value} className={value === page.filter ? "button" : "button secondary"} to={href({ filtre: value, page: 1 })} aria-current={value === page.filter ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <p className="muted" role="status">
        {page.total === 0 ? "Aucun client ne correspond." : `${page.total} client${page.total > 1 ? "s" : ""}, classés par montant en retard.`}
      </p>
      {page.debtors.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Client</th>
                <th className="num">Dû</th>
                <th className="num">En retard</th>
                <th className="num">Plus ancien retard</th>
                <th>État</th>
                <th>Dernier contact</th>
              </tr>
            </thead>
            <tbody>
              {page.debtors.map((d) => (
                <tr key={d.id} data-testid="debtor-row">
                  <td>
                    <Link to={`/backoffice/debtors/${d.id}`}>{d.name}</Link>
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
            </tbody>
          </table>
        </div>
      ) : null}
      {page.pages > 1 ? (
        <nav aria-label="Pages" className="button-row">
          {page.page > 1 ? (
            <Link className="button secondary" to={href({ page: page.page - 1 })} rel="prev">
              ← Précédents
            </Link>
          ) : null}
          <span className="muted">
            Page {page.page} sur {page.pages}
          </span>
          {page.page < page.pages ? (
            <Link className="button secondary" to={href({ page: page.page + 1 })} rel="next">
              Suivants →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
