import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { loadDebtorFile, recordTransfer } from "~/services/debtor-file.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.debtor.name ?? "Client"} — Relance` }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export function loader({ request, params }: LoaderFunctionArgs) {
  return loadDebtorFile(request, params.debtorId ?? "");
}

export function action({ request, params }: ActionFunctionArgs) {
  return recordTransfer(request, params.debtorId ?? "");
}

/** Timeline event types in the words staff use. */
const eventLabels: Record<string, string> = {
  "message.sent": "Message envoyé",
  "message.failed": "Échec d'envoi",
  "letter.queued": "Mise en demeure préparée",
  "letter.posted": "Courrier posté",
  "call_task.created": "Appel à passer",
  "call.answered": "Appel : client joint",
  "call.unanswered": "Appel : client non joint",
  "link.session_started": "Lien ouvert (session)",
  "payment.recorded": "Paiement reçu",
  "payment.claimed": "Déclare avoir payé",
  "promise.made": "Promesse de paiement",
  "promise.broken": "Promesse non tenue",
  "plan.proposed": "Échéancier proposé",
  "plan.defaulted": "Échéancier rompu",
  "dispute.opened": "Litige ouvert",
  "callback.requested": "Demande de rappel",
  "document.requested": "Document demandé",
  "contact.updated": "Coordonnées modifiées",
  "pause.ended": "Fin de pause",
  "plan.decided": "Décision sur l'échéancier",
  "dispute.resolved": "Contestation tranchée",
  "payment.claim_rejected": "Paiement déclaré non retrouvé",
  "payment.mismatch": "Paiement incohérent, à vérifier",
  "checkout.started": "Paiement par carte commencé",
  "portal.stepped_up": "Identité confirmée par code",
  "debtor.escalated": "Transmis au contentieux",
};
const actorLabels: Record<string, string> = { debtor: "client", staff: "équipe", job: "relance automatique", provider: "prestataire", system: "système" };
const statusLabels: Record<string, string> = { open: "ouverte", paid: "payée", cancelled: "annulée", litigation: "contentieux" };

export default function DebtorFile() {
  const page = useLoaderData<typeof loader>();
  const { debtor } = page;
  return (
    <main className="page">
      <p>
        <Link to="/backoffice">← Tableau de bord</Link>
      </p>
      <h1>{debtor.name}</h1>
      <p className="muted">
        {debtor.kind === "business" ? "Professionnel" : "Particulier"} · profil {debtor.segment}
        {debtor.brokenPromiseCount > 0 ? ` · ${debtor.brokenPromiseCount} promesse(s) non tenue(s)` : ""}
        {debtor.escalated ? " · transmis au contentieux" : ""}
        {debtor.purchaseOrderRef ? ` · bon de commande ${debtor.purchaseOrderRef}` : ""}
      </p>
      <section className="card" aria-labelledby="contacts">
        <h2 id="contacts">Contacts</h2>
        <ul>
          {page.contacts.map((c) => (
            <li key={c.id}>
              {[c.name, c.role].filter(Boolean).join(", ")} {c.email ? `${c.email}${c.emailClosed ? " (fermée)" : ""}` : ""}{" "}
              {c.phone ? `${c.phone}${c.smsClosed ? " (SMS refusés)" : ""}` : ""}
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="invoices">
        <h2 id="invoices">Factures</h2>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Numéro</th>
                <th>Échéance</th>
                <th className="num">Montant</th>
                <th className="num">Reste dû</th>
                <th>État</th>
              </tr>
            </thead>
            <tbody>
              {page.invoices.map((i) => (
                <tr key={i.id} aria-current={page.invoiceId === i.id ? "true" : undefined}>
                  <td>
                    <Link to={`?facture=${i.id}`}>{i.number}</Link>
                  </td>
                  <td>{i.due}</td>
                  <td className="num">{i.amount}</td>
                  <td className="num">{i.balance}</td>
                  <td>{statusLabels[i.status] ?? i.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {page.canRecord && page.invoices.some((i) => i.status === "open") ? <TransferForm /> : null}
      <section aria-labelledby="timeline">
        <h2 id="timeline">
          Historique{page.invoiceId ? ` de la facture ${page.invoices.find((i) => i.id === page.invoiceId)?.number}` : ""}
        </h2>
        {page.invoiceId ? <Link to=".">Tout l'historique du client</Link> : null}
        {page.timeline.length === 0 ? <p>Rien pour l'instant.</p> : null}
        <ol className="timeline">
          {page.timeline.map((e) => (
            <li key={e.id} className="card" data-testid="timeline-event">
              <p>
                <strong>{eventLabels[e.type] ?? e.type}</strong> · {e.at} · {actorLabels[e.actor] ?? e.actor}
              </p>
              {e.message ? (
                <details>
                  <summary>
                    {e.message.channel} à {e.message.to ?? "—"} : {e.message.subject ?? e.message.step} ({e.message.status})
                  </summary>
                  <pre className="message-body">{e.message.body}</pre>
                  {e.message.contentHash ? <p className="muted">Empreinte SHA-256 : {e.message.contentHash}</p> : null}
                </details>
              ) : (
                <p className="muted">{describeData(e.data)}</p>
              )}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}

function describeData(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([key, value]) => `${key} : ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");
}

/** A bank transfer seen on the creditor's account, recorded against one invoice, in full or in part. */
function TransferForm() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.fields ?? {};
  const open = page.invoices.filter((i) => i.status === "open");
  const error = (name: string) =>
    errors[name] ? (
      <p className="field-error" id={`transfer-${name}-error`} role="alert">
        {errors[name]}
      </p>
    ) : null;
  const invalid = (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": `transfer-${name}-error` } : {});
  return (
    <section className="card" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Enregistrer un virement reçu</h2>
      <Form method="post" noValidate>
        <input type="hidden" name="formKey" value={page.formKey} />
        <label htmlFor="transfer-invoice">Facture</label>
        <select id="transfer-invoice" name="invoiceId" defaultValue={open[0]?.id} {...invalid("invoiceId")}>
          {open.map((i) => (
            <option key={i.id} value={i.id}>
              {i.number} — reste dû {i.balance}
            </option>
          ))}
        </select>
        {error("invoiceId")}
        <label htmlFor="transfer-amount">Montant reçu (€)</label>
        <input id="transfer-amount" name="amount" type="text" inputMode="decimal" defaultValue={open[0]?.balanceInput} {...invalid("amount")} />
        {error("amount")}
        <label htmlFor="transfer-date">Reçu le</label>
        <input id="transfer-date" name="receivedOn" type="date" max={page.today} defaultValue={page.today} {...invalid("receivedOn")} />
        {error("receivedOn")}
        <label htmlFor="transfer-reference">Référence (facultatif)</label>
        <input id="transfer-reference" name="reference" type="text" maxLength={100} {...invalid("reference")} />
        {error("reference")}
        <button type="submit" className="button">
          Enregistrer le virement
        </button>
      </Form>
    </section>
  );
}
