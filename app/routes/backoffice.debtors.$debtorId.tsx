import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { actorLabels, eventLabels } from "~/domain/timeline-labels";
import { debtorFileAction, loadDebtorFile } from "~/services/backoffice/debtor-file.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached } from "~/utils/head";
import { FieldError, FormError, invalidProps } from "~/components/field-error";
import { getDb } from "~/db.server";
import { paymentProvider } from "~/deps.server";

export const handle: BackofficeHandle = {
  breadcrumb: (data: Awaited<ReturnType<typeof loadDebtorFile>> | undefined) => [{ label: "Débiteurs", to: "/backoffice/debtors" }, { label: data?.debtor.name ?? "Client" }],
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.debtor.name ?? "Client"} — Relance` }];
export const headers = neverCached;

export function loader({ request, params }: LoaderFunctionArgs) {
  return loadDebtorFile(getDb(), request, params.debtorId ?? "");
}

export function action({ request, params }: ActionFunctionArgs) {
  return debtorFileAction(getDb(), request, params.debtorId ?? "", paymentProvider());
}

const statusLabels: Record<string, string> = { open: "ouverte", paid: "payée", cancelled: "annulée", litigation: "contentieux" };

export default function DebtorFile() {
  const page = useLoaderData<typeof loader>();
  const { debtor } = page;
  return (
    <main className="page">
      <h1>{debtor.name}</h1>
      <p className="muted">
        {debtor.kind === "business" ? "Professionnel" : "Particulier"} · profil {debtor.segment}
        {debtor.brokenPromiseCount > 0 ? ` · ${debtor.brokenPromiseCount} promesse(s) non tenue(s)` : ""}
        {debtor.escalated ? " · transmis au contentieux" : ""}
        {debtor.purchaseOrderRef ? ` · bon de commande ${debtor.purchaseOrderRef}` : ""}
      </p>
      {page.canExportDossier ? (
        <p>
          <a className="button secondary" href={`/backoffice/debtors/${debtor.id}/dossier`} download>
            Exporter le dossier contentieux (ZIP)
          </a>
        </p>
      ) : null}
      {page.linksRevoked ? (
        <p role="status" className="card">
          Les liens de ce client sont révoqués : ses sessions ouvertes sont fermées, les prochains messages porteront de nouveaux liens.
        </p>
      ) : null}
      {page.canRecord ? (
        <Form method="post">
          <StaffFormToken />
          <button type="submit" name="intent" value="revoke-links" className="button secondary">
            Révoquer les liens
          </button>{" "}
          <span className="muted">Un lien transféré ou perdu : tous les liens envoyés cessent de fonctionner et les sessions ouvertes avec eux se ferment.</span>
        </Form>
      ) : null}
      <StaffHold hold={page.hold} latest={page.holdLatest} today={page.today} canRecord={page.canRecord} />
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
                  <td>{i.timeBarred ? "prescrite (aucune relance, art. L218-2 C. conso.)" : (statusLabels[i.status] ?? i.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {page.overpayments.length > 0 ? <Overpayments /> : null}
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
                  <summary>{e.message.summary}</summary>
                  <pre className="message-body">{e.message.body}</pre>
                  {e.message.contentHash ? <p className="muted">Empreinte SHA-256 : {e.message.contentHash}</p> : null}
                </details>
              ) : (
                e.description ? <p className="muted">{e.description}</p> : null
              )}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}

/** A bank transfer seen on the creditor's account, recorded against one invoice, in full or in part. */
function TransferForm() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result && "fields" in result ? result.fields : {};
  const open = page.invoices.filter((i) => i.status === "open");
  const error = (name: string) => <FieldError field={`transfer-${name}`} message={errors[name]} />;
  const invalid = (name: string) => invalidProps(`transfer-${name}`, errors[name]);
  return (
    <section className="card" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Enregistrer un virement reçu</h2>
      <Form method="post" noValidate>
        <StaffFormToken />
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

/** Money received on an invoice already settled: never applied to a balance, owed back in one click. */
function Overpayments() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = result && "refundError" in result ? result.refundError : null;
  return (
    <section className="card" aria-labelledby="overpayments-title">
      <h2 id="overpayments-title">Trop-perçus à rembourser</h2>
      <FormError message={error} />
      <ul>
        {page.overpayments.map((o) => (
          <li key={o.id} data-testid="overpayment">
            {o.amount} reçus le {o.receivedAt} sur la facture {o.invoiceNumber}, déjà réglée.{" "}
            {o.refundedAt ? (
              <span>Remboursé le {o.refundedAt}.</span>
            ) : page.canRecord && o.refundable ? (
              <Form method="post" className="inline-form">
                <StaffFormToken />
                <input type="hidden" name="overpaymentId" value={o.id} />
                <button type="submit" name="intent" value="refund-overpayment" className="button secondary">
                  Rembourser {o.amount}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Suspend every reminder until a date (always one: no pause without an end), or resume them now. */
function StaffHold({ hold, latest, today, canRecord }: { hold: { until: string; reason: string } | null; latest: string; today: string; canRecord: boolean }) {
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result && "holdErrors" in result ? result.holdErrors : {};
  return (
    <section className="card" aria-labelledby="hold">
      <h2 id="hold">Relances</h2>
      {hold ? (
        <p role="status">
          Relances suspendues jusqu&apos;au {hold.until} inclus : {hold.reason}
        </p>
      ) : (
        <p>Les relances suivent leur cours.</p>
      )}
      {canRecord ? (
        <>
          {hold ? (
            <Form method="post">
              <StaffFormToken />
              <button type="submit" name="intent" value="resume" className="button secondary">
                Reprendre les relances
              </button>
            </Form>
          ) : null}
          <Form method="post" noValidate>
            <StaffFormToken />
            <p>
              <label htmlFor="hold-reason">Motif</label>
              <input id="hold-reason" name="reason" maxLength={300} required aria-invalid={errors.reason ? true : undefined} aria-describedby={errors.reason ? "hold-reason-error" : undefined} />
              {errors.reason ? (
                <span id="hold-reason-error" className="error">
                  {errors.reason}
                </span>
              ) : null}
            </p>
            <p>
              <label htmlFor="hold-until">Jusqu&apos;au (inclus, 90 jours au plus)</label>
              <input id="hold-until" name="until" type="date" min={today} max={latest} required aria-invalid={errors.until ? true : undefined} aria-describedby={errors.until ? "hold-until-error" : undefined} />
              {errors.until ? (
                <span id="hold-until-error" className="error">
                  {errors.until}
                </span>
              ) : null}
            </p>
            <button type="submit" name="intent" value="hold" className="button secondary">
              {hold ? "Changer la date de reprise" : "Suspendre les relances"}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
