import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatCalendarDate } from "~/domain/dates";
import { STEP_LABELS } from "~/domain/contact-reasons";
import { loadDashboard } from "~/services/backoffice/dashboard.server";
import { BarChart, FunnelChart, LineChart } from "~/components/charts";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const meta = pageTitle("Tableau de bord");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadDashboard(getDb(), request);
}

const bucketLabels: Record<string, string> = {
  not_due: "Non échu",
  "1_30": "1 à 30 jours",
  "31_60": "31 à 60 jours",
  "61_90": "61 à 90 jours",
  over_90: "Plus de 90 jours",
};
/** Why reminders wait, in the order staff act on them. */
const holdLabels: Record<string, string> = {
  planReview: "Échéanciers à examiner",
  dispute: "Contestations ouvertes",
  payment_claimed: "« Déjà payé » à vérifier",
  callback_requested: "Rappels demandés",
  document_requested: "Documents demandés",
  promise: "Promesses en cours",
  plan: "Échéanciers en cours",
  staff_hold: "Mises en attente par l'équipe",
};
const channelLabels: Record<string, string> = { email: "E-mail", sms: "SMS", letter: "Courrier recommandé", call: "Appel" };
const statusLabels: Record<string, string> = {
  pending: "en attente",
  sending: "en cours",
  sent: "envoyé",
  delivered: "distribué",
  failed: "échec",
  cancelled: "annulé",
};

export default function Dashboard() {
  const page = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <h1>Tableau de bord</h1>
      {page.refusedWebhooks ? (
        <p role="alert" className="card" data-testid="refused-webhooks">
          {page.refusedWebhooks.count} événement(s) Stripe refusé(s), le dernier le {page.refusedWebhooks.lastAt.slice(0, 10)} (UTC) : leur mode (test ou
          réel) ne correspond pas à la clé configurée. Aucun paiement n'a été enregistré ; vérifiez STRIPE_SECRET_KEY et le point de terminaison du webhook
          dans Stripe.
        </p>
      ) : null}
      <nav aria-label="À traiter" className="stats">
        <Link className="button secondary" to="/backoffice/review">
          À décider ({page.work.toDecide})
        </Link>
        <Link className="button secondary" to="/backoffice/calls">
          Appels à passer ({page.work.callsDue})
        </Link>
        <Link className="button secondary" to="/backoffice/letters">
          Courriers à poster ({page.work.lettersToPost})
        </Link>
        <a className="button secondary" href="/backoffice/export.csv" download>
          Exporter l'encours (CSV)
        </a>
      </nav>
      {page.lapsedPlans.length > 0 ? (
        <section className="card" role="alert" aria-labelledby="lapsed-plans-title" data-testid="lapsed-plans">
          <h2 id="lapsed-plans-title">Échéanciers non examinés à temps</h2>
          <p className="muted">Sans décision dans le délai prévu, la proposition ne suspend plus les relances ; le client a été prévenu.</p>
          <ul>
            {page.lapsedPlans.map((plan) => (
              <li key={plan.id}>
                <Link to={`/backoffice/debtors/${plan.debtorId}`}>{plan.debtorName}</Link> : {plan.total}, relances reprises le {formatCalendarDate(plan.lapsedOn, "fr-FR")}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {page.lateLetters.length > 0 ? (
        <section className="card" role="alert" aria-labelledby="late-letters-title" data-testid="late-letters">
          <h2 id="late-letters-title">Mises en demeure non postées depuis plus de 3 jours ouvrés</h2>
          <p className="muted">Le délai avant contentieux ne court qu'à partir du jour où le courrier est marqué posté.</p>
          <ul>
            {page.lateLetters.map((letter) => (
              <li key={letter.id}>
                <Link to={`/backoffice/debtors/${letter.debtorId}`}>{letter.debtorName}</Link> : en attente depuis le {formatCalendarDate(letter.queuedOn, "fr-FR")} ({letter.businessDays} jours ouvrés) —{" "}
                <Link to="/backoffice/letters">marquer posté</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="stats" aria-label="Totaux">
        <div className="card">
          <p className="muted">Encours total</p>
          <p className="amount" data-testid="outstanding">{page.outstanding}</p>
        </div>
        <div className="card">
          <p className="muted">Dont échu</p>
          <p className="amount overdue" data-testid="overdue">{page.overdue}</p>
        </div>
        <div className="card">
          <p className="muted">Encaissé ce mois-ci</p>
          <p className="amount" data-testid="collected">{page.collectedThisMonth}</p>
        </div>
        <div className="card">
          <p className="muted">DSO (90 derniers jours)</p>
          <p className="amount" data-testid="dso">{page.dso === null ? "—" : `${page.dso} j`}</p>
        </div>
      </section>
      <History />
      <section className="card">
        <h2>Balance âgée</h2>
        <table>
          <thead>
            <tr>
              <th>Ancienneté</th>
              <th className="num">Factures</th>
              <th className="num">Montant</th>
              <th aria-hidden="true" style={{ width: "35%" }}></th>
            </tr>
          </thead>
          <tbody>
            {page.buckets.map((b) => (
              <tr key={b.bucket}>
                <td>{bucketLabels[b.bucket]}</td>
                <td className="num">{b.count}</td>
                <td className="num">{b.amount}</td>
                <td aria-hidden="true">
                  <div className="bar" style={{ width: `${Math.round(b.share * 100)}%` }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="funnel-title">
        <h2 id="funnel-title">Effet des relances (30 derniers jours)</h2>
        <p className="muted">Pour chaque étape et canal : messages envoyés, lien ouvert, client qui a agi (paiement, promesse, échéancier, contestation…) puis facture réglée, dans les 14 jours.</p>
        {page.funnel.length === 0 ? <p>Aucun message envoyé ces 30 derniers jours.</p> : <FunnelOfMonth />}
        {page.funnel.length === 0 ? null : (
          // Wider than a phone: the box scrolls, so it takes the focus for keyboard users.
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Effet des relances par étape et canal">
            <table data-testid="funnel">
              <thead>
                <tr>
                  <th>Étape</th>
                  <th>Canal</th>
                  <th className="num">Envoyés</th>
                  <th className="num">Lien ouvert</th>
                  <th className="num">Ont agi</th>
                  <th className="num">Réglé</th>
                </tr>
              </thead>
              <tbody>
                {page.funnel.map((row) => (
                  <tr key={`${row.step}/${row.channel}`}>
                    <td>{STEP_LABELS[row.step] ?? row.step}</td>
                    <td>{channelLabels[row.channel] ?? row.channel}</td>
                    <td className="num">{row.sent}</td>
                    <td className="num">{row.opened}</td>
                    <td className="num">{row.acted}</td>
                    <td className="num">{row.paid}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="holds-title">
        <h2 id="holds-title">Relances en pause</h2>
        <ul data-testid="holds">
          {Object.entries(holdLabels).map(([key, label]) => (
            <li key={key}>
              {label} : <strong>{page.holds[key] ?? 0}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Derniers messages</h2>
        {page.devOutbox ? (
          <p className="muted">
            Mode développement : les messages sont conservés dans la <a href="/dev/outbox">boîte d'envoi de développement</a>.
          </p>
        ) : null}
        {page.messages.length === 0 ? (
          <p>Aucun message pour l'instant.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Date (UTC)</th>
                  <th>Débiteur</th>
                  <th>Étape</th>
                  <th>Canal</th>
                  <th>Statut</th>
                </tr>
              </thead>
              <tbody>
                {page.messages.map((m) => (
                  <tr key={m.id}>
                    <td>{m.at.replace("T", " ").slice(0, 16)}</td>
                    <td>
                      <Link to={`/backoffice/debtors/${m.debtorId}`}>{m.debtorName}</Link>
                    </td>
                    <td>{STEP_LABELS[m.step] ?? m.step}</td>
                    <td>{channelLabels[m.channel] ?? m.channel}</td>
                    <td>{statusLabels[m.status] ?? m.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

const compactEuros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", notation: "compact", maximumFractionDigits: 1 });
const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

/** Cash collected week by week and DSO month by month, over the last year. */
function History() {
  const page = useLoaderData<typeof loader>();
  const weeks = page.cashByWeek;
  const total = weeks.reduce((sum, w) => sum + w.cents, 0);
  const best = weeks.reduce((top, w) => (w.cents > top.cents ? w : top), weeks[0]!);
  const months = page.dsoByMonth;
  const now = months[months.length - 1]!;
  const first = months.find((m) => m.dso !== null);
  const dsoSummary =
    now.dso === null
      ? "Pas de DSO aujourd'hui : rien n'a été facturé sur les 90 derniers jours."
      : `DSO de ${now.dso} jours aujourd'hui${first && first !== now ? `, ${first.dso} jours fin ${first.label}` : ""}.`;
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Sur douze mois</h2>
      <div className="charts">
        <BarChart
          title="Encaissé par semaine"
          summary={`${euros.format(total / 100)} encaissés en ${weeks.length} semaines ; la meilleure, celle du ${best.label} : ${best.amount} ; cette semaine : ${weeks[weeks.length - 1]!.amount}.`}
          points={weeks.map((w) => ({ label: w.label, value: w.cents, display: w.amount }))}
          valueHeader="Encaissé"
          tick={(cents) => compactEuros.format(cents / 100)}
          labelEvery={8}
          testId="cash-chart"
        />
        <LineChart
          title="DSO à la fin de chaque mois"
          summary={dsoSummary}
          points={months.map((m) => ({ label: m.label, value: m.dso, display: m.dso === null ? "—" : `${m.dso} j` }))}
          valueHeader="DSO"
          tick={(days) => `${days} j`}
          labelEvery={2}
          testId="dso-chart"
        />
      </div>
    </section>
  );
}

/** The funnel of the last 30 days, all steps together; the table under it gives each step and channel. */
function FunnelOfMonth() {
  const page = useLoaderData<typeof loader>();
  const sum = (pick: (row: (typeof page.funnel)[number]) => number) => page.funnel.reduce((total, row) => total + pick(row), 0);
  const stages = [
    { label: "Envoyés", value: sum((r) => r.sent) },
    { label: "Lien ouvert", value: sum((r) => r.opened) },
    { label: "Ont agi", value: sum((r) => r.acted) },
    { label: "Réglé", value: sum((r) => r.paid) },
  ];
  const [sent, opened, acted, paid] = stages.map((s) => s.value);
  return (
    <FunnelChart
      title="Effet des relances sur 30 jours"
      summary={`${sent} messages envoyés, ${opened} liens ouverts, ${acted} clients ont agi, ${paid} factures réglées ensuite.`}
      stages={stages}
      testId="funnel-chart"
    />
  );
}
