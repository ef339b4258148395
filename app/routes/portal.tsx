import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { loadPortalLayout } from "~/services/portal/portal-language.server";
import { secureMessages } from "~/i18n/portal-secure";
import { locales, messages } from "~/i18n/messages";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";

/**
 * The portal's layout: each page as it is, then a language switch. A layout route rather than a form
 * in every page: one place, no change to the pages, and every future portal page gets it.
 */
export const headers = neverCached;

/** The fallback title for portal pages that set none (the invoice detail had none: axe's document-title). */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: messages(data?.locale ?? "fr").htmlTitle }];

export async function loader({ request }: LoaderFunctionArgs) {
  return loadPortalLayout(getDb(), request);
}

export default function PortalLayout() {
  const { locale, csrf, brand } = useLoaderData<typeof loader>();
  const location = useLocation();
  const t = secureMessages(locale).language;
  return (
    <>
      {/* The creditor's name and accent colour (settings, branding): the debtor knows whose page this is. */}
      <header className="portal-brand" style={brand.accentColor ? { borderTopColor: brand.accentColor } : undefined}>
        <p className="page narrow portal-brand-name">{brand.name}</p>
      </header>
      <Outlet />
      <footer className="page narrow portal-footer" lang={locale}>
        {/* A document POST: the whole page comes back in the new language. */}
        <Form method="post" action="/portal/language" reloadDocument className="language-form">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="returnTo" value={`${location.pathname}${location.search}`} />
          <label htmlFor="portal-locale">{t.label}</label>
          <select id="portal-locale" name="locale" defaultValue={locale}>
            {locales.map((l) => (
              <option key={l} value={l} lang={l}>
                {t.names[l]}
              </option>
            ))}
          </select>
          <button type="submit" className="button secondary">
            {t.submit}
          </button>
        </Form>
      </footer>
    </>
  );
}
