import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { getDb } from "~/db.server";
import { now } from "~/clock.server";
import { findActiveStaffByEmail, getStaff, preSessionFormToken, readSignInForm, signInStaff, signInStaffByCode } from "~/services/auth/staff-auth.server";
import { issueStaffCodeIfKnown } from "~/services/auth/staff-codes.server";
import { requestDeps } from "~/deps.server";
import { MAX_SMALL_FORM_BYTES, requireSameOrigin } from "~/services/http/http.server";
import { clientAddress, limitRequest, rateLimitedInit } from "~/services/http/rate-limits.server";
import { RATE_LIMITS } from "~/domain/rate-limit";
import { pageTitle } from "~/utils/head";
import { FieldError, FormError, invalidProps } from "~/components/field-error";
import { firstErrors } from "~/services/http/forms.server";
import type { FieldErrors } from "~/utils/form-flow";

export const meta = pageTitle("Connexion");
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const headers = new Headers({ "Cache-Control": "no-store" });
  const setCookie = loaderHeaders.get("Set-Cookie");
  if (setCookie) headers.set("Set-Cookie", setCookie);
  return headers;
};

const email = z.email({ error: "Saisissez votre adresse e-mail professionnelle." });
const passwordSchema = z.object({
  email,
  password: z.string().min(1, { error: "Saisissez votre mot de passe." }).max(200),
});
const codeSchema = z.object({
  email,
  code: z.string().regex(/^\s*\d{3}\s?\d{3}\s*$/, { error: "Saisissez les 6 chiffres reçus par e-mail." }),
});

type Fields = FieldErrors;
type Result = { fields: Fields; formError: string | null; codeSentTo?: string };

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getStaff(getDb(), request, now())) throw redirect("/backoffice");
  const { token, setCookie } = await preSessionFormToken(request);
  return data({ csrf: token }, setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined);
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const result = (fields: Fields, formError: string | null, extra: Partial<Result> = {}): Result => ({ fields, formError, ...extra });
  // A forged form (no pre-session token, M21) is refused before it counts against anyone.
  const form = await readSignInForm(request, MAX_SMALL_FORM_BYTES);
  // M17 for staff too: per client address, then per email typed, counted before anything is checked.
  const byIp = await limitRequest(getDb(), RATE_LIMITS.staffSignInIp, clientAddress(request));
  if (byIp) return data(result({}, tooMany(byIp.retryAt)), rateLimitedInit(byIp));
  const intent = form.get("intent");

  if (intent === "send-code") {
    const parsed = email.safeParse(form.get("email"));
    if (!parsed.success) return data(result({ email: parsed.error.issues[0]!.message }, null), { status: 400 });
    const typed = parsed.data.trim().toLowerCase();
    const limited = await limitRequest(getDb(), RATE_LIMITS.staffCodeSendEmail, typed);
    if (limited) return data(result({}, tooMany(limited.retryAt), { codeSentTo: typed }), rateLimitedInit(limited));
    const staff = await findActiveStaffByEmail(getDb(), typed);
    // The answer is the same whether the address belongs to a member or not, and costs about the same.
    await issueStaffCodeIfKnown(requestDeps(getDb()), staff, "sign_in");
    return data(result({}, null, { codeSentTo: typed }));
  }

  if (intent === "code") {
    const parsed = codeSchema.safeParse({ email: form.get("email"), code: form.get("code") });
    if (!parsed.success) {
      const typed = String(form.get("email") ?? "");
      return data(result(firstErrors(parsed.error), null, { codeSentTo: typed }), { status: 400 });
    }
    const typed = parsed.data.email.trim().toLowerCase();
    const byEmail = await limitRequest(getDb(), RATE_LIMITS.staffSignInEmail, typed);
    if (byEmail) return data(result({}, tooMany(byEmail.retryAt), { codeSentTo: typed }), rateLimitedInit(byEmail));
    const cookie = await signInStaffByCode(getDb(), typed, parsed.data.code, now(), request);
    if (!cookie) {
      return data(
        result({ code: "Ce code ne convient pas : il est faux, a déjà servi, a plus de 10 minutes ou a été essayé 5 fois. Vérifiez-le ou demandez un nouveau code." }, null, {
          codeSentTo: typed,
        }),
        { status: 401 },
      );
    }
    throw redirect("/backoffice", { status: 303, headers: { "Set-Cookie": cookie } });
  }

  const parsed = passwordSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return data(result(firstErrors(parsed.error), null), { status: 400 });
  const byEmail = await limitRequest(getDb(), RATE_LIMITS.staffSignInEmail, parsed.data.email.trim().toLowerCase());
  if (byEmail) return data(result({}, tooMany(byEmail.retryAt)), rateLimitedInit(byEmail));
  const cookie = await signInStaff(getDb(), parsed.data.email, parsed.data.password, now(), request);
  if (!cookie) return data(result({}, "Adresse e-mail ou mot de passe incorrect."), { status: 401 });
  throw redirect("/backoffice", { status: 303, headers: { "Set-Cookie": cookie } });
}

function tooMany(retryAt: string): string {
  const time = new Intl.DateTimeFormat("fr-FR", { timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(retryAt));
  return `Trop de tentatives de connexion. Réessayez après ${time} (heure de Paris), ou demandez à un collègue propriétaire du compte de vérifier votre accès.`;
}

export default function StaffLogin() {
  const result = useActionData<typeof action>();
  const { csrf } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  const fields: Fields = result?.fields ?? {};
  const codeSentTo = result?.codeSentTo;
  const invalid = (name: string) => invalidProps(name, fields[name]);
  const formError = <FormError message={result?.formError} />;

  if (codeSentTo !== undefined) {
    return (
      <main className="page narrow">
        <h1>Connexion par code</h1>
        {formError}
        <p role="status">
          Si <strong>{codeSentTo}</strong> est l'adresse d'un membre actif de l'équipe, un code à 6 chiffres vient d'y être envoyé. Il est valable 10 minutes, une seule fois.
        </p>
        <Form method="post" noValidate>
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="code" />
          <input type="hidden" name="email" value={codeSentTo} />
          <label htmlFor="code">Code reçu par e-mail</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required {...invalid("code")} />
          <FieldError field="code" message={fields.code} />
          <p>
            <button type="submit" className="button" disabled={busy}>
              Se connecter
            </button>
          </p>
        </Form>
        <Form method="post" noValidate>
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="send-code" />
          <input type="hidden" name="email" value={codeSentTo} />
          <button type="submit" className="button secondary" disabled={busy}>
            Recevoir un nouveau code
          </button>
        </Form>
        <p>
          <a href="/backoffice/login">Se connecter avec un mot de passe</a>
        </p>
      </main>
    );
  }

  return (
    <main className="page narrow">
      <h1>Connexion à l'espace créancier</h1>
      <Form method="post" noValidate>
        <input type="hidden" name="csrf" value={csrf} />
        {formError}
        <label htmlFor="email">Adresse e-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required {...invalid("email")} />
        <FieldError field="email" message={fields.email} />
        <label htmlFor="password">Mot de passe</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required {...invalid("password")} />
        <FieldError field="password" message={fields.password} />
        <p>
          <button type="submit" name="intent" value="password" className="button" disabled={busy}>
            Se connecter
          </button>
        </p>
        <p className="muted">Pas de mot de passe, ou oublié ? Saisissez votre adresse e-mail ci-dessus et recevez un code :</p>
        <p>
          <button type="submit" name="intent" value="send-code" className="button secondary" disabled={busy} formNoValidate>
            Recevoir un code par e-mail
          </button>
        </p>
      </Form>
    </main>
  );
}
