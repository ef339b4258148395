import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { CHANNEL_LABELS, LADDER_KINDS, STEP_CHANNELS, STEP_NAMES, TONES, TONE_NAMES, ladderRungs, type LadderKind } from "~/domain/cadence-policy";
import { CadenceLadder } from "~/components/cadence-ladder";
import { CHANNEL_NAMES, WEEKDAY_NAMES } from "~/domain/contact-windows";
import { loadCadenceSettings, saveCadenceSettings, type PolicyActionResult, type PolicyDraft, type ReviewActionResult, type WindowsActionResult } from "~/services/backoffice/cadence-settings.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Relances et modèles" }] };

export const meta = pageTitle("Relance automatique");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadCadenceSettings(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return saveCadenceSettings(getDb(), request);
}

const LIMITS: { field: Exclude<keyof PolicyDraft, "steps" | "alternateChannelsAfterUnanswered">; label: string; hint: string }[] = [
  { field: "minDaysBetweenContacts", label: "Écart minimal entre deux contacts (jours)", hint: "De 1 à 30." },
  { field: "maxDaysWithoutContact", label: "Relancer après combien de jours sans contact", hint: "Plus que l'écart minimal, au plus 60." },
  { field: "brokenPromisesBeforeLitigation", label: "Promesses non tenues avant contentieux", hint: "De 1 à 5." },
  { field: "promiseGraceDays", label: "Délai de grâce après une date promise (jours)", hint: "De 0 à 15." },
  { field: "maxPromiseDays", label: "Date promise au plus tard dans (jours)", hint: "De 1 à 90." },
  { field: "maxPlanMonths", label: "Durée maximale d'un échéancier (mois)", hint: "De 1 à 24." },
  { field: "minInstallmentEuros", label: "Échéance minimale (€)", hint: "Par exemple 50." },
  { field: "autoAcceptPlanMonths", label: "Échéanciers acceptés d'office jusqu'à (mois)", hint: "0 : toujours examinés par l'équipe." },
];

export default function CadenceSettings() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as PolicyActionResult | WindowsActionResult | ReviewActionResult | undefined;
  return (
    <main className="page">
      <h1>Relance automatique</h1>
      <nav aria-label="Relance" className="button-row">
        <Link className="button secondary" to="/backoffice/cadence/templates">
          Modèles de messages
        </Link>
        <Link className="button secondary" to="/backoffice/cadence/preview">
          Aperçu des messages
        </Link>
        <Link className="button secondary" to="/backoffice/cadence/calendar">
          Calendrier des 30 prochains jours
        </Link>
      </nav>
      {page.saved ? (
        <p className="notice" role="status">
          {page.saved}
        </p>
      ) : null}
      {!page.canEdit ? <p className="muted">Lecture seule : vous voyez les réglages sans pouvoir les modifier.</p> : null}
      <p className="muted">
        Délais en jours calendaires depuis l'échéance, pour un paiement à 30 jours (allongés pour des délais plus longs). Chaque facture monte
        l'échelle une étape à la fois.
      </p>
      {page.policies.map((policy) => {
        const mine = result && result.form === "policy" && result.policyId === policy.id ? result : null;
        return <PolicyForm key={`${policy.id}-${mine?.version ?? 0}`} policy={policy} draft={mine?.draft ?? policy.draft} errors={mine?.errors ?? {}} canEdit={page.canEdit} />;
      })}
      <WindowsForm windows={page.windows} result={result && result.form === "windows" ? result : null} canEdit={page.canEdit} />
      <ReviewForm days={page.planReviewBusinessDays} result={result && result.form === "review" ? result : null} canEdit={page.canEdit} />
    </main>
  );
}

function PolicyForm(props: { policy: { id: number; title: string }; draft: PolicyDraft; errors: Record<string, string>; canEdit: boolean }) {
  const { policy, draft, errors, canEdit } = props;
  const id = (suffix: string) => `p${policy.id}-${suffix.replaceAll(".", "-")}`;
  const errorOf = (field: string) => errors[field];
  const described = (field: string) => (errorOf(field) ? { "aria-invalid": true as const, "aria-describedby": `${id(field)}-error` } : {});
  const count = Object.keys(errors).length;
  // The picture follows the fields as they are edited, before anything is saved.
  const [steps, setSteps] = useState(draft.steps);
  const readSteps = (form: HTMLFormElement) => {
    const fields = new FormData(form);
    const value = (index: number, name: string) => String(fields.get(`steps.${index}.${name}`) ?? "");
    setSteps(draft.steps.map((_, i) => ({ kind: value(i, "kind"), offsetDays: value(i, "offsetDays"), channel: value(i, "channel"), tone: value(i, "tone") })));
  };
  return (
    <section className="card" id={`policy-${policy.id}`} aria-labelledby={id("title")} data-testid={`policy-${policy.id}`}>
      <h2 id={id("title")}>{policy.title}</h2>
      {count > 0 ? (
        <p className="error-summary" role="alert">
          {count === 1 ? "Une valeur est à corriger" : `${count} valeurs sont à corriger`} : rien n'a été enregistré.
        </p>
      ) : null}
      <CadenceLadder title={`Échelle de relance : ${policy.title}`} rungs={ladderRungs(steps)} />
      <Form method="post" noValidate onChange={(event) => readSteps(event.currentTarget)}>
        <StaffFormToken />
        {/* Enter in a field saves, rather than pressing the first row's buttons. */}
        {canEdit ? (
          <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1} aria-hidden="true">
            Enregistrer
          </button>
        ) : null}
        <input type="hidden" name="policyId" value={policy.id} />
        <fieldset disabled={!canEdit}>
          <legend>Étapes</legend>
          <FieldError field={`${id("steps")}`} message={errorOf("steps")} />
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Étape</th>
                  <th scope="col">Délai (J±)</th>
                  <th scope="col">Canal</th>
                  <th scope="col">Ton</th>
                  {canEdit ? <th scope="col">Ordre</th> : null}
                </tr>
              </thead>
              <tbody>
                {draft.steps.map((step, index) => {
                  const f = (name: string) => `steps.${index}.${name}`;
                  const row = `ligne ${index + 1} — ${policy.title}`;
                  const channels = STEP_CHANNELS[(step.kind as LadderKind) in STEP_CHANNELS ? (step.kind as LadderKind) : "first_reminder"];
                  return (
                    <tr key={index} data-testid="step-row">
                      <td>
                        <label className="visually-hidden" htmlFor={id(f("kind"))}>
                          Étape, {row}
                        </label>
                        <select id={id(f("kind"))} name={f("kind")} defaultValue={step.kind} {...described(f("kind"))}>
                          {LADDER_KINDS.map((kind) => (
                            <option key={kind} value={kind}>
                              {STEP_NAMES[kind]}
                            </option>
                          ))}
                        </select>
                        <FieldError field={`${id(f("kind"))}`} message={errorOf(f("kind"))} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={id(f("offsetDays"))}>
                          Délai en jours, {row}
                        </label>
                        <input id={id(f("offsetDays"))} name={f("offsetDays")} type="number" inputMode="numeric" defaultValue={step.offsetDays} {...described(f("offsetDays"))} />
                        <FieldError field={`${id(f("offsetDays"))}`} message={errorOf(f("offsetDays"))} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={id(f("channel"))}>
                          Canal, {row}
                        </label>
                        <select id={id(f("channel"))} name={f("channel")} defaultValue={step.channel} {...described(f("channel"))}>
                          {(["email", "sms", "call", "letter"] as const).map((channel) => (
                            <option key={channel} value={channel}>
                              {CHANNEL_LABELS[channel]}
                              {channels.includes(channel) ? "" : " (non disponible pour cette étape)"}
                            </option>
                          ))}
                        </select>
                        <FieldError field={`${id(f("channel"))}`} message={errorOf(f("channel"))} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={id(f("tone"))}>
                          Ton, {row}
                        </label>
                        <select id={id(f("tone"))} name={f("tone")} defaultValue={step.tone} {...described(f("tone"))}>
                          {TONES.map((tone) => (
                            <option key={tone} value={tone}>
                              {TONE_NAMES[tone]}
                            </option>
                          ))}
                        </select>
                        <FieldError field={`${id(f("tone"))}`} message={errorOf(f("tone"))} />
                      </td>
                      {canEdit ? (
                        <td>
                          <div className="button-row">
                            <button type="submit" name="intent" value={`up:${index}`} className="button secondary" disabled={index === 0} aria-label={`Monter la ${row}`}>
                              ↑
                            </button>
                            <button type="submit" name="intent" value={`down:${index}`} className="button secondary" disabled={index === draft.steps.length - 1} aria-label={`Descendre la ${row}`}>
                              ↓
                            </button>
                            <button type="submit" name="intent" value={`remove:${index}`} className="button secondary" aria-label={`Retirer la ${row}`}>
                              Retirer
                            </button>
                          </div>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {canEdit ? (
            <p>
              <button type="submit" name="intent" value="add" className="button secondary">
                Ajouter une étape
              </button>
            </p>
          ) : null}
        </fieldset>
        <fieldset disabled={!canEdit}>
          <legend>Limites</legend>
          {LIMITS.map(({ field, label, hint }) => (
            <div key={field}>
              <label htmlFor={id(field)}>
                {label} — {policy.title}
              </label>
              <input id={id(field)} name={field} type="text" inputMode="decimal" defaultValue={draft[field]} {...described(field)} />
              <p className="muted">{hint}</p>
              <FieldError field={`${id(field)}`} message={errorOf(field)} />
            </div>
          ))}
          <div>
            <input id={id("alternateChannelsAfterUnanswered")} name="alternateChannelsAfterUnanswered" type="checkbox" defaultChecked={draft.alternateChannelsAfterUnanswered === "on"} />
            <label htmlFor={id("alternateChannelsAfterUnanswered")}>
              Changer de canal après un contact resté sans réponse (e-mail puis SMS, ou l'inverse) — {policy.title}
            </label>
          </div>
        </fieldset>
        {canEdit ? (
          <p className="muted">Ajouter, retirer ou déplacer une étape ne modifie que ce brouillon : enregistrez pour l'appliquer.</p>
        ) : null}
        {canEdit ? (
          <button type="submit" name="intent" value="save" className="button">
            Enregistrer la politique {policy.title}
          </button>
        ) : null}
      </Form>
    </section>
  );
}

function WindowsForm(props: {
  windows: { channel: string; weekdays: string[]; start: string; end: string; summary: string; defaultSummary: string }[];
  result: WindowsActionResult | null;
  canEdit: boolean;
}) {
  const { result, canEdit } = props;
  const errors = result?.errors ?? {};
  return (
    <section className="card" id="windows" aria-labelledby="windows-title">
      <h2 id="windows-title">Fenêtres de contact</h2>
      <p className="muted">
        Jours et heures, dans le fuseau horaire du client. Jamais avant 08:00 ni après 20:00, jamais le dimanche, ni d'appel le samedi ; les
        jours fériés restent toujours fermés.
      </p>
      {Object.keys(errors).length > 0 ? (
        <p className="error-summary" role="alert">
          Des fenêtres sont à corriger : rien n'a été enregistré.
        </p>
      ) : null}
      <Form method="post" noValidate>
        <StaffFormToken />
        <input type="hidden" name="form" value="windows" />
        {props.windows.map((window) => {
          const channel = window.channel as keyof typeof CHANNEL_NAMES;
          const given = result?.values[channel];
          const days = given?.weekdays ?? window.weekdays;
          const field = (name: string) => `${channel}.${name}`;
          const err = (name: string) => errors[field(name)];
          const describedBy = (name: string) => (err(name) ? { "aria-invalid": true as const, "aria-describedby": `w-${channel}-${name}-error` } : {});
          return (
            <fieldset key={`${channel}-${result ? "r" : "l"}`} disabled={!canEdit} data-testid={`window-${channel}`}>
              <legend>
                {CHANNEL_NAMES[channel]} <span className="muted">({window.summary} ; par défaut {window.defaultSummary})</span>
              </legend>
              <div className="slot-grid" role="group" aria-label={`Jours (${CHANNEL_NAMES[channel]})`} {...describedBy("weekdays")}>
                {WEEKDAY_NAMES.map((name, index) => (
                  <div className="check" key={name}>
                    <input type="checkbox" id={`w-${channel}-${index + 1}`} name={field("weekdays")} value={index + 1} defaultChecked={days.includes(String(index + 1))} />
                    <label htmlFor={`w-${channel}-${index + 1}`}>
                      {name}
                      <span className="visually-hidden"> ({CHANNEL_NAMES[channel]})</span>
                    </label>
                  </div>
                ))}
              </div>
              <FieldError field={`w-${channel}-weekdays`} message={err("weekdays")} />
              <label htmlFor={`w-${channel}-start`}>De ({CHANNEL_NAMES[channel]})</label>
              <input type="time" id={`w-${channel}-start`} name={field("start")} defaultValue={given?.start ?? window.start} {...describedBy("start")} />
              <FieldError field={`w-${channel}-start`} message={err("start")} />
              <label htmlFor={`w-${channel}-end`}>À ({CHANNEL_NAMES[channel]})</label>
              <input type="time" id={`w-${channel}-end`} name={field("end")} defaultValue={given?.end ?? window.end} {...describedBy("end")} />
              <FieldError field={`w-${channel}-end`} message={err("end")} />
            </fieldset>
          );
        })}
        {canEdit ? (
          <button type="submit" className="button">
            Enregistrer les fenêtres
          </button>
        ) : null}
      </Form>
    </section>
  );
}

function ReviewForm({ days, result, canEdit }: { days: number; result: ReviewActionResult | null; canEdit: boolean }) {
  return (
    <section className="card" id="review" aria-labelledby="review-title">
      <h2 id="review-title">Délai d'examen des échéanciers</h2>
      <p className="muted">
        Un échéancier proposé attend votre décision ce nombre de jours ouvrés ; au-delà, il ne suspend plus les relances, les responsables en
        sont avertis par e-mail et le client est prévenu.
      </p>
      <Form method="post" noValidate>
        <StaffFormToken />
        <input type="hidden" name="form" value="review" />
        <fieldset disabled={!canEdit}>
          <label htmlFor="planReviewBusinessDays">Jours ouvrés pour décider</label>
          <input
            id="planReviewBusinessDays"
            name="planReviewBusinessDays"
            inputMode="numeric"
            defaultValue={result?.value ?? String(days)}
            {...(result ? { "aria-invalid": true as const, "aria-describedby": "planReviewBusinessDays-error" } : {})}
          />
          {result ? (
            <p className="error" id="planReviewBusinessDays-error">
              {result.error}
            </p>
          ) : null}
          <button type="submit" className="button">
            Enregistrer le délai
          </button>
        </fieldset>
      </Form>
    </section>
  );
}
