import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { loadSettings, updateSettings, type SettingsSection } from "~/services/backoffice/settings.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import type { FieldErrors } from "~/utils/form-flow";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Paramètres" }] };

export const meta = pageTitle("Réglages");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadSettings(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await updateSettings(getDb(), request);
  return data(result, { status: result.status === "error" ? 400 : 200 });
}

type Values = Record<string, string>;
type Errors = FieldErrors;

function Field(props: { name: string; label: string; values: Values; errors: Errors; hint?: string; type?: string; autoComplete?: string; inputMode?: "numeric" | "decimal" | "tel" | "email" }) {
  const error = props.errors[props.name];
  const describedBy = [props.hint ? `${props.name}-hint` : null, error ? `${props.name}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <>
      <label htmlFor={props.name}>{props.label}</label>
      {props.hint ? (
        <p id={`${props.name}-hint`} className="muted">
          {props.hint}
        </p>
      ) : null}
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.values[props.name] ?? ""}
        autoComplete={props.autoComplete ?? "off"}
        inputMode={props.inputMode}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      <FieldError field={props.name} message={error} />
    </>
  );
}

function Check(props: { name: string; label: string; values: Values }) {
  return (
    <div className="check">
      <input id={props.name} name={props.name} type="checkbox" defaultChecked={props.values[props.name] === "on"} />
      <label htmlFor={props.name}>{props.label}</label>
    </div>
  );
}

function Section(props: { section: SettingsSection; title: string; canEdit: boolean; saved: string | null; children: ReactNode }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card" aria-labelledby={`${props.section}-title`}>
      <h2 id={`${props.section}-title`}>{props.title}</h2>
      {props.saved ? (
        <p className="notice" role="status">
          {props.saved}
        </p>
      ) : null}
      <Form method="post" noValidate>
        <StaffFormToken />
        <input type="hidden" name="section" value={props.section} />
        <fieldset disabled={!props.canEdit} style={{ border: 0, padding: 0, margin: 0 }}>
          {props.children}
          {props.canEdit ? (
            <p>
              <button type="submit" className="button" disabled={busy}>
                Enregistrer
              </button>
            </p>
          ) : null}
        </fieldset>
      </Form>
    </section>
  );
}

export default function Settings() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // After a refused form, that section shows what was typed; the others what is stored.
  const valuesFor = (section: SettingsSection): Values => (result?.status === "error" && result.section === section ? { ...page.values, ...result.values } : page.values);
  const errorsFor = (section: SettingsSection): Errors => (result?.status === "error" && result.section === section ? result.fields : {});
  const savedFor = (section: SettingsSection) =>
    result?.status === "saved" && result.section === section
      ? result.changed.length > 0
        ? `Enregistré : ${result.changed.join(", ")}.`
        : "Rien n'a changé."
      : null;
  const common = (section: SettingsSection) => ({ values: valuesFor(section), errors: errorsFor(section) });
  const contractMode = valuesFor("penalties").penaltyRateMode === "contract";

  return (
    <main className="page">
      <header className="top">
        <div>
          <h1>Réglages</h1>
        </div>
      </header>
      {page.canEdit ? null : <p className="muted">Votre rôle ({page.roleLabel}) permet de consulter les réglages ; seul un propriétaire du compte peut les modifier.</p>}
      <p>
        Les plages horaires de contact se règlent avec la cadence : <Link to="/backoffice/cadence">Cadence et plages de contact</Link>.
      </p>

      <Section section="identity" title="Identité légale" canEdit={page.canEdit} saved={savedFor("identity")}>
        <Field name="legalName" label="Raison sociale" autoComplete="organization" {...common("identity")} />
        <Field name="tradeName" label="Nom commercial (facultatif)" {...common("identity")} />
        <Field name="legalForm" label="Forme juridique et capital (facultatif)" hint="Par exemple : SARL au capital de 50 000 €" {...common("identity")} />
        <Field name="siren" label="SIREN" inputMode="numeric" hint="9 chiffres, sur votre extrait Kbis" {...common("identity")} />
        <Field name="vatNumber" label="N° de TVA intracommunautaire (facultatif)" hint="En France : FR, 2 chiffres de clé, puis le SIREN" {...common("identity")} />
        <Field name="addressLine" label="Adresse du siège" autoComplete="street-address" {...common("identity")} />
        <Field name="postalCode" label="Code postal" inputMode="numeric" autoComplete="postal-code" {...common("identity")} />
        <Field name="city" label="Ville" autoComplete="address-level2" {...common("identity")} />
        <Field name="country" label="Pays (2 lettres)" autoComplete="country" {...common("identity")} />
        <Field name="email" label="E-mail de contact" type="email" {...common("identity")} />
        <Field name="phone" label="Téléphone (facultatif)" type="tel" {...common("identity")} />
      </Section>

      <Section section="bank" title="Coordonnées bancaires" canEdit={page.canEdit} saved={savedFor("bank")}>
        {page.ibanGrouped ? (
          <p>
            IBAN enregistré : <span className="copyable">{page.ibanGrouped}</span>
          </p>
        ) : null}
        <Field name="bankAccountHolder" label="Titulaire du compte" {...common("bank")} />
        <Field name="iban" label="IBAN" hint="Tel qu'il figure sur votre RIB, espaces permis" {...common("bank")} />
        <Field name="bic" label="BIC" hint="8 ou 11 caractères, par exemple BNPAFRPP" {...common("bank")} />
      </Section>

      <Section section="penalties" title="Pénalités de retard" canEdit={page.canEdit} saved={savedFor("penalties")}>
        <fieldset>
          <legend>Taux des pénalités (article L441-10)</legend>
          <div className="choice">
            <input id="mode-ecb" type="radio" name="penaltyRateMode" value="ecb_plus_10" defaultChecked={!contractMode} />
            <label htmlFor="mode-ecb">Taux de la BCE majoré de 10 points</label>
          </div>
          <div className="choice">
            <input id="mode-contract" type="radio" name="penaltyRateMode" value="contract" defaultChecked={contractMode} />
            <label htmlFor="mode-contract">Taux prévu par mes conditions générales</label>
          </div>
        </fieldset>
        <Field name="contractRate" label="Taux contractuel annuel (%)" inputMode="decimal" hint={`Plus de 0 et au plus 50, par exemple 12,5 ; ${page.contractRateFloor}`} {...common("penalties")} />
        <Check name="recoveryIndemnityEnabled" label="Réclamer l'indemnité forfaitaire de 40 € (clients professionnels)" values={valuesFor("penalties")} />
        <Check name="addPenaltiesToAmountDue" label="Ajouter les pénalités au montant à payer" values={valuesFor("penalties")} />
        <Check name="allowPartialPayments" label="Accepter les paiements partiels" values={valuesFor("penalties")} />
      </Section>

      <Section section="branding" title="Image de marque" canEdit={page.canEdit} saved={savedFor("branding")}>
        <p className="muted">Affichés en tête de l'espace de paiement de vos clients et des e-mails qu'ils reçoivent.</p>
        <Field name="displayName" label="Nom affiché (facultatif)" hint="À défaut, le nom commercial ou la raison sociale" {...common("branding")} />
        <Field name="accentColor" label="Couleur d'accent (facultatif)" hint="Au format #rrggbb, par exemple #1d4ed8" {...common("branding")} />
        {page.values.accentColor ? (
          <p className="muted">
            Couleur actuelle : <span aria-hidden="true" style={{ display: "inline-block", width: "1.5rem", height: "1rem", verticalAlign: "middle", background: page.values.accentColor, border: "1px solid #999" }} />{" "}
            {page.values.accentColor}
          </p>
        ) : null}
      </Section>

      <Section section="senders" title="Expéditeurs" canEdit={page.canEdit} saved={savedFor("senders")}>
        <Field name="senderName" label="Nom de l'expéditeur des e-mails (facultatif)" {...common("senders")} />
        <Field name="senderEmail" label="Adresse d'expédition des e-mails (facultatif)" type="email" hint="Sur votre propre domaine, que vous authentifiez chez notre prestataire d'envoi" {...common("senders")} />
        <Field name="smsSenderId" label="Expéditeur des SMS (facultatif)" hint="3 à 11 lettres ou chiffres, au moins une lettre, par exemple DURAND. Un tel expéditeur ne reçoit pas de réponse : tant que nos SMS proposent de répondre STOP, ils partent du numéro de Relance." {...common("senders")} />
        <Field name="notificationEmail" label="Adresse de notification (facultatif)" type="email" hint="Reçoit la copie de chaque engagement d'un client (promesse, échéancier, contestation, paiement déclaré, changement de contact). Vide : tous les propriétaires du compte." {...common("senders")} />
      </Section>

      <Section section="retention" title="Conservation des données" canEdit={page.canEdit} saved={savedFor("retention")}>
        <p className="muted">
          Quand toutes les factures d'un client sont réglées ou abandonnées depuis cette durée, ses données personnelles sont anonymisées et ses
          pièces jointes et courriers supprimés, chaque nuit. Les numéros, montants, dates et paiements des factures sont conservés pour la
          comptabilité.
        </p>
        <Field name="retentionMonths" label="Durée de conservation, en mois" hint="60 mois (5 ans) par défaut : le délai de prescription d'une créance entre professionnels (C. com. L110-4)" inputMode="numeric" {...common("retention")} />
      </Section>

      {page.canEdit ? (
        <section className="card" aria-labelledby="audit-title">
          <h2 id="audit-title">Historique des modifications</h2>
          {page.audit.length === 0 ? (
            <p className="muted">Aucune modification enregistrée.</p>
          ) : (
            <div className="table-scroll" role="region" aria-label="Modifications des réglages" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Quand</th>
                    <th scope="col">Qui</th>
                    <th scope="col">Rubrique</th>
                    <th scope="col">Champs modifiés</th>
                  </tr>
                </thead>
                <tbody>
                  {page.audit.map((event) => (
                    <tr key={event.id}>
                      <td>{event.at}</td>
                      <td>{event.who}</td>
                      <td>{event.section}</td>
                      <td>{event.fields.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </main>
  );
}
