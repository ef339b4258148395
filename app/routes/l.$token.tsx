import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { localeFromAcceptLanguage, messages, type Locale } from "~/i18n/messages";
import { exchangeLink, previewLink } from "~/services/link-landing.server";
import { noStoreHeaders, requireSameOrigin } from "~/services/http.server";
import { InvalidLink } from "~/components/invalid-link";
import { RateLimited } from "~/components/rate-limited";
import { clientAddress, limitRequest, rateLimitedInit } from "~/services/rate-limits.server";
import { RATE_LIMITS, type RateLimitRule } from "~/domain/rate-limit";

/** Every refused link gets this same status and page, whatever the reason (M17). */
const INVALID_STATUS = 410;

export const meta: MetaFunction = () => [{ title: "Relance" }, { name: "robots", content: "noindex" }];

// The token is still in the address: no caching, no referrer, no third-party anything (M8, M9).
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  return retryAfter ? { ...noStoreHeaders, "Retry-After": retryAfter } : noStoreHeaders;
};

/** M17 on both verbs: per client, then per link (a token hashed like every subject). */
function limitLanding(request: Request, token: string, byClient: RateLimitRule) {
  return limitRequest(byClient, clientAddress(request)) ?? limitRequest(RATE_LIMITS.linkToken, token);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const limited = limitLanding(request, params.token ?? "", RATE_LIMITS.linkLandingIp);
  if (limited) return data({ ...limited, locale: localeFromAcceptLanguage(request.headers.get("Accept-Language")) }, rateLimitedInit(limited));
  const landing = await previewLink(request, params.token ?? "");
  return data(landing, { status: landing.status === "valid" ? 200 : INVALID_STATUS });
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  // M17: every exchange attempt counts, valid or not; over the limit nothing is checked or created.
  const limited = limitLanding(request, params.token ?? "", RATE_LIMITS.linkExchangeIp);
  if (limited) return data(limited, rateLimitedInit(limited));
  const cookie = await exchangeLink(params.token ?? "");
  // The loader runs again after this and renders the same refusal page.
  if (!cookie) return data(null, { status: INVALID_STATUS });
  // 303: the browser follows with a GET to a URL that no longer carries the token (M5).
  throw redirect("/portal", { status: 303, headers: { "Set-Cookie": cookie, ...noStoreHeaders } });
}

export default function LinkLanding() {
  const landing = useLoaderData<typeof loader>();
  const limited = useActionData<typeof action>();
  if (limited?.status === "rate_limited") return <RateLimited locale={landing.locale} retryAt={limited.retryAt} />;
  if (landing.status === "rate_limited") return <RateLimited locale={landing.locale} retryAt={landing.retryAt} />;
  if (landing.status === "invalid") return <InvalidLink locale={landing.locale} />;
  const t = messages(landing.locale as Locale).continue;
  return (
    <main className="page narrow" lang={landing.locale}>
      <h1>{t.title}</h1>
      <p>{t.intro(landing.creditorName)}</p>
      {/* A real document POST: the 303 replaces the tokenised address in the history. */}
      <Form method="post" reloadDocument>
        <button type="submit" className="button">
          {t.button}
        </button>
      </Form>
      <p className="muted">{t.privacy}</p>
    </main>
  );
}
