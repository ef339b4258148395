import { secureMessages } from "~/i18n/portal-secure";
import type { Locale } from "~/i18n/messages";

const intl: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };

/** The 429 page (M17): says when to try again, in the reader's zone, and nothing else happened. */
export function RateLimited({ locale, retryAt, timeZone = "Europe/Paris", backTo }: { locale: Locale; retryAt: string; timeZone?: string; backTo?: string }) {
  const t = secureMessages(locale).rateLimited;
  const time = new Intl.DateTimeFormat(intl[locale], { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(retryAt));
  return (
    <main className="page narrow" lang={locale}>
      <h1>{t.title}</h1>
      <p role="alert">{t.body(time)}</p>
      {backTo ? (
        <p>
          <a href={backTo}>{t.back}</a>
        </p>
      ) : null}
    </main>
  );
}
