import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import stylesUrl from "./styles.css?url";
import { staffFormToken } from "./services/auth/staff-auth.server";
import { localeFromAcceptLanguage, messages, type Locale } from "./i18n/messages";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesUrl }];

export async function loader({ request }: LoaderFunctionArgs) {
  // The back office's forms carry it (M21): derived from the staff cookie alone, no query.
  return { locale: localeFromAcceptLanguage(request.headers.get("Accept-Language")), staffCsrf: await staffFormToken(request) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang={data?.locale ?? "fr"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const t = messages((data?.locale ?? "fr") as Locale);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 401
      ? [t.session.requiredTitle, t.session.requiredBody]
      : status === 404
        ? [t.notFound.title, t.notFound.body]
        : status === 413 && isRouteErrorResponse(error) && typeof error.data === "string"
          ? // The refusal says which file and what the limit is (readLimitedForm).
            [t.tooLarge.title, error.data]
          : [t.error.title, t.error.body];
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{body}</p>
      {status === 401 ? (
        <p>
          <a href="/link/new">{t.invalid.action}</a>
        </p>
      ) : null}
    </main>
  );
}
