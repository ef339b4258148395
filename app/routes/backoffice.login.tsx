import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { getDb } from "~/db.server";
import { now } from "~/clock.server";
import { getStaff, signInStaff } from "~/services/staff-auth.server";
import { MAX_SMALL_FORM_BYTES, readLimitedForm, requireSameOrigin } from "~/services/http.server";
import { clientAddress, limitRequest, rateLimitedInit } from "~/services/rate-limits.server";
import { RATE_LIMITS } from "~/domain/rate-limit";

export const meta: MetaFunction = () => [{ title: "Connexion — Relance" }];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const schema = z.object({
  email: z.email({ error: "Saisissez votre adresse e-mail professionnelle." }),
  password: z.string().min(1, { error: "Saisissez votre mot de passe." }).max(200),
});

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getStaff(getDb(), request, now())) throw redirect("/backoffice");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  // M17 for staff too: per client address, then per email typed, counted before the password is checked.
  const byIp = limitRequest(RATE_LIMITS.staffSignInIp, clientAddress(request));
  if (byIp) return data({ fields: {}, formError: tooMany(byIp.retryAt) }, rateLimitedInit(byIp));
  const form = await readLimitedForm(request, MAX_SMALL_FORM_BYTES);
  const parsed = schema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    return data({ fields, formError: null }, { status: 400 });
  }
  const byEmail = limitRequest(RATE_LIMITS.staffSignInEmail, parsed.data.email.trim().toLowerCase());
  if (byEmail) return data({ fields: {}, formError: tooMany(byEmail.retryAt) }, rateLimitedInit(byEmail));
  const cookie = await signInStaff(getDb(), parsed.data.email, parsed.data.password, now());
  if (!cookie) {
    return data({ fields: {}, formError: "Adresse e-mail ou mot de passe incorrect." }, { status: 401 });
  }
  throw redirect("/backoffice", { status: 303, headers: { "Set-Cookie": cookie } });
}

function tooMany(retryAt: string): string {
  const time = new Intl.DateTimeFormat("fr-FR", { timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(retryAt));
  return `Trop de tentatives de connexion. Réessayez après ${time} (heure de Paris), ou demandez à un collègue propriétaire du compte de vérifier votre accès.`;
}

export default function StaffLogin() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fields: { email?: string[]; password?: string[] } = result?.fields ?? {};
  return (
    <main className="page narrow">
      <h1>Connexion à l'espace créancier</h1>
      <Form method="post" noValidate>
        {result?.formError ? (
          <p className="field-error" role="alert">
            {result.formError}
          </p>
        ) : null}
        <label htmlFor="email">Adresse e-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required aria-invalid={Boolean(fields.email) || undefined} aria-describedby={fields.email ? "email-error" : undefined} />
        {fields.email ? <p id="email-error" className="field-error">{fields.email[0]}</p> : null}
        <label htmlFor="password">Mot de passe</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={Boolean(fields.password) || undefined} aria-describedby={fields.password ? "password-error" : undefined} />
        {fields.password ? <p id="password-error" className="field-error">{fields.password[0]}</p> : null}
        <p>
          <button type="submit" className="button" disabled={busy}>
            Se connecter
          </button>
        </p>
      </Form>
    </main>
  );
}
