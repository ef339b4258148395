import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { loadPortalInvoice } from "~/services/portal/portal.server";
import { messages } from "~/i18n/messages";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";

export const headers = neverCached;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return loadPortalInvoice(getDb(), request, params.invoiceId ?? "");
}

export default function PortalInvoice() {
  const { locale, invoice } = useLoaderData<typeof loader>();
  const t = messages(locale).portal;
  return (
    <main className="page narrow" lang={locale}>
      <p>
        <Link to="/portal">← {t.back}</Link>
      </p>
      <h1>
        {t.invoice} {invoice.number}
      </h1>
      <dl className="card">
        <dt>{t.amountDue}</dt>
        <dd className="amount">{invoice.amountLabel}</dd>
        <dt>{t.originalAmount}</dt>
        <dd>{invoice.originalAmountLabel}</dd>
        <dt>{t.issued}</dt>
        <dd>{invoice.issueDateLabel}</dd>
        <dt>{t.dueDate}</dt>
        <dd>
          {invoice.dueDateLabel} —{" "}
          <span className={invoice.daysOverdue > 0 ? "overdue" : undefined}>
            {invoice.daysOverdue > 0 ? t.overdue(invoice.daysOverdue) : t.dueIn(invoice.daysUntilDue)}
          </span>
        </dd>
      </dl>
    </main>
  );
}
