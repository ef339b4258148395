import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadOwnPassword, ownPasswordAction } from "~/services/auth/own-password.server";
import { rateLimitedInit } from "~/services/http/rate-limits.server";
import { StaffFormToken } from "~/components/staff-form-token";
import type { BackofficeHandle } from "~/components/backoffice-shell";
import { neverCached, pageTitle } from "~/utils/head";
import { FieldError, FormError, invalidProps } from "~/components/field-error";
import type { FieldErrors } from "~/utils/form-flow";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const handle: BackofficeHandle = { breadcrumb: [{ label: "Mot de passe" }] };

export const meta = pageTitle("Mon mot de passe");
export const headers = neverCached;

export function loader({ request }: LoaderFunctionArgs) {
  return loadOwnPassword(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await ownPasswordAction(requestDeps(getDb()), request);
  if (result.status === "rate_limited") return data(result, rateLimitedInit(result));
  return data(result, { status: result.status === "error" ? 400 : 200 });
}

function retryTime(iso: string) {
  return new Intl.DateTimeFormat("fr-FR", { timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(iso));
}

export default function OwnPassword() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields: FieldErrors = result?.status === "error" ? result.fields : {};
  const invalid = (name: string) => invalidProps(name, fields[name]);
  const error = (name: string) => <FieldError field={name} message={fields[name]} />;

  return (
    <main className="page narrow">
      <p className="muted">
        <Link to="/backoffice/team">Équipe</Link> · {page.name}
      </p>
      <h1>{page.hasPassword ? "Changer mon mot de passe" : "Choisir un mot de passe"}</h1>
      {result?.status === "changed" ? (
        <p className="notice" role="status">
          Votre mot de passe est enregistré. Vos autres sessions ouvertes sont fermées.
        </p>
      ) : null}
      {result?.status === "code_sent" ? (
        <p className="notice" role="status">
          Un code à 6 chiffres vient d'être envoyé à {result.to}. Il est valable 10 minutes.
        </p>
      ) : null}
      <FormError message={result?.status === "rate_limited" ? `Trop de tentatives. Réessayez après ${retryTime(result.retryAt)} (heure de Paris).` : null} />
      <Form method="post" noValidate>
        <StaffFormToken />
        <input type="hidden" name="intent" value="change" />
        {page.hasPassword ? (
          <>
            <label htmlFor="currentPassword">Mot de passe actuel</label>
            <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" {...invalid("currentPassword")} />
            {error("currentPassword")}
            <p className="muted">Ou, sans lui, un code reçu par e-mail :</p>
          </>
        ) : (
          <p className="muted">Pour prouver que c'est bien vous, demandez un code par e-mail et saisissez-le ici.</p>
        )}
        {page.hasPassword ? null : error("currentPassword")}
        <label htmlFor="code">Code reçu par e-mail</label>
        <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} {...invalid("code")} />
        {error("code")}
        <label htmlFor="password">Nouveau mot de passe ({page.minLength} caractères au moins)</label>
        <input id="password" name="password" type="password" autoComplete="new-password" {...invalid("password")} />
        {error("password")}
        <label htmlFor="confirm">Le même, encore une fois</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" {...invalid("confirm")} />
        {error("confirm")}
        <p>
          <button type="submit" className="button" disabled={busy}>
            Enregistrer le mot de passe
          </button>
        </p>
      </Form>
      <Form method="post">
        <StaffFormToken />
        <input type="hidden" name="intent" value="send-code" />
        <button type="submit" className="button secondary" disabled={busy}>
          Recevoir un code par e-mail
        </button>
      </Form>
    </main>
  );
}
