import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CopyButton } from "~/components/copy-button";
import { apiKeysAction, loadApiKeys } from "~/services/backoffice/api-keys.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "API" }] };

export const meta = pageTitle("Clés d'API");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadApiKeys(getDb(), request);
}

export function action({ request }: ActionFunctionArgs) {
  return apiKeysAction(getDb(), request);
}

const when = (iso: string | null, timeZone: string) => (iso ? new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone }).format(new Date(iso)) : "jamais");

export default function ApiKeys() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields: { name?: string; keyId?: string } = result && "fields" in result ? result.fields : {};
  const created = result && "created" in result ? result.created : null;
  return (
    <main className="page">
      <h1>Clés d'API</h1>
      <p className="muted">
        Votre logiciel de facturation envoie clients, factures et paiements à l'API JSON (<code>/api/v1</code>, décrite par{" "}
        <a href="/api/v1/openapi.json">le document OpenAPI</a>) avec l'en-tête <code>Authorization: Bearer &lt;clé&gt;</code>.
      </p>
      {created ? (
        <section className="notice" role="status" aria-labelledby="created-title">
          <h2 id="created-title">Clé « {created.name} » créée</h2>
          <p>Copiez-la maintenant : elle ne sera plus jamais affichée (nous n'en gardons qu'une empreinte).</p>
          <p>
            <code data-testid="new-api-key">{created.key}</code> <CopyButton value={created.key} label="Copier la clé d'API" text="Copier" copiedText="Clé copiée" />
          </p>
        </section>
      ) : null}
      {fields.keyId ? (
        <p className="error-summary" role="alert">
          {fields.keyId}
        </p>
      ) : null}
      {page.canManage ? (
        <section className="card" aria-labelledby="new-key-title">
          <h2 id="new-key-title">Nouvelle clé</h2>
          <Form method="post" noValidate>
            <StaffFormToken />
            <label htmlFor="key-name">Nom de la clé</label>
            <input
              id="key-name"
              name="name"
              maxLength={80}
              required
              aria-invalid={fields.name ? true : undefined}
              aria-describedby={fields.name ? "key-name-error" : undefined}
            />
            <FieldError field="key-name" message={fields.name} />
            <button type="submit" name="intent" value="create" className="button" disabled={busy}>
              Créer la clé
            </button>
          </Form>
        </section>
      ) : (
        <p className="muted">Seuls les propriétaires du compte créent et révoquent les clés.</p>
      )}
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">Clés</h2>
        {page.keys.length === 0 ? (
          <p>Aucune clé pour l'instant.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Tableau des clés">
            <table>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Début de la clé</th>
                  <th scope="col">Créée</th>
                  <th scope="col">Dernier usage</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {page.keys.map((k) => (
                  <tr key={k.id} data-testid="api-key-row">
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td>{when(k.createdAt, page.timeZone)}</td>
                    <td>{when(k.lastUsedAt, page.timeZone)}</td>
                    <td>
                      {k.revokedAt ? (
                        `révoquée le ${when(k.revokedAt, page.timeZone)}`
                      ) : page.canManage ? (
                        <Form method="post">
                          <StaffFormToken />
                          <input type="hidden" name="keyId" value={k.id} />
                          <button type="submit" name="intent" value="revoke" className="button" disabled={busy} aria-label={`Révoquer la clé ${k.name}`}>
                            Révoquer
                          </button>
                        </Form>
                      ) : (
                        "active"
                      )}
                    </td>
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
