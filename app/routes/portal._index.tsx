import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { loadPortalHome } from "~/services/portal/portal.server";
import { messages } from "~/i18n/messages";
import { agreementMessages } from "~/i18n/portal-agreements";
import { CommitmentsInForce } from "~/components/agreement-parts";
import { historyMessages } from "~/i18n/portal-history";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? messages(data.locale).portal.title(data.creditorName) : "Relance" },
];

/** Every action the debtor can take, in the order a hurried reader needs them. */
const PORTAL_ACTIONS = [
  ["pay", "/portal/pay"],
  ["promise", "/portal/promise"],
  ["plan", "/portal/plan"],
  ["dispute", "/portal/dispute"],
  ["alreadyPaid", "/portal/already-paid"],
  ["callback", "/portal/callback"],
  ["contact", "/portal/contact"],
  ["documents", "/portal/documents"],
] as const;

export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadPortalHome(getDb(), request);
}

export default function PortalHome() {
  const page = useLoaderData<typeof loader>();
  const t = messages(page.locale).portal;
  const h = historyMessages(page.locale);
  return (
    <main className="page narrow" lang={page.locale}>
      <p className="muted">{t.greeting(page.debtorName)}</p>
      <h1>{t.title(page.creditorName)}</h1>
      <CommitmentsInForce commitments={page.commitments} t={agreementMessages(page.locale)} />
      <p>{t.summary(page.invoices.length, page.totalLabel)}</p>
      <ul className="invoice-list" aria-label={t.title(page.creditorName)}>
        {page.invoices.map((invoice) => (
          <li key={invoice.id} className="card" data-testid="invoice">
            <span>
              {t.invoice} <strong>{invoice.number}</strong>
            </span>
            <span className="amount">{invoice.amountLabel}</span>
            <span>
              {t.dueDate} {invoice.dueDateLabel}
            </span>
            <span className={invoice.daysOverdue > 0 ? "overdue" : undefined}>
              {invoice.daysOverdue > 0 ? t.overdue(invoice.daysOverdue) : t.dueIn(invoice.daysUntilDue)}
            </span>
            {invoice.contestedOnLabel ? <span>{t.contested(invoice.contestedOnLabel)}</span> : null}
            <Link to={`/portal/invoices/${invoice.id}`} aria-label={`${t.details} ${invoice.number}`}>
              {t.details}
            </Link>
          </li>
        ))}
      </ul>
      {page.invoices.length > 0 ? (
        <nav aria-labelledby="actions-title">
          <h2 id="actions-title">{t.actionsTitle}</h2>
          <ul className="action-list">
            {PORTAL_ACTIONS.map(([key, to]) => (
              <li key={key}>
                <Link className="button secondary" to={to}>
                  {t.actions[key]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <section aria-labelledby="settled-title">
        <h2 id="settled-title">{h.settledTitle}</h2>
        {page.settled.length === 0 ? (
          <p className="muted">{h.settledNone}</p>
        ) : (
          <ul className="invoice-list">
            {page.settled.map((invoice) => (
              <li key={invoice.id} className="card" data-testid="settled-invoice">
                <span>
                  {h.invoice} <strong>{invoice.number}</strong>
                </span>
                <span className="amount">{invoice.amountLabel}</span>
                <span>
                  {h.paidOn(invoice.paidOnLabel)}
                  {invoice.meansLabel ? ` ${h.paidBy(invoice.meansLabel)}` : null}
                </span>
                {invoice.receipts.map((receipt) => (
                  <a key={receipt.id} href={`/portal/documents/receipts/${receipt.id}`} download aria-label={h.receiptLabel(invoice.number, receipt.dateLabel)}>
                    {h.receipt(receipt.dateLabel)}
                  </a>
                ))}
              </li>
            ))}
          </ul>
        )}
      </section>
      {page.history.promises.length > 0 || page.history.plans.length > 0 ? (
        <section aria-labelledby="history-title" data-testid="commitment-history">
          <h2 id="history-title">{h.commitmentsTitle}</h2>
          <ul className="invoice-list">
            {page.history.plans.map((plan) => (
              <li key={`plan-${plan.id}`} className="card">
                <span>{plan.text}</span>
                <ul>
                  {plan.installments.map((i) => (
                    <li key={i.position}>{i.text}</li>
                  ))}
                </ul>
              </li>
            ))}
            {page.history.promises.map((p) => (
              <li key={`promise-${p.id}`} className="card">
                {p.text}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {page.penaltiesNotice ? <p className="muted">{page.penaltiesNotice}</p> : null}
    </main>
  );
}
