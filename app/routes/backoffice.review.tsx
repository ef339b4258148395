import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { decideReviewItem, loadReviewQueue } from "~/services/backoffice/review-queue.server";
import { StaffFormToken } from "~/components/staff-form-token";
import { FieldError, invalidProps } from "~/components/field-error";
import { ListFilters, SortHeader, WorkRow, WorkTable } from "~/components/work-list";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { disputeReasonWords, paymentMethodWords } from "~/domain/timeline-labels";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "À décider" }] };

export const meta = pageTitle("À décider");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadReviewQueue(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return decideReviewItem(requestDeps(getDb()), request);
}

const kindLabels = { plan: "Échéancier", dispute: "Contestation", claim: "« Déjà payé »" } as const;

type Page = ReturnType<typeof useLoaderData<typeof loader>>;
type DecisionRow = Page["decisions"][number];

export default function ReviewQueue() {
  const page = useLoaderData<typeof loader>();
  const watched = page.promises.length + page.callbacks.length + page.documents.length;
  return (
    <main className="page wide">
      <h1>À décider</h1>
      <p className="muted">
        {page.total === 0
          ? "Rien à décider pour l'instant."
          : `${page.total} décision${page.total > 1 ? "s" : ""} à prendre, la plus ancienne en premier ; contestations et paiements déclarés sont à trancher sous ${page.decisionDays} jours ouvrés.`}
      </p>
      {page.total > 0 ? (
        <>
          <ListFilters label="Filtrer les décisions">
            <label>
              Client ou facture
              <input name="q" type="search" defaultValue={page.filters.q} maxLength={100} />
            </label>
            <label>
              Type
              <select name="type" defaultValue={page.filters.type}>
                <option value="tous">Tous</option>
                <option value="plan">Échéanciers</option>
                <option value="dispute">Contestations</option>
                <option value="claim">« Déjà payé »</option>
              </select>
            </label>
          </ListFilters>
          <WorkTable
            id="decision-list"
            caption="Décisions à prendre"
            status={page.decisions.length === 0 ? "Aucune décision ne correspond." : `${page.decisions.length} affichée${page.decisions.length > 1 ? "s" : ""}.`}
            head={[
              <th scope="col">Type</th>,
              <SortHeader column="client" label="Client" sort={page.sort} />,
              <th scope="col">Factures</th>,
              <SortHeader column="montant" label="Montant" sort={page.sort} numeric />,
              <SortHeader column="recu" label="Reçue le" sort={page.sort} numeric />,
              <th scope="col">Délai</th>,
            ]}
            rows={page.decisions.map((d) => (
              <WorkRow
                key={d.key}
                id={d.key}
                open={page.filters.ouvrir === d.key}
                label={`${kindLabels[d.kind]} de ${d.debtorName}`}
                testId={`${d.kind}-review`}
                detail={<DecisionDetail row={d} />}
              >
                <td>{kindLabels[d.kind]}</td>
                <td>
                  <Link to={`/backoffice/debtors/${d.debtorId}`}>{d.debtorName}</Link>
                </td>
                <td>{d.invoices}</td>
                <td className="num amount">{d.amount}</td>
                <td className="num nowrap">{d.receivedAt}</td>
                <td>{d.late ? <strong className="overdue">en retard</strong> : "—"}</td>
              </WorkRow>
            ))}
          />
        </>
      ) : null}
      {watched > 0 ? <h2>À surveiller</h2> : null}
      <Section title="Promesses à échéance ou non tenues" count={page.promises.length}>
        <table className="work-list">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Facture</th>
              <th scope="col" className="num">
                Reste dû
              </th>
              <th scope="col">Promise pour le</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {page.promises.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/backoffice/debtors/${p.debtorId}`}>{p.debtorName}</Link>
                </td>
                <td>{p.invoiceNumber}</td>
                <td className="num">{p.balance}</td>
                <td>{p.date}</td>
                <td>{p.status === "broken" ? "non tenue" : "à échéance"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Documents demandés" count={page.documents.length}>
        <p className="muted">Les relances de ces factures attendent jusqu'à la date indiquée : envoyez le document avant.</p>
        <table className="work-list" data-testid="document-requests">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Facture</th>
              <th scope="col">Demandé le</th>
              <th scope="col">À envoyer avant le</th>
              <th scope="col">Demande</th>
            </tr>
          </thead>
          <tbody>
            {page.documents.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/backoffice/debtors/${d.debtorId}`}>{d.debtorName}</Link>
                </td>
                <td>{d.invoiceNumber ?? "toutes"}</td>
                <td>{d.requestedAt}</td>
                <td>{d.until}</td>
                <td>{d.note ? `« ${d.note} »` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Demandes de rappel" count={page.callbacks.length}>
        <table className="work-list">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Créneau</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {page.callbacks.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/backoffice/debtors/${c.debtorId}`}>{c.debtorName}</Link>
                </td>
                <td>{c.slot}</td>
                <td>{c.note ? `« ${c.note} »` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link to="/backoffice/calls">Voir la liste d'appels</Link>
        </p>
      </Section>
    </main>
  );
}

/** What one decision needs to be taken: the facts, then each possible decision as its own small form. */
function DecisionDetail({ row }: { row: DecisionRow }) {
  const page = useLoaderData<typeof loader>();
  const [kind, idText] = row.key.split("-") as [DecisionRow["kind"], string];
  const id = Number(idText);
  const decide = (props: Omit<Parameters<typeof Decide>[0], "id" | "next">) => <Decide {...props} id={id} next={row.next} />;
  if (kind === "plan") {
    const plan = page.plans.find((p) => p.id === id)!;
    return (
      <>
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
          <div className="decisions">
            {decide({ intent: "plan-accept", label: "Accepter" })}
            {decide({ intent: "plan-reject", label: "Refuser", reason: "Motif du refus (lu par le client)", secondary: true })}
            {decide({ intent: "plan-counter", label: "Contre-proposer", reason: "Votre proposition (lue par le client)", secondary: true })}
          </div>
        ) : null}
      </>
    );
  }
  if (kind === "dispute") {
    const d = page.disputes.find((x) => x.id === id)!;
    return (
      <>
        <p className="muted">
          Facture {d.invoiceNumber} ({d.balance}) · {disputeReasonWords[d.reason] ?? d.reason} · ouverte le {d.openedAt}
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
          <div className="decisions">
            {decide({ intent: "dispute-founded", label: "Fondée : appliquer", resolution: true })}
            {decide({ intent: "dispute-unfounded", label: "Non fondée", reason: "Motif (lu par le client)", secondary: true })}
          </div>
        ) : null}
      </>
    );
  }
  const c = page.claims.find((x) => x.id === id)!;
  return (
    <>
      <p>
        Facture {c.invoiceNumber} ({c.balance} dus) · déclare {c.amount} payés le {c.paidOn} par {paymentMethodWords[c.method] ?? c.method}
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
        <div className="decisions">
          {decide({ intent: "claim-confirm", label: "Confirmer la réception", amount: { label: "Montant reçu (€)", value: c.amountInput } })}
          {decide({ intent: "claim-reject", label: "Paiement introuvable", reason: "Motif (lu par le client)", secondary: true })}
        </div>
      ) : null}
    </>
  );
}

function Section({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  if (count === 0) return null;
  const id = title.replace(/\W+/g, "-");
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>
        {title} ({count})
      </h3>
      {children}
    </section>
  );
}

/** One decision as its own small form: the fields it needs, errors next to them. */
function Decide(props: {
  intent: string;
  id: number;
  next: string | null;
  label: string;
  reason?: string;
  resolution?: boolean;
  amount?: { label: string; value: string };
  secondary?: boolean;
}) {
  const result = useActionData<typeof action>();
  const { search } = useLocation();
  const busy = useNavigation().state === "submitting";
  const errors = result && result.key === `${props.intent}-${props.id}` ? result.fields : {};
  const field = (name: string) => `${props.intent}-${props.id}-${name}`;
  const error = (name: string) => <FieldError field={field(name)} message={errors[name]} />;
  const invalid = (name: string) => invalidProps(field(name), errors[name]);
  return (
    <Form method="post" className="decision" noValidate preventScrollReset>
      <StaffFormToken />
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="id" value={props.id} />
      <input type="hidden" name="list" value={search} />
      {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
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
