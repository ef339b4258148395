import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadVerifyPage, verifyAction } from "~/services/auth/step-up.server";
import { rateLimitedInit } from "~/services/http/rate-limits.server";
import { secureMessages } from "~/i18n/portal-secure";
import { RateLimited } from "~/components/rate-limited";
import { NO_STORE_HEADERS } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? secureMessages(data.locale).verify.title : "Relance" }];
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => ({
  ...NO_STORE_HEADERS,
  ...(actionHeaders.get("Retry-After") ? { "Retry-After": actionHeaders.get("Retry-After")! } : {}),
  ...(loaderHeaders.get("Retry-After") ? { "Retry-After": loaderHeaders.get("Retry-After")! } : {}),
});

export async function loader({ request }: LoaderFunctionArgs) {
  return loadVerifyPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await verifyAction(requestDeps(getDb()), request);
  if (result.status === "verified") throw redirect(result.returnTo, { status: 303, headers: NO_STORE_HEADERS });
  if (result.status === "rate_limited") return data(result, rateLimitedInit(result));
  return data(result, { status: result.status === "error" ? 400 : 200, headers: NO_STORE_HEADERS });
}

export default function Verify() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = secureMessages(page.locale).verify;
  if (result?.status === "rate_limited") {
    return <RateLimited locale={page.locale} retryAt={result.retryAt} backTo={`/portal/verify?returnTo=${encodeURIComponent(page.returnTo)}`} />;
  }
  const contactError = result?.status === "error" && result.field === "contact" ? result.message : null;
  const codeError = result?.status === "error" && result.field === "code" ? result.message : null;
  const showCodeForm = page.pendingTo !== null || codeError !== null;

  return (
    <main className="page narrow" lang={page.locale}>
      <h1>{t.title}</h1>
      {page.verified ? (
        <>
          <p>{t.already}</p>
          <p>
            <Link className="button" to={page.returnTo}>
              {t.continue}
            </Link>
          </p>
        </>
      ) : (
        <>
          <p>{t.intro}</p>
          {showCodeForm ? (
            <Form method="post" noValidate className="card">
              <input type="hidden" name="csrf" value={page.csrf} />
              <input type="hidden" name="intent" value="verify" />
              <input type="hidden" name="returnTo" value={page.returnTo} />
              {page.pendingTo ? (
                <p className="notice" role="status">
                  {t.sent(page.pendingTo)}
                </p>
              ) : null}
              <label htmlFor="code">{t.codeLabel}</label>
              <input
                id="code"
                name="code"
                type="text"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                required
                autoFocus={codeError !== null}
                aria-invalid={codeError ? true : undefined}
                aria-describedby={codeError ? "code-error" : undefined}
              />
              <FieldError field="code" message={codeError} />
              <p>
                <button type="submit" className="button" disabled={busy}>
                  {t.submit}
                </button>
              </p>
            </Form>
          ) : null}
          {page.choices.length === 0 ? (
            <p>{t.noContact}</p>
          ) : (
            <Form method="post" noValidate>
              <input type="hidden" name="csrf" value={page.csrf} />
              <input type="hidden" name="intent" value="send" />
              <fieldset aria-describedby={contactError ? "contact-error" : undefined}>
                <legend>{t.chooseLegend}</legend>
                {page.choices.map((choice, index) => (
                  <div key={choice.value} className="choice">
                    <input type="radio" id={`contact-${choice.value}`} name="contact" value={choice.value} defaultChecked={index === 0} />
                    <label htmlFor={`contact-${choice.value}`}>{choice.channel === "email" ? t.byEmail(choice.label) : t.bySms(choice.label)}</label>
                  </div>
                ))}
                <FieldError field="contact" message={contactError} />
              </fieldset>
              <p>
                <button type="submit" className={showCodeForm ? "button secondary" : "button"} disabled={busy}>
                  {showCodeForm ? t.resend : t.send}
                </button>
              </p>
            </Form>
          )}
        </>
      )}
    </main>
  );
}
