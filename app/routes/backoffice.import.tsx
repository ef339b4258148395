import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { importAction, loadImportPage } from "~/services/backoffice/imports.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Importer des factures" }] };

export const meta = pageTitle("Importer des factures");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadImportPage(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return importAction(getDb(), request);
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>;
type Run = NonNullable<Page["run"]>;

const statusLabels: Record<string, string> = {
  previewed: "aperçu, non importé",
  running: "en cours",
  done: "terminé",
  failed: "échoué",
  cancelled: "annulé",
};

const when = (iso: string, timeZone: string) => new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone }).format(new Date(iso));

export default function ImportPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="page">
      <h1>Importer des factures</h1>
      {result?.error ? (
        <p className="error-summary" role="alert">
          {result.error}
        </p>
      ) : null}
      {page.run ? <RunPanel run={page.run} canImport={page.canImport} busy={busy} /> : null}
      {page.canImport && page.run?.status !== "previewed" && page.run?.status !== "running" ? (
        <section className="card" aria-labelledby="upload-title">
          <h2 id="upload-title">Choisir un fichier</h2>
          <p className="muted">
            Un fichier CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252 comme l'enregistre Excel), {page.maxMb} Mo au plus, une ligne par facture. Rien n'est enregistré avant votre
            confirmation : vous verrez d'abord un aperçu.
          </p>
          <Form method="post" encType="multipart/form-data" noValidate>
            <StaffFormToken />
            <input type="hidden" name="intent" value="preview" />
            <label htmlFor="import-file">Fichier CSV</label>
            <input id="import-file" type="file" name="file" accept=".csv,text/csv" required aria-describedby={result?.error ? undefined : "import-file-help"} />
            <p id="import-file-help" className="muted">
              <a href="/backoffice/import/template.csv" download>
                Télécharger le modèle CSV
              </a>
            </p>
            <button type="submit" className="button" disabled={busy}>
              Voir l'aperçu
            </button>
          </Form>
        </section>
      ) : null}
      {!page.canImport ? <p className="muted">Votre rôle (lecture seule) permet de consulter les imports, pas d'en lancer.</p> : null}

      {page.flags.count > 0 ? (
        <section aria-labelledby="flags-title">
          <h2 id="flags-title">Délais de paiement hors limite légale ({page.flags.count})</h2>
          <p className="muted">Importées mais signalées : au-delà de 60 jours après la date de facture, ou de 45 jours fin de mois quand c'est stipulé (art. L441-10 du Code de commerce).</p>
          <ul>
            {page.flags.list.map((f) => (
              <li key={f.invoiceId} data-testid="terms-flag">
                <Link to={`/backoffice/debtors/${f.debtorId}`}>{f.debtorName}</Link> — facture {f.number}, échéance le {f.dueDate}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="history-title">
        <h2 id="history-title">Historique des imports</h2>
        {page.history.length === 0 ? (
          <p>Aucun import pour l'instant.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Tableau des imports">
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Fichier</th>
                  <th scope="col">État</th>
                  <th scope="col" className="num">
                    Lignes
                  </th>
                  <th scope="col">Résultat</th>
                </tr>
              </thead>
              <tbody>
                {page.history.map((h) => {
                  const counts = h.outcome ?? h.preview;
                  return (
                    <tr key={h.id} data-testid="import-history-row">
                      <td>{when(h.createdAt, page.timeZone)}</td>
                      <td>
                        <Link to={`/backoffice/import?run=${h.id}`}>{h.fileName}</Link>
                      </td>
                      <td>{statusLabels[h.status]}</td>
                      <td className="num">{h.totalRows}</td>
                      <td>
                        {counts.invoices.created} nouvelles, {counts.invoices.updated} mises à jour, {counts.invoices.unchanged} inchangées, {counts.errors} refusées
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="columns-title">
        <h2 id="columns-title">Colonnes du fichier</h2>
        <p className="muted">
          La première ligne nomme les colonnes, en français ou en anglais (majuscules, accents et espaces indifférents) ; les autres colonnes sont ignorées. Un client présent sur plusieurs lignes
          n'est créé qu'une fois ; réimporter le même fichier ne change rien.
        </p>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Tableau des colonnes">
          <table>
            <thead>
              <tr>
                <th scope="col">Colonne</th>
                <th scope="col">En anglais</th>
                <th scope="col">Contenu</th>
              </tr>
            </thead>
            <tbody>
              {page.columns.map((c) => (
                <tr key={c.french}>
                  <td>
                    <code>{c.french}</code>
                    {c.required ? " (obligatoire)" : ""}
                  </td>
                  <td>
                    <code>{c.english}</code>
                  </td>
                  <td>
                    {c.label}
                    {c.help ? ` : ${c.help}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}

function Counts({ run }: { run: Run }) {
  const c = run.counts;
  return (
    <dl className="stats" aria-label={run.isOutcome ? "Résultat de l'import" : "Aperçu de l'import"}>
      <div className="card">
        <dt>Factures nouvelles</dt>
        <dd data-testid="count-created">{c.invoices.created}</dd>
      </div>
      <div className="card">
        <dt>Factures mises à jour</dt>
        <dd data-testid="count-updated">{c.invoices.updated}</dd>
      </div>
      <div className="card">
        <dt>Factures inchangées</dt>
        <dd data-testid="count-unchanged">{c.invoices.unchanged}</dd>
      </div>
      <div className="card">
        <dt>Lignes refusées</dt>
        <dd data-testid="count-errors">{c.errors}</dd>
      </div>
      <div className="card">
        <dt>Clients</dt>
        <dd>
          {c.debtors.created} nouveaux, {c.debtors.updated} mis à jour, {c.debtors.unchanged} inchangés
        </dd>
      </div>
      <div className="card">
        <dt>Avertissements</dt>
        <dd data-testid="count-warnings">{c.warnings}</dd>
      </div>
    </dl>
  );
}

function RunPanel({ run, canImport, busy }: { run: Run; canImport: boolean; busy: boolean }) {
  return (
    <section className="card" aria-labelledby="run-title">
      <h2 id="run-title">
        {run.status === "previewed" ? "Aperçu" : "Import"} de « {run.fileName} » — {statusLabels[run.status]}
      </h2>
      <p className="muted">
        {run.totalRows} lignes · encodage {run.encoding === "utf-8" ? "UTF-8" : "Windows-1252"} · séparateur « {run.delimiter} »
      </p>
      {run.status === "running" ? <Progress run={run} /> : <Counts run={run} />}
      {run.failure ? (
        <p className="error-summary" role="alert">
          {run.failure}
        </p>
      ) : null}
      {run.status === "done" ? (
        <p className="notice" role="status">
          Import terminé : les lignes valides sont enregistrées, les lignes refusées ne l'ont pas été.
        </p>
      ) : null}
      {run.lines.length > 0 ? (
        <>
          <h3>Premières lignes, telles qu'elles seront lues</h3>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Tableau des premières lignes">
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Ligne
                  </th>
                  <th scope="col">Client</th>
                  <th scope="col">Facture</th>
                  <th scope="col" className="num">
                    Montant
                  </th>
                  <th scope="col">Émise le</th>
                  <th scope="col">Échéance</th>
                </tr>
              </thead>
              <tbody>
                {run.lines.map((l) => (
                  <tr key={l.rowNumber}>
                    <td className="num">{l.rowNumber}</td>
                    <td>
                      {l.name} ({l.debtorRef})
                    </td>
                    <td>{l.number}</td>
                    <td className="num">{l.amount}</td>
                    <td>{l.issueDate}</td>
                    <td>{l.dueDate}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {run.issues.length > 0 ? (
        <>
          <h3 id="issues-title">Lignes refusées et avertissements</h3>
          <p>
            <a href={`/backoffice/import/${run.id}/issues.csv`} download>
              Télécharger le rapport complet (CSV)
            </a>
            {run.moreIssues ? " — seules les premières lignes sont affichées ici." : ""}
          </p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Tableau des lignes refusées">
            <table aria-labelledby="issues-title" data-testid="issues">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Ligne
                  </th>
                  <th scope="col">Colonne</th>
                  <th scope="col">Motif</th>
                </tr>
              </thead>
              <tbody>
                {run.issues.map((i, n) => (
                  <tr key={n}>
                    <td className="num">{i.rowNumber}</td>
                    <td>{i.column}</td>
                    <td>
                      {i.severity === "warning" ? "Avertissement : " : "Refusée : "}
                      {i.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {run.status === "previewed" && canImport ? (
        <div className="button-row">
          <Form method="post" encType="multipart/form-data">
            <StaffFormToken />
            <input type="hidden" name="runId" value={run.id} />
            <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
              Confirmer l'import
            </button>
          </Form>
          <Form method="post" encType="multipart/form-data">
            <StaffFormToken />
            <input type="hidden" name="runId" value={run.id} />
            <button type="submit" name="intent" value="cancel" className="button" disabled={busy}>
              Annuler
            </button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}

/** Polls the progress loader every half second; when the import ends, the whole page reloads its data. */
function Progress({ run }: { run: Run }) {
  const fetcher = useFetcher<{ status: string; processedRows: number; totalRows: number }>();
  const { revalidate } = useRevalidator();
  const status = fetcher.data?.status ?? run.status;
  const done = fetcher.data?.processedRows ?? run.processedRows;
  const { load } = fetcher;
  useEffect(() => {
    if (status !== "running") {
      revalidate();
      return;
    }
    const timer = setInterval(() => load(`/backoffice/import/${run.id}/progress`), 500);
    return () => clearInterval(timer);
  }, [status, run.id, load, revalidate]);
  const percent = run.totalRows === 0 ? 100 : Math.round((done / run.totalRows) * 100);
  return (
    <div>
      <label htmlFor="import-progress">
        Import en cours : {done} / {run.totalRows} lignes ({percent} %)
      </label>
      <progress id="import-progress" max={run.totalRows} value={done} style={{ width: "100%" }} />
    </div>
  );
}
