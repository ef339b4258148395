import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadCallList, logCallOutcome } from "~/services/backoffice/call-list.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Appels à passer" }] };

export const meta: MetaFunction = () => [{ title: "Appels à passer — Relance" }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export function loader({ request }: LoaderFunctionArgs) {
  return loadCallList(request);
}

export function action({ request }: ActionFunctionArgs) {
  return logCallOutcome(request);
}

const outcomeLabels = {
  promise: "Joint : promesse de paiement datée",
  will_pay: "Joint : va payer, sans date",
  dispute: "Joint : conteste",
  no_answer: "Pas de réponse",
  voicemail: "Message laissé",
  wrong_number: "Mauvais numéro",
} as const;

type Row = ReturnType<typeof useLoaderData<typeof loader>>["now"][number];

export default function CallList() {
  const page = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <h1>Appels à passer</h1>
      <p className="muted">Classés par enjeu : montant, ancienneté, promesses non tenues, litiges et profil du client.</p>
      <section aria-labelledby="calls-now">
        <h2 id="calls-now">Maintenant ({page.now.length})</h2>
        {page.now.length === 0 ? <p>Aucun appel en attente.</p> : page.now.map((row) => <CallCard key={row.taskId} row={row} />)}
      </section>
      {page.later.length > 0 ? (
        <section aria-labelledby="calls-later">
          <h2 id="calls-later">Plus tard ({page.later.length})</h2>
          {page.later.map((row) => (
            <CallCard key={row.taskId} row={row} />
          ))}
        </section>
      ) : null}
    </main>
  );
}

function CallCard({ row }: { row: Row }) {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: { outcome?: string[]; promiseDate?: string[] } = result && result.taskId === row.taskId ? result.fields : {};
  const id = (name: string) => `task-${row.taskId}-${name}`;
  return (
    <article className="card" data-testid="call-task" aria-labelledby={id("title")}>
      <h3 id={id("title")}>
        <Link to={`/backoffice/debtors/${row.debtorId}`}>{row.debtorName}</Link> — <span className="amount">{row.owed}</span>
      </h3>
      <p>
        {row.phone ? <a href={`tel:${row.phone}`}>{row.phone}</a> : "Pas de téléphone"} · prévu le {row.due}
      </p>
      <p>{row.reason}</p>
      <p className="muted">
        Priorité {row.score} : {row.why.join(", ")}
      </p>
      {page.canLog ? (
        <Form method="post" noValidate>
          <StaffFormToken />
          <input type="hidden" name="taskId" value={row.taskId} />
          <fieldset>
            <legend>Résultat de l'appel</legend>
            {Object.entries(outcomeLabels).map(([value, label]) => (
              <label key={value} className="choice">
                <input type="radio" name="outcome" value={value} required /> {label}
              </label>
            ))}
            {errors.outcome ? (
              <p className="field-error" role="alert">
                {errors.outcome[0]}
              </p>
            ) : null}
          </fieldset>
          <label htmlFor={id("date")}>Date promise (si promesse)</label>
          <input
            id={id("date")}
            type="date"
            name="promiseDate"
            min={page.today}
            max={page.maxPromiseDate}
            aria-invalid={errors.promiseDate ? true : undefined}
            aria-describedby={errors.promiseDate ? id("date-error") : undefined}
          />
          {errors.promiseDate ? (
            <p className="field-error" id={id("date-error")} role="alert">
              {errors.promiseDate[0]}
            </p>
          ) : null}
          <label htmlFor={id("note")}>Note</label>
          <textarea id={id("note")} name="note" rows={2} maxLength={2000} />
          <button type="submit" className="button" disabled={busy}>
            Enregistrer l'appel
          </button>
        </Form>
      ) : null}
    </article>
  );
}
