import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { localeFromAcceptLanguage, messages } from "~/i18n/messages";
import { MAX_SMALL_FORM_BYTES, readLimitedForm, requireSameOrigin } from "~/services/http/http.server";
import { requestDeps } from "~/deps.server";
import { requestNewLink } from "~/services/portal/link-reissue.server";
import { clientAddress, limitRequest, rateLimitedInit } from "~/services/http/rate-limits.server";
import { RATE_LIMITS } from "~/domain/rate-limit";
import { RateLimited } from "~/components/rate-limited";
import { NO_STORE_HEADERS } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";

export const meta: MetaFunction = () => [{ title: "Relance" }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { ...NO_STORE_HEADERS, "Retry-After": retryAfter } : NO_STORE_HEADERS;
};

// Pasted addresses often carry spaces or capitals: tidy before judging.
const schema = z.object({ email: z.string().trim().toLowerCase().pipe(z.email().max(254)) });

export function loader({ request }: LoaderFunctionArgs) {
  return { locale: localeFromAcceptLanguage(request.headers.get("Accept-Language")) };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  // A body that is no form (415) or too big (413) is refused before it counts against anyone.
  const form = await readLimitedForm(request, MAX_SMALL_FORM_BYTES);
  // M17: per client address first, then per address typed; over either limit nothing is sent.
  const byIp = await limitRequest(getDb(), RATE_LIMITS.newLinkIp, clientAddress(request));
  if (byIp) return data(byIp, rateLimitedInit(byIp));
  const parsed = schema.safeParse({ email: form.get("email") });
  if (!parsed.success) return data({ status: "invalid" as const }, { status: 400 });
  const byAddress = await limitRequest(getDb(), RATE_LIMITS.newLinkAddress, parsed.data.email);
  if (byAddress) return data(byAddress, rateLimitedInit(byAddress));
  await requestNewLink(requestDeps(getDb()), parsed.data.email);
  return { status: "sent" as const };
}

export default function NewLink() {
  const { locale } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = messages(locale).newLink;
  if (result?.status === "rate_limited") return <RateLimited locale={locale} retryAt={result.retryAt} backTo="/link/new" />;
  return (
    <main className="page narrow" lang={locale}>
      <h1>{t.title}</h1>
      {result?.status === "sent" ? (
        <p className="notice" role="status">
          {t.sent}
        </p>
      ) : (
        <Form method="post" noValidate>
          <p>{t.intro}</p>
          <label htmlFor="email">{t.email}</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            aria-invalid={result?.status === "invalid" || undefined}
            aria-describedby={result?.status === "invalid" ? "email-error" : undefined}
          />
          <FieldError field="email" message={result?.status === "invalid" ? t.invalidEmail : null} />
          <p>
            <button type="submit" className="button" disabled={busy}>
              {t.submit}
            </button>
          </p>
        </Form>
      )}
    </main>
  );
}
