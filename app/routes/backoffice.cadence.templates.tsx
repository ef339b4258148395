import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { loadMessageTemplates, saveMessageTemplateAction, type TemplateActionResult } from "~/services/backoffice/message-templates.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Relances et modèles", to: "/backoffice/cadence" }, { label: "Modèles" }] };

export const meta = pageTitle("Modèles de messages");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadMessageTemplates(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return saveMessageTemplateAction(getDb(), request);
}

export default function MessageTemplates() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as TemplateActionResult | undefined;
  const { key } = page;
  const errors = result?.errors ?? {};
  const subject = result?.values.subject ?? page.current?.subject ?? "";
  const body = result?.values.body ?? page.current?.body ?? "";
  const query = `step=${key.step}&channel=${key.channel}&locale=${key.locale}`;
  return (
    <main className="page">
      <h1>Modèles de messages</h1>
      <p className="muted">
        Vous pouvez réécrire l'objet et l'introduction d'un e-mail, ou le texte d'un SMS. La liste des factures, les pénalités et l'indemnité de
        40 € (article L441-10), les mentions légales et le lien de paiement restent toujours dans le message.
      </p>
      {page.saved ? (
        <p className="notice" role="status">
          {page.saved === "reset" ? "Modèle remis par défaut." : "Modèle enregistré : la relance l'utilise dès son prochain envoi."}
        </p>
      ) : null}
      <Form method="get" className="card">
        <label htmlFor="channel">Canal</label>
        <select id="channel" name="channel" defaultValue={key.channel}>
          <option value="email">E-mail</option>
          <option value="sms">SMS</option>
        </select>
        <label htmlFor="step">Étape</label>
        <select id="step" name="step" defaultValue={key.step}>
          {page.steps[key.channel].map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor="locale">Langue</label>
        <select id="locale" name="locale" defaultValue={key.locale}>
          <option value="fr">Français</option>
          <option value="en">Anglais</option>
        </select>
        <p>
          <button type="submit" className="button secondary">
            Choisir
          </button>
        </p>
      </Form>
      <section className="card" aria-labelledby="editor-title">
        <h2 id="editor-title">
          {page.steps[key.channel].find((s) => s.value === key.step)?.label} · {key.channel === "email" ? "e-mail" : "SMS"} ·{" "}
          {key.locale === "fr" ? "français" : "anglais"}
        </h2>
        <p className="muted">{page.current ? "Texte personnalisé." : "Texte par défaut de Relance (rien d'enregistré)."}</p>
        <p>
          <Link to={`/backoffice/cadence/preview?${query}`}>Voir l'aperçu avec un client réel</Link>
        </p>
        <Form method="post" noValidate key={`${query}-${page.current?.body ?? ""}`}>
          <StaffFormToken />
          <input type="hidden" name="step" value={key.step} />
          <input type="hidden" name="channel" value={key.channel} />
          <input type="hidden" name="locale" value={key.locale} />
          <fieldset disabled={!page.canEdit}>
            <legend>Texte</legend>
            {key.channel === "email" ? (
              <>
                <label htmlFor="subject">Objet</label>
                <input
                  id="subject"
                  name="subject"
                  type="text"
                  defaultValue={subject}
                  aria-invalid={errors.subject ? true : undefined}
                  aria-describedby={errors.subject ? "subject-error" : undefined}
                />
                <FieldError field="subject" message={errors.subject} />
              </>
            ) : null}
            <label htmlFor="body">{key.channel === "email" ? "Introduction (paragraphes séparés par une ligne vide)" : "Texte du SMS"}</label>
            <textarea
              id="body"
              name="body"
              rows={key.channel === "email" ? 8 : 4}
              defaultValue={body}
              aria-invalid={errors.body ? true : undefined}
              aria-describedby={errors.body ? "body-error" : "body-hint"}
            />
            <FieldError field="body" message={errors.body} />
            <p className="muted" id="body-hint">
              {key.channel === "sms"
                ? "Votre nom est ajouté au début et « STOP SMS » à la fin ; {link} est obligatoire ; deux SMS au plus avec des valeurs réelles."
                : "La liste des factures, le bouton de paiement et les mentions légales suivent votre introduction."}
            </p>
          </fieldset>
          <details>
            <summary>Variables possibles</summary>
            <ul>
              {page.placeholders.map((p) => (
                <li key={p.name}>
                  <code>{p.name}</code> : {p.help}
                </li>
              ))}
            </ul>
          </details>
          {page.canEdit ? (
            <div className="button-row">
              <button type="submit" name="intent" value="save" className="button">
                Enregistrer le modèle
              </button>
              {page.current ? (
                <button type="submit" name="intent" value="reset" className="button secondary">
                  Remettre le texte par défaut
                </button>
              ) : null}
            </div>
          ) : null}
        </Form>
      </section>
      {page.overrides.length > 0 ? (
        <section className="card" aria-labelledby="overrides-title">
          <h2 id="overrides-title">Modèles personnalisés</h2>
          <ul>
            {page.overrides.map((o) => (
              <li key={`${o.step}-${o.channel}-${o.locale}`}>
                <Link to={`/backoffice/cadence/templates?step=${o.step}&channel=${o.channel}&locale=${o.locale}`}>{o.label}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}
