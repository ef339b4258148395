import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { loadCallList, logCallOutcome } from "~/services/backoffice/call-list.server";
import { StaffFormToken } from "~/components/staff-form-token";
import { FieldError, invalidProps } from "~/components/field-error";
import { ListFilters, SelectionHeader, SortHeader, WorkRow, WorkTable } from "~/components/work-list";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import type { FieldErrors } from "~/utils/form-flow";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Appels à passer" }] };

export const meta = pageTitle("Appels à passer");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadCallList(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return logCallOutcome(getDb(), request);
}

const outcomeLabels = {
  promise: "Joint : promesse de paiement datée",
  will_pay: "Joint : va payer, sans date",
  dispute: "Joint : conteste",
  no_answer: "Pas de réponse",
  voicemail: "Message laissé",
  wrong_number: "Mauvais numéro",
} as const;

type Page = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = Page["rows"][number];

export default function CallList() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { search } = useLocation();
  return (
    <main className="page wide">
      <h1>Appels à passer</h1>
      <p className="muted">
        {page.counts.now} à passer maintenant sur {page.counts.all}, classés par enjeu : montant, ancienneté, promesses non tenues, litiges et profil du client.
      </p>
      <ListFilters label="Filtrer les appels">
        <label>
          Client, téléphone ou motif
          <input name="q" type="search" defaultValue={page.filters.q} maxLength={100} />
        </label>
        <label>
          Échéance
          <select name="quand" defaultValue={page.filters.quand}>
            <option value="tous">Tous</option>
            <option value="maintenant">À passer maintenant</option>
            <option value="plus-tard">Plus tard</option>
          </select>
        </label>
        <label>
          Attribués
          <select name="attribution" defaultValue={page.filters.attribution}>
            <option value="tous">À tout le monde</option>
            <option value="moi">À moi</option>
            <option value="personne">À personne</option>
          </select>
        </label>
      </ListFilters>
      <WorkTable
        id="call-list"
        caption="Appels à passer"
        status={page.rows.length === 0 ? "Aucun appel ne correspond." : `${page.rows.length} appel${page.rows.length > 1 ? "s" : ""}.`}
        head={[
          page.canLog ? <SelectionHeader /> : null,
          <SortHeader column="client" label="Client" sort={page.sort} />,
          <th scope="col">Téléphone</th>,
          <SortHeader column="montant" label="Dû" sort={page.sort} numeric />,
          <SortHeader column="retard" label="Retard" sort={page.sort} numeric />,
          <th scope="col">Pourquoi</th>,
          <SortHeader column="prevu" label="Prévu" sort={page.sort} numeric />,
          <SortHeader column="priorite" label="Priorité" sort={page.sort} numeric />,
          <th scope="col">Attribué à</th>,
        ]}
        rows={page.rows.map((row) => (
          <WorkRow key={row.taskId} id={row.taskId} open={page.filters.ouvrir === row.taskId} label={`Appel à ${row.debtorName}`} testId="call-task" detail={<CallDetail row={row} />}>
            {page.canLog ? (
              <td>
                <input type="checkbox" form="assign-calls" name="taskId" value={row.taskId} aria-label={`Sélectionner l'appel à ${row.debtorName}`} />
              </td>
            ) : null}
            <td>
              <Link to={`/backoffice/debtors/${row.debtorId}`}>{row.debtorName}</Link>
            </td>
            <td className="nowrap">{row.phone ? <a href={`tel:${row.phone}`}>{row.phone}</a> : "—"}</td>
            <td className="num amount">{row.owed}</td>
            <td className="num">{row.daysLate > 0 ? `${row.daysLate} j` : "—"}</td>
            <td>{row.reason}</td>
            <td className={row.dueNow ? "num nowrap" : "num nowrap muted"}>{row.due}</td>
            <td className="num" title={row.why.join(", ")}>
              {row.score}
            </td>
            <td>{row.assignee ?? "—"}</td>
          </WorkRow>
        ))}
      />
      {page.canLog && page.rows.length > 0 ? (
        <Form method="post" id="assign-calls" className="bulk-bar" noValidate aria-label="Attribuer les appels sélectionnés">
          <StaffFormToken />
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="list" value={search} />
          <label htmlFor="assign-member">Attribuer les appels cochés à</label>
          <select id="assign-member" name="memberId" defaultValue="" {...invalidProps("assign-member", result && "assignError" in result ? result.assignError : null)}>
            <option value="" disabled>
              Choisir…
            </option>
            {page.callers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
            <option value="personne">Personne (les rendre à l'équipe)</option>
          </select>
          <button type="submit" className="button secondary">
            Attribuer
          </button>
          <FieldError field="assign-member" message={result && "assignError" in result ? result.assignError : null} />
        </Form>
      ) : null}
    </main>
  );
}

/** The opened call: why it ranks there, and the outcome form; saving opens the next call. */
function CallDetail({ row }: { row: Row }) {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { search } = useLocation();
  const busy = useNavigation().state === "submitting";
  const errors: FieldErrors = result && "taskId" in result && result.taskId === row.taskId ? result.fields : {};
  const id = (name: string) => `task-${row.taskId}-${name}`;
  return (
    <div className="row-detail-body">
      <p className="muted">
        Priorité {row.score} : {row.why.join(", ")}
        {row.phone ? (
          <>
            {" "}
            · <a href={`tel:${row.phone}`}>Appeler le {row.phone}</a>
          </>
        ) : null}
      </p>
      {page.canLog ? (
        <Form method="post" noValidate preventScrollReset>
          <StaffFormToken />
          <input type="hidden" name="taskId" value={row.taskId} />
          <input type="hidden" name="list" value={search} />
          {row.nextTaskId ? <input type="hidden" name="nextTaskId" value={row.nextTaskId} /> : null}
          <fieldset {...invalidProps(id("outcome"), errors.outcome)}>
            <legend>Résultat de l'appel</legend>
            <div className="choices-inline">
              {Object.entries(outcomeLabels).map(([value, label]) => (
                <label key={value} className="choice">
                  <input type="radio" name="outcome" value={value} required /> {label}
                </label>
              ))}
            </div>
            <FieldError field={id("outcome")} message={errors.outcome} />
          </fieldset>
          <div className="field-row">
            <div>
              <label htmlFor={id("date")}>Date promise (si promesse)</label>
              <input id={id("date")} type="date" name="promiseDate" min={page.today} max={page.maxPromiseDate} {...invalidProps(id("date"), errors.promiseDate)} />
              <FieldError field={id("date")} message={errors.promiseDate} />
            </div>
            <div>
              <label htmlFor={id("note")}>Note</label>
              <textarea id={id("note")} name="note" rows={1} maxLength={2000} {...invalidProps(id("note"), errors.note)} />
              <FieldError field={id("note")} message={errors.note} />
            </div>
          </div>
          <button type="submit" className="button" disabled={busy}>
            {row.nextTaskId ? "Enregistrer et ouvrir l'appel suivant" : "Enregistrer l'appel"}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
