import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { getDb } from "~/db.server";
import { now } from "~/clock.server";
import { getStaff, signInStaff } from "~/services/staff-auth.server";
import { requireSameOrigin } from "~/services/http.server";

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
  const form = await request.formData();
  const parsed = schema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    return data({ fields, formError: null }, { status: 400 });
  }
  const cookie = await signInStaff(getDb(), parsed.data.email, parsed.data.password, now());
  if (!cookie) {
    return data({ fields: {}, formError: "Adresse e-mail ou mot de passe incorrect." }, { status: 401 });
  }
  throw redirect("/backoffice", { status: 303, headers: { "Set-Cookie": cookie } });
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
