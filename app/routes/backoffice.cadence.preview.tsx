import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { loadMessagePreview } from "~/services/backoffice/message-preview.server";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Relances et modèles", to: "/backoffice/cadence" }, { label: "Aperçu" }] };

export const meta = pageTitle("Aperçu des messages");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadMessagePreview(getDb(), request);
}

export default function MessagePreview() {
  const page = useLoaderData<typeof loader>();
  const { query } = page;
  return (
    <main className="page">
      <h1>Aperçu des messages</h1>
      <p className="muted">Le message tel que le client le recevrait aujourd'hui, avec vos modèles. Rien n'est envoyé ; le lien est fictif.</p>
      <Form method="get" className="card">
        <label htmlFor="debtorId">Client</label>
        <select id="debtorId" name="debtorId" defaultValue={query.debtorId ?? undefined}>
          {page.debtors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <label htmlFor="channel">Canal</label>
        <select id="channel" name="channel" defaultValue={query.channel}>
          <option value="email">E-mail</option>
          <option value="sms">SMS</option>
        </select>
        <label htmlFor="step">Étape</label>
        <select id="step" name="step" defaultValue={query.step}>
          {page.steps[query.channel].map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor="locale">Langue</label>
        <select id="locale" name="locale" defaultValue={query.locale}>
          <option value="fr">Français</option>
          <option value="en">Anglais</option>
        </select>
        <p>
          <button type="submit" className="button">
            Afficher l'aperçu
          </button>
        </p>
      </Form>
      <section className="card" aria-labelledby="preview-title">
        <h2 id="preview-title">{page.title}</h2>
        {page.debtors.length === 0 ? <p>Aucun client n'a de facture ouverte : rien à prévisualiser.</p> : null}
        {page.email ? (
          <>
            <p>
              <strong>Objet :</strong> <span data-testid="preview-subject">{page.email.subject}</span>
            </p>
            <iframe
              className="email"
              title="Aperçu de l'e-mail"
              srcDoc={page.email.html}
              // No scripts, no same-origin access, no navigation: only to look at.
              sandbox=""
            />
          </>
        ) : null}
        {page.sms ? (
          <>
            <pre className="sms message-body" data-testid="preview-sms">
              {page.sms.body}
            </pre>
            <p data-testid="preview-segments">
              {page.sms.segments === 1 ? "1 segment" : `${page.sms.segments} segments`} GSM-7 ({page.sms.septets} caractères sur 306)
            </p>
          </>
        ) : null}
        <p>
          <Link to={`/backoffice/cadence/templates?step=${query.step}&channel=${query.channel}&locale=${query.locale}`}>Modifier ce modèle</Link>
        </p>
      </section>
    </main>
  );
}
