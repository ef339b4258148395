import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadTeam, teamAction } from "~/services/backoffice/team.server";
import { ROLE_LABELS } from "~/domain/staff-roles";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { FieldError, FormError, invalidProps } from "~/components/field-error";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Équipe" }] };

export const meta = pageTitle("Équipe");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadTeam(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await teamAction(requestDeps(getDb()), request);
  return data(result, { status: result.status === "error" ? 400 : 200 });
}

const roleEntries = Object.entries(ROLE_LABELS) as [keyof typeof ROLE_LABELS, string][];

export default function Team() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const addErrors = result?.status === "error" && result.intent === "add" ? result.fields : {};
  const addValues = result?.status === "error" && result.intent === "add" ? (result.values ?? {}) : {};
  const errorFor = (memberId: number) => (result?.status === "error" && result.memberId === memberId ? Object.values(result.fields).flat()[0] : undefined);
  const invalid = (name: string) => invalidProps(`add-${name}`, addErrors[name]);

  return (
    <main className="page">
      <header className="top">
        <div>
          <h1>Équipe</h1>
        </div>
        <Link className="button secondary" to="/backoffice/password">
          Mon mot de passe
        </Link>
      </header>
      {result?.status === "done" ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      {page.canManage ? null : <p className="muted">Seuls les propriétaires du compte peuvent ajouter des membres ou changer leurs accès.</p>}

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Membres</h2>
        <div className="table-scroll" role="region" aria-label="Membres de l'équipe" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Rôle</th>
                <th scope="col">Accès</th>
                {page.canManage ? <th scope="col">Gérer</th> : null}
              </tr>
            </thead>
            <tbody>
              {page.members.map((m) => {
                const error = errorFor(m.id);
                return (
                  <tr key={m.id}>
                    <td>
                      {m.name}
                      {m.id === page.me ? " (vous)" : ""}
                      <div className="muted">{m.email}</div>
                    </td>
                    <td>{ROLE_LABELS[m.role]}</td>
                    <td>
                      {m.active ? "Actif" : `Désactivé le ${m.disabledAt}`}
                      {m.active && !m.hasPassword ? <div className="muted">Se connecte par code</div> : null}
                    </td>
                    {page.canManage ? (
                      <td>
                        <Form method="post" className="button-row" aria-label={`Rôle de ${m.name}`}>
                          <StaffFormToken />
                          <input type="hidden" name="intent" value="role" />
                          <input type="hidden" name="memberId" value={m.id} />
                          <label className="visually-hidden" htmlFor={`role-${m.id}`}>
                            Rôle de {m.name}
                          </label>
                          <select id={`role-${m.id}`} name="role" defaultValue={m.role} style={{ width: "auto" }}>
                            {roleEntries.map(([value, label]) => (
                              <option key={value} value={value}>
                                {label}
                              </option>
                            ))}
                          </select>
                          <button type="submit" className="button secondary" disabled={busy}>
                            Changer le rôle
                          </button>
                        </Form>
                        <Form method="post">
                          <StaffFormToken />
                          <input type="hidden" name="intent" value={m.active ? "disable" : "enable"} />
                          <input type="hidden" name="memberId" value={m.id} />
                          <button type="submit" className="button secondary" disabled={busy}>
                            {m.active ? `Désactiver ${m.name}` : `Réactiver ${m.name}`}
                          </button>
                        </Form>
                        <FormError message={error} />
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      {page.canManage ? (
        <section className="card" aria-labelledby="add-title">
          <h2 id="add-title">Ajouter un membre</h2>
          <p className="muted">Le nouveau membre reçoit un e-mail ; il se connecte avec un code envoyé à son adresse, puis peut choisir un mot de passe.</p>
          <Form method="post" noValidate>
            <StaffFormToken />
            <input type="hidden" name="intent" value="add" />
            <label htmlFor="add-name">Nom</label>
            <input id="add-name" name="name" type="text" defaultValue={addValues.name} autoComplete="off" {...invalid("name")} />
            <FieldError field="add-name" message={addErrors.name} />
            <label htmlFor="add-email">Adresse e-mail</label>
            <input id="add-email" name="email" type="email" defaultValue={addValues.email} autoComplete="off" {...invalid("email")} />
            <FieldError field="add-email" message={addErrors.email} />
            <fieldset>
              <legend>Rôle</legend>
              {roleEntries.map(([value, label]) => (
                <div className="choice" key={value}>
                  <input id={`add-role-${value}`} type="radio" name="role" value={value} defaultChecked={(addValues.role ?? "agent") === value} />
                  <label htmlFor={`add-role-${value}`}>{label}</label>
                </div>
              ))}
              <FieldError field="add-role" message={addErrors.role} />
            </fieldset>
            <button type="submit" className="button" disabled={busy}>
              Ajouter
            </button>
          </Form>
        </section>
      ) : null}

      {page.canManage && page.audit.length > 0 ? (
        <section className="card" aria-labelledby="team-audit-title">
          <h2 id="team-audit-title">Historique de l'équipe</h2>
          <ul>
            {page.audit.map((e) => (
              <li key={e.id}>
                {e.at} · {e.who} · {e.what}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}
