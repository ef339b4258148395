import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { payMessages } from "~/i18n/portal-pay";
import { loadPayDone } from "~/services/portal/payments.server";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? payMessages(data.locale).done.title : "Relance" }];

export const headers = neverCached;

/** Stripe's success URL. It shows; only the webhook records (P3). */
export async function loader({ request }: LoaderFunctionArgs) {
  return loadPayDone(getDb(), request);
}

export default function PayDone() {
  const page = useLoaderData<typeof loader>();
  const t = payMessages(page.locale).done;
  return (
    <main className="page narrow" lang={page.locale}>
      <h1>{page.state === "failed" ? payMessages(page.locale).title : t.title}</h1>
      {page.state === "confirming" ? (
        <>
          <p className="notice" role="status">
            {t.confirming}
          </p>
          <p>
            {/* A plain link: reloading is a GET and records nothing. */}
            <a className="button secondary" href="">
              {t.refresh}
            </a>
          </p>
        </>
      ) : page.state === "failed" ? (
        <p>{t.notPaid}</p>
      ) : (
        <>
          <p className="notice" role="status">
            {t.recorded(page.totalLabel)}
          </p>
          <ul>
            {page.lines.map((line) => (
              <li key={line.number}>{t.invoiceLine(line.number, line.paidLabel, line.leftLabel)}</li>
            ))}
          </ul>
          <p>{page.remainingLabel ? t.remaining(page.remainingLabel) : t.allSettled}</p>
        </>
      )}
      <p>
        <Link to="/portal">← {payMessages(page.locale).back}</Link>
      </p>
      {page.remainingLabel ? (
        <p>
          <Link to="/portal/pay">{t.again}</Link>
        </p>
      ) : null}
    </main>
  );
}
