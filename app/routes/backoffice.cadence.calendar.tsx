import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatCalendarDate } from "~/domain/dates";
import { loadCadenceCalendar } from "~/services/backoffice/cadence-calendar.server";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Relances et modèles", to: "/backoffice/cadence" }, { label: "Calendrier" }] };

export const meta = pageTitle("Calendrier de la relance");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadCadenceCalendar(getDb(), request);
}

export default function CadenceCalendar() {
  const page = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <h1>Calendrier des 30 prochains jours</h1>
      <p className="muted">
        Ce que chaque client recevra du {formatCalendarDate(page.from, "fr-FR")} au {formatCalendarDate(page.to, "fr-FR")} et pourquoi, s'il ne
        paie ni ne répond : la relance elle-même, rejouée sans rien envoyer. Heures du fuseau {page.zone}.
      </p>
      <Form method="get" className="card">
        <label htmlFor="debtorId">Client</label>
        <select id="debtorId" name="debtorId" defaultValue={page.debtorId ?? ""}>
          <option value="">Tous les clients</option>
          {page.debtors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <p>
          <button type="submit" className="button secondary">
            Afficher
          </button>
        </p>
      </Form>
      <p>{page.total === 0 ? "Rien de prévu sur la période." : `${page.total} envoi(s) ou décision(s) prévus.`}</p>
      {page.days.map((day) => (
        <section key={day.date} className="calendar-day" aria-labelledby={`day-${day.date}`} data-testid={`day-${day.date}`}>
          <h2 id={`day-${day.date}`}>{day.title}</h2>
          <ul>
            {day.items.map((item) => (
              <li key={item.key} data-testid="calendar-item">
                <strong>{item.time}</strong> · <Link to={`/backoffice/debtors/${item.debtorId}`}>{item.debtorName}</Link> · {item.what} ({item.channel})
                {item.invoices ? ` · ${item.invoices}` : ""}
                <br />
                <span className="muted">{item.why}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
