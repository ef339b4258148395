import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CopyButton } from "~/components/copy-button";
import { payMessages } from "~/i18n/portal-pay";
import { loadPayPage, startCheckout } from "~/services/portal/payments.server";
import { NO_STORE_HEADERS, neverCached } from "~/utils/head";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";
import { paymentProvider } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? payMessages(data.locale).title : "Relance" }];

export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadPayPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await startCheckout(getDb(), request, paymentProvider());
  if (result.status === "redirect") throw redirect(result.url, { status: 303, headers: NO_STORE_HEADERS });
  return data(result, { status: 400, headers: NO_STORE_HEADERS });
}

export default function PortalPay() {
  const page = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = payMessages(page.locale);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failed) summary.current?.focus();
  }, [failed]);
  const chosen = (id: number) => (failed ? failed.chosen.includes(id) : true);
  const firstFieldError = failed ? Object.keys(failed.errors.fields)[0] : undefined;

  return (
    <main className="page narrow" lang={page.locale}>
      <p>
        <Link to="/portal">← {t.back}</Link>
      </p>
      <h1>{t.title}</h1>
      {page.invoices.length === 0 ? <p>{t.nothingOpen}</p> : null}
      {page.cancelled && !failed ? <p className="notice">{t.cancelled}</p> : null}
      {failed ? (
        <div ref={summary} tabIndex={-1} role="alert" className="error-summary">
          <p>{t.errorSummary}</p>
          {failed.errors.form ? <p>{failed.errors.form}</p> : null}
          {firstFieldError ? (
            <p>
              <a href={`#amount-${firstFieldError}`}>{failed.errors.fields[Number(firstFieldError)]}</a>
            </p>
          ) : null}
        </div>
      ) : null}

      {page.invoices.length > 0 ? (
        <section aria-labelledby="card-title" className="card">
          <h2 id="card-title">{t.cardTitle}</h2>
          <p>{page.allowPartial ? t.intro : t.introNoPartial}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="csrf" value={page.csrf} />
            <fieldset className="pay-invoices">
              <legend>{t.invoicesLegend}</legend>
              {page.invoices.map((invoice) => {
                const error = failed?.errors.fields[invoice.id];
                return (
                  <div key={invoice.id} className="pay-invoice" data-testid="pay-invoice">
                    <div className="check">
                      <input type="checkbox" id={`invoice-${invoice.id}`} name="invoice" value={invoice.id} defaultChecked={chosen(invoice.id)} />
                      <label htmlFor={`invoice-${invoice.id}`}>
                        {t.payInvoice(invoice.number, invoice.balanceLabel)} <span className="muted">({t.dueOn(invoice.dueDateLabel)})</span>
                      </label>
                    </div>
                    {page.allowPartial ? (
                      <>
                        <label htmlFor={`amount-${invoice.id}`}>{t.amountLabel(invoice.number)}</label>
                        <p className="muted" id={`amount-${invoice.id}-hint`}>
                          {t.amountHint(invoice.balanceLabel)}
                        </p>
                        <input
                          type="text"
                          inputMode="decimal"
                          autoComplete="off"
                          id={`amount-${invoice.id}`}
                          name={`amount-${invoice.id}`}
                          defaultValue={failed?.values[`amount-${invoice.id}`] ?? invoice.balanceInput}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `amount-${invoice.id}-error amount-${invoice.id}-hint` : `amount-${invoice.id}-hint`}
                        />
                        <FieldError field={`amount-${invoice.id}`} message={error} />
                      </>
                    ) : null}
                  </div>
                );
              })}
            </fieldset>
            <p className="muted">{t.submitHint}</p>
            <button type="submit" className="button" disabled={busy}>
              {t.submit}
            </button>
          </Form>
          <p className="muted">{t.nextStep.full}</p>
          {page.allowPartial ? <p className="muted">{t.nextStep.partial(page.nextReminderLabel)}</p> : null}
        </section>
      ) : null}

      {page.bank ? (
        <section aria-labelledby="transfer-title" className="card transfer">
          <h2 id="transfer-title">{t.transferTitle}</h2>
          <p>{t.transferIntro}</p>
          <dl>
            {(
              [
                ["holder", t.holder, page.bank.holder, page.bank.holder],
                ["iban", t.iban, page.bank.ibanLabel, page.bank.iban],
                ["bic", t.bic, page.bank.bic, page.bank.bic],
                ["reference", t.reference, page.bank.reference, page.bank.reference],
              ] as const
            ).map(([key, label, shown, value]) =>
              shown && value ? (
                <div key={key} className="transfer-row" data-testid={`transfer-${key}`}>
                  <dt>{label}</dt>
                  <dd>
                    <span className="copyable">{shown}</span>
                    <CopyButton value={value} label={t.copyLabel(label)} text={t.copy} copiedText={t.copied} />
                  </dd>
                </div>
              ) : null,
            )}
          </dl>
          <p className="muted">{t.transferDelay}</p>
        </section>
      ) : page.invoices.length > 0 ? (
        <p className="muted">{t.noBank}</p>
      ) : null}
    </main>
  );
}
