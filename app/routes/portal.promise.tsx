import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Echo, describedBy, useFocusFirstError } from "~/components/agreement-parts";
import { FieldError, FormError } from "~/components/field-error";
import { agreementMessages } from "~/i18n/portal-agreements";
import { loadPromisePage, promiseAction } from "~/services/portal/agreements.server";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? agreementMessages(data.locale).promise.title : "Relance" }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadPromisePage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  return promiseAction(requestDeps(getDb()), request);
}

export default function PromisePage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = agreementMessages(page.locale);
  useFocusFirstError(result);

  if (result?.step === "review") {
    return (
      <main className="page narrow" lang={page.locale}>
        <h1>{t.promise.confirmTitle}</h1>
        <FormError message={result.changed ? t.promise.changed : null} />
        <p>{t.promise.youCommit}</p>
        <ul className="card">
          {result.summary.map((s) => (
            <li key={s.number}>
              {t.invoice} <strong>{s.number}</strong> : <span className="amount">{s.amountLabel}</span>
            </li>
          ))}
        </ul>
        {result.notCovered.length > 0 ? <p>{t.promise.notCovered(result.notCovered.join(", "))}</p> : null}
        <blockquote className="acknowledgment" data-testid="acknowledgment">
          {result.ackText}
        </blockquote>
        <h2>{t.promise.nextTitle}</h2>
        <ul data-testid="what-next">
          {result.nextLines.map((line) => (
            <li key={line}>{line}</li>
          ))}
          <li>{t.promise.nextNotice}</li>
        </ul>
        <Form method="post">
          <input type="hidden" name="csrf" value={page.csrf} />
          <input type="hidden" name="ack" value={result.ackText} />
          <Echo fields={result.echo} />
          <div className="button-row">
            <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
              {t.promise.confirm}
            </button>
            <button type="submit" name="intent" value="edit" className="button secondary" disabled={busy}>
              {t.change}
            </button>
          </div>
        </Form>
      </main>
    );
  }

  const errors: Record<string, string> = result?.errors ?? {};
  const values = result?.values;
  const selectable = page.invoices.filter((i) => !i.promisedLabel);
  const promised = page.invoices.filter((i) => i.promisedLabel);
  return (
    <main className="page narrow" lang={page.locale}>
      <p>
        <Link to="/portal">{t.back}</Link>
      </p>
      <h1>{t.promise.title}</h1>
      {selectable.length === 0 ? (
        <p>{t.promise.noneEligible}</p>
      ) : (
        <Form method="post" noValidate>
          <input type="hidden" name="csrf" value={page.csrf} />
          <p>{t.promise.intro(page.limitLabel, page.maxDays)}</p>
          <fieldset
            data-focus-on-error={errors.invoices ? true : undefined}
            aria-describedby={describedBy(errors.invoices && "invoices-error")}
            tabIndex={errors.invoices ? -1 : undefined}
          >
            <legend>{t.promise.invoicesLegend}</legend>
            {selectable.map((invoice) => (
              <div className="check" key={invoice.id}>
                <input type="checkbox" id={`invoice-${invoice.id}`} name="invoice" value={invoice.id} defaultChecked={values ? values.invoiceIds.includes(invoice.id) : true} />
                <label htmlFor={`invoice-${invoice.id}`}>
                  {t.invoice} {invoice.number} — <span className="amount">{invoice.amountLabel}</span> <span className="muted">({t.dueOn(invoice.dueLabel)})</span>
                </label>
              </div>
            ))}
            <FieldError field="invoices" message={errors.invoices} announce={false} />
          </fieldset>
          {promised.length > 0 ? (
            <div className="muted" data-testid="already-promised">
              <ul>
                {promised.map((invoice) => (
                  <li key={invoice.id}>
                    {t.invoice} {invoice.number} : {t.promise.alreadyPromised(invoice.promisedLabel!)}
                  </li>
                ))}
              </ul>
              <p>{t.promise.alreadyPromisedHelp}</p>
            </div>
          ) : null}

          <label htmlFor="date">{t.promise.date}</label>
          <p id="date-hint" className="muted">
            {t.promise.dateHint(page.limitLabel)}
          </p>
          <input
            id="date"
            name="date"
            type="date"
            min={page.minDate}
            max={page.maxDate}
            defaultValue={values?.date}
            required
            aria-invalid={errors.date ? true : undefined}
            aria-describedby={describedBy("date-hint", errors.date && "date-error")}
          />
          <FieldError field="date" message={errors.date} announce={false} />

          <label htmlFor="amount">{t.promise.amount}</label>
          <p id="amount-hint" className="muted">
            {t.promise.amountHint}
          </p>
          <input
            id="amount"
            name="amount"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            defaultValue={values?.amount}
            aria-invalid={errors.amount ? true : undefined}
            aria-describedby={describedBy("amount-hint", errors.amount && "amount-error")}
          />
          <FieldError field="amount" message={errors.amount} announce={false} />
          <p>
            <button type="submit" name="intent" value="review" className="button" disabled={busy}>
              {t.promise.review}
            </button>
          </p>
        </Form>
      )}
    </main>
  );
}
