import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { localeFromAcceptLanguage, messages, type Locale } from "~/i18n/messages";
import { exchangeLink, landingHeaders, previewLink, requireLandingOrigin } from "~/services/portal/link-landing.server";
import { MAX_SMALL_FORM_BYTES, readLimitedForm } from "~/services/http/http.server";
import { InvalidLink } from "~/components/invalid-link";
import { RateLimited } from "~/components/rate-limited";
import { clientAddress, limitRequest, rateLimitedInit } from "~/services/http/rate-limits.server";
import { RATE_LIMITS, type RateLimitRule } from "~/domain/rate-limit";
import { getDb } from "~/db.server";

/** Every refused link gets this same status and page, whatever the reason (M17). */
const INVALID_STATUS = 410;

export const meta: MetaFunction = () => [{ title: "Relance" }, { name: "robots", content: "noindex" }];

// The token is still in the address: no caching, no referrer at all, no third-party anything (M8, M9).
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  return retryAfter ? { ...landingHeaders, "Retry-After": retryAfter } : landingHeaders;
};

/** M17 on both verbs: per client, then per link (a token hashed like every subject). */
async function limitLanding(request: Request, token: string, byClient: RateLimitRule) {
  return (await limitRequest(getDb(), byClient, clientAddress(request))) ?? (await limitRequest(getDb(), RATE_LIMITS.linkToken, token));
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const overLimit = await limitLanding(request, params.token ?? "", RATE_LIMITS.linkLandingIp);
  if (overLimit) {
    const locale = localeFromAcceptLanguage(request.headers.get("Accept-Language"));
    return data({ ...overLimit, locale, limited: overLimit.retryAt }, rateLimitedInit(overLimit));
  }
  const landing = await previewLink(getDb(), request, params.token ?? "");
  // Back from a rate-limited exchange (l.$token.continue): say when to try again.
  const retryAt = new URL(request.url).searchParams.get("retry-at");
  const limited = retryAt && !Number.isNaN(Date.parse(retryAt)) ? new Date(retryAt).toISOString() : null;
  return data({ ...landing, limited }, { status: limited ? 429 : landing.status === "valid" ? 200 : INVALID_STATUS });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readLimitedForm(request, MAX_SMALL_FORM_BYTES);
  requireLandingOrigin(request, params.token ?? "", form.get("form"));
  // M17: every exchange attempt counts, valid or not; over the limit nothing is checked or created.
  const limited = await limitLanding(request, params.token ?? "", RATE_LIMITS.linkExchangeIp);
  if (limited) return data(limited, rateLimitedInit(limited));
  const cookie = await exchangeLink(getDb(), params.token ?? "");
  // The loader runs again after this and renders the same refusal page.
  if (!cookie) return data(null, { status: INVALID_STATUS });
  // 303: the browser follows with a GET to a URL that no longer carries the token (M5).
  throw redirect("/portal", { status: 303, headers: { "Set-Cookie": cookie, ...landingHeaders } });
}

export default function LinkLanding() {
  const landing = useLoaderData<typeof loader>();
  const location = useLocation();
  const limited = useActionData<typeof action>();
  if (limited?.status === "rate_limited") return <RateLimited locale={landing.locale} retryAt={limited.retryAt} />;
  if (landing.status === "rate_limited" || landing.limited) return <RateLimited locale={landing.locale} retryAt={landing.limited ?? ""} />;
  if (landing.status === "invalid") return <InvalidLink locale={landing.locale} />;
  const t = messages(landing.locale as Locale).continue;
  return (
    <main className="page narrow" lang={landing.locale}>
      <h1>{t.title}</h1>
      <p>{t.intro(landing.creditorName)}</p>
      {/* A real document POST: the 303 replaces the tokenised address in the history. */}
      <Form method="post" action={`${location.pathname.replace(/\/+$/, "")}/continue`} reloadDocument>
        <input type="hidden" name="form" value={landing.formToken} />
        <button type="submit" className="button">
          {t.button}
        </button>
      </Form>
      <p className="muted">{t.privacy}</p>
    </main>
  );
}
