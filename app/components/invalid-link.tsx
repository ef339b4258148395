import { messages, type Locale } from "~/i18n/messages";

export function InvalidLink({ locale }: { locale: Locale }) {
  const t = messages(locale).invalid;
  return (
    <main className="page narrow" lang={locale}>
      <h1>{t.title}</h1>
      <p>{t.body}</p>
      <p>
        <a className="button" href="/link/new">
          {t.action}
        </a>
      </p>
    </main>
  );
}
