import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { isDevOutboxEnabled } from "~/services/dev/dev-outbox.server";

export const meta: MetaFunction = () => [{ title: "Relance" }];

export function loader() {
  return { devOutbox: isDevOutboxEnabled() };
}

export default function Home() {
  const { devOutbox } = useLoaderData<typeof loader>();
  return (
    <main className="page narrow">
      <h1>Relance</h1>
      <p>Se faire payer sans perdre ses clients.</p>
      <ul>
        <li>
          <a href="/backoffice">Espace créancier</a>
        </li>
        {devOutbox ? (
          <li>
            <a href="/dev/outbox">Boîte d'envoi de développement</a> : les e-mails envoyés aux débiteurs, avec leurs liens vers le portail.
          </li>
        ) : null}
        <li>
          <a href="/privacy">Données personnelles</a>
        </li>
      </ul>
      <p className="muted">Débiteur ? Ouvrez le lien reçu par e-mail ou SMS, ou <a href="/link/new">demandez un nouveau lien</a>.</p>
    </main>
  );
}
