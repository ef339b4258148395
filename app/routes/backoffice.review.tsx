import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { decideReviewItem, loadReviewQueue } from "~/services/backoffice/review-queue.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "À décider" }] };

export const meta: MetaFunction = () => [{ title: "À décider — Relance" }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export function loader({ request }: LoaderFunctionArgs) {
  return loadReviewQueue(request);
}

export function action({ request }: ActionFunctionArgs) {
  return decideReviewItem(request);
}

const disputeReasons: Record<string, string> = {
  amount: "Montant contesté",
  not_received: "Prestation ou marchandise non reçue",
  quality: "Qualité",
  already_paid: "Déjà payée",
  missing_po: "Bon de commande ou mention manquante",
  other: "Autre",
};
const methods: Record<string, string> = { transfer: "virement", card: "carte", cheque: "chèque", cash: "espèces", other: "autre" };

export default function ReviewQueue() {
  const page = useLoaderData<typeof loader>();
  const empty = page.plans.length + page.disputes.length + page.claims.length + page.promises.length + page.callbacks.length + page.documents.length === 0;
  return (
    <main className="page">
      <h1>À décider</h1>
      {empty ? <p>Rien à décider pour l'instant.</p> : null}
      <Section title="Échéanciers à examiner" count={page.plans.length}>
        {page.plans.map((plan) => (
          <article key={plan.id} className="card" data-testid="plan-review">
            <h3>
              <Link to={`/backoffice/debtors/${plan.debtorId}`}>{plan.debtorName}</Link> — {plan.total}
            </h3>
            <p className="muted">
              Factures {plan.invoices} · proposé le {plan.proposedAt}
              {plan.risk ? ` · ${plan.risk}` : ""}
            </p>
            <ol>
              {plan.schedule.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ol>
            {page.canDecide ? (
              <>
                <Decide intent="plan-accept" id={plan.id} label="Accepter" />
                <Decide intent="plan-reject" id={plan.id} label="Refuser" reason="Motif du refus (lu par le client)" secondary />
                <Decide intent="plan-counter" id={plan.id} label="Contre-proposer" reason="Votre proposition (lue par le client)" secondary />
              </>
            ) : null}
          </article>
        ))}
      </Section>
      <Section title="Contestations" count={page.disputes.length}>
        {page.disputes.map((d) => (
          <article key={d.id} className="card" data-testid="dispute-review">
            <h3>
              <Link to={`/backoffice/debtors/${d.debtorId}`}>{d.debtorName}</Link> — facture {d.invoiceNumber} ({d.balance})
            </h3>
            <p className="muted">
              {disputeReasons[d.reason] ?? d.reason} · ouverte le {d.openedAt}
              {d.late ? <strong> · en retard : à trancher sous {page.decisionDays} jours ouvrés</strong> : null}
            </p>
            {d.fileIds.length > 0 ? (
              <p>
                {d.fileIds.map((fileId, i) => (
                  <a key={fileId} href={`/backoffice/files/dispute/${fileId}`} download className="file-link">
                    Pièce jointe {i + 1}
                  </a>
                ))}
              </p>
            ) : null}
            <blockquote>{d.message}</blockquote>
            {page.canDecide ? (
              <>
                <Decide intent="dispute-founded" id={d.id} label="Fondée : appliquer" resolution />
                <Decide intent="dispute-unfounded" id={d.id} label="Non fondée" reason="Motif (lu par le client)" secondary />
              </>
            ) : null}
          </article>
        ))}
      </Section>
      <Section title="« J'ai déjà payé »" count={page.claims.length}>
        {page.claims.map((c) => (
          <article key={c.id} className="card" data-testid="claim-review">
            <h3>
              <Link to={`/backoffice/debtors/${c.debtorId}`}>{c.debtorName}</Link> — facture {c.invoiceNumber} ({c.balance} dus)
            </h3>
            <p>
              Déclare {c.amount} payés le {c.paidOn} par {methods[c.method] ?? c.method}
              {c.reference ? `, référence ${c.reference}` : ""}
              {c.late ? <strong> · en retard : à vérifier sous {page.decisionDays} jours ouvrés</strong> : null}
            </p>
            {c.hasProof ? (
              <p>
                <a href={`/backoffice/files/claim/${c.id}`} download>
                  Télécharger le justificatif
                </a>
              </p>
            ) : null}
            {page.canDecide ? (
              <>
                <Decide intent="claim-confirm" id={c.id} label="Confirmer la réception" amount={{ label: "Montant reçu (€)", value: c.amountInput }} />
                <Decide intent="claim-reject" id={c.id} label="Paiement introuvable" reason="Motif (lu par le client)" secondary />
              </>
            ) : null}
          </article>
        ))}
      </Section>
      <Section title="Promesses à échéance ou non tenues" count={page.promises.length}>
        <ul>
          {page.promises.map((p) => (
            <li key={p.id}>
              <Link to={`/backoffice/debtors/${p.debtorId}`}>{p.debtorName}</Link> — facture {p.invoiceNumber} ({p.balance}) promise pour le {p.date}
              {p.status === "broken" ? " · non tenue" : ""}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Documents demandés" count={page.documents.length}>
        <p className="muted">Les relances de ces factures attendent jusqu'à la date indiquée : envoyez le document avant.</p>
        <ul data-testid="document-requests">
          {page.documents.map((d) => (
            <li key={d.id}>
              <Link to={`/backoffice/debtors/${d.debtorId}`}>{d.debtorName}</Link>
              {d.invoiceNumber ? ` — facture ${d.invoiceNumber}` : ""} · demandé le {d.requestedAt} · à envoyer avant le {d.until}
              {d.note ? ` : « ${d.note} »` : ""}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Demandes de rappel" count={page.callbacks.length}>
        <ul>
          {page.callbacks.map((c) => (
            <li key={c.id}>
              <Link to={`/backoffice/debtors/${c.debtorId}`}>{c.debtorName}</Link> — le {c.slot}
              {c.note ? ` : « ${c.note} »` : ""} (<Link to="/backoffice/calls">liste d'appels</Link>)
            </li>
          ))}
        </ul>
      </Section>
    </main>
  );
}

function Section({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  if (count === 0) return null;
  const id = title.replace(/\W+/g, "-");
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} ({count})
      </h2>
      {children}
    </section>
  );
}

/** One decision as its own small form: the fields it needs, errors next to them. */
function Decide(props: { intent: string; id: number; label: string; reason?: string; resolution?: boolean; amount?: { label: string; value: string }; secondary?: boolean }) {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && result.key === `${props.intent}-${props.id}` ? result.fields : {};
  const field = (name: string) => `${props.intent}-${props.id}-${name}`;
  const error = (name: string) =>
    errors[name] ? (
      <p className="field-error" id={field(`${name}-error`)} role="alert">
        {errors[name]}
      </p>
    ) : null;
  const invalid = (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": field(`${name}-error`) } : {});
  return (
    <Form method="post" className="decision" noValidate>
      <StaffFormToken />
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="id" value={props.id} />
      {props.reason ? (
        <>
          <label htmlFor={field("reason")}>{props.reason}</label>
          <textarea id={field("reason")} name="reason" rows={2} maxLength={1000} {...invalid("reason")} />
          {error("reason")}
        </>
      ) : null}
      {props.resolution ? (
        <>
          <fieldset>
            <legend>Règlement</legend>
            <label className="choice">
              <input type="radio" name="resolution" value="cancelled" /> Annuler la facture
            </label>
            <label className="choice">
              <input type="radio" name="resolution" value="credit_note" /> Émettre un avoir (montant ci-dessous)
            </label>
            <label className="choice">
              <input type="radio" name="resolution" value="corrected_amount" /> Corriger le reste dû (nouveau montant ci-dessous)
            </label>
            {error("resolution")}
          </fieldset>
          <label htmlFor={field("amount")}>Montant (€), pour un avoir ou une correction</label>
          <input id={field("amount")} name="amount" type="text" inputMode="decimal" {...invalid("amount")} />
          {error("amount")}
        </>
      ) : null}
      {props.amount ? (
        <>
          <label htmlFor={field("amount")}>{props.amount.label}</label>
          <input id={field("amount")} name="amount" type="text" inputMode="decimal" defaultValue={props.amount.value} {...invalid("amount")} />
          {error("amount")}
        </>
      ) : null}
      {error("id")}
      <button type="submit" className={props.secondary ? "button secondary" : "button"} disabled={busy}>
        {props.label}
      </button>
    </Form>
  );
}
