import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadDocumentsPage, requestDocument } from "~/services/portal/portal-documents.server";
import { secureMessages } from "~/i18n/portal-secure";
import { messages } from "~/i18n/messages";
import { NO_STORE_HEADERS, neverCached } from "~/utils/head";
import { hasErrors } from "~/utils/form-flow";
import { FieldError } from "~/components/field-error";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? secureMessages(data.locale).documents.title : "Relance" }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadDocumentsPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await requestDocument(requestDeps(getDb()), request);
  return data(result, { status: hasErrors(result) ? 400 : 200, headers: NO_STORE_HEADERS });
}

export default function Documents() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = secureMessages(page.locale).documents;
  const back = messages(page.locale).portal.back;
  const values = result?.step === "edit" || result?.step === "review" ? result.values : undefined;
  const errors = result?.step === "edit" ? result.errors : {};

  return (
    <main className="page narrow" lang={page.locale}>
      <p>
        <Link to="/portal">← {back}</Link>
      </p>
      <h1>{t.title}</h1>

      <section aria-labelledby="invoices-title">
        <h2 id="invoices-title">{t.invoicesTitle}</h2>
        {page.invoices.length === 0 ? (
          <p>{t.none}</p>
        ) : (
          <ul className="document-list">
            {page.invoices.map((invoice) => (
              <li key={invoice.id}>
                <a href={`/portal/documents/invoices/${invoice.id}`} download>
                  {t.invoicePdf(invoice.number)}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="receipts-title">
        <h2 id="receipts-title">{t.receiptsTitle}</h2>
        {page.receipts.length === 0 ? (
          <p>{t.noReceipts}</p>
        ) : (
          <ul className="document-list">
            {page.receipts.map((receipt) => (
              <li key={receipt.id}>
                <a href={`/portal/documents/receipts/${receipt.id}`} download aria-label={receipt.label}>
                  {receipt.text}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="statement-title">
        <h2 id="statement-title">{t.statementTitle}</h2>
        <p>{t.statementIntro}</p>
        <p>
          <a className="button secondary" href="/portal/documents/statement" download>
            {t.statementPdf}
          </a>
        </p>
      </section>

      <section aria-labelledby="request-title">
        <h2 id="request-title">{t.requestTitle}</h2>
        {result?.step === "done" ? (
          <div className="notice" role="status">
            <p>{t.done(result.untilLabel)}</p>
            <p>{t.doneNext(result.untilLabel)}</p>
          </div>
        ) : result?.step === "review" ? (
          <Form method="post" className="card">
            <input type="hidden" name="csrf" value={page.csrf} />
            <input type="hidden" name="kind" value={result.values.kind} />
            <input type="hidden" name="invoiceId" value={result.values.invoiceId} />
            <input type="hidden" name="note" value={result.values.note} />
            <h3>{t.reviewTitle}</h3>
            <dl>
              <dt>{t.kindLegend}</dt>
              <dd>{result.kindLabel}</dd>
              <dt>{t.invoiceLabel}</dt>
              <dd>{result.invoiceLabel}</dd>
              {result.values.note ? (
                <>
                  <dt>{t.noteLabel}</dt>
                  <dd>{result.values.note}</dd>
                </>
              ) : null}
            </dl>
            <p>{t.reviewPause(result.untilLabel)}</p>
            <p className="button-row">
              <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
                {t.confirm}
              </button>
              <button type="submit" name="intent" value="edit" formNoValidate className="button secondary" disabled={busy}>
                {t.change}
              </button>
            </p>
          </Form>
        ) : null}
        {result?.step === "review" || result?.step === "done" ? null : (
          <Form method="post" noValidate>
            <input type="hidden" name="csrf" value={page.csrf} />
            <input type="hidden" name="intent" value="review" />
            <p>{t.requestIntro}</p>
            <fieldset aria-describedby={errors.kind ? "kind-error" : undefined}>
              <legend>{t.kindLegend}</legend>
              {(["purchase_order", "delivery_note", "other"] as const).map((kind) => (
                <div key={kind} className="choice">
                  <input type="radio" id={`kind-${kind}`} name="kind" value={kind} defaultChecked={values?.kind === kind} />
                  <label htmlFor={`kind-${kind}`}>{t.kinds[kind]}</label>
                </div>
              ))}
              <FieldError field="kind" message={errors.kind} />
            </fieldset>
            <label htmlFor="invoiceId">{t.invoiceLabel}</label>
            <select
              id="invoiceId"
              name="invoiceId"
              defaultValue={values?.invoiceId ?? ""}
              aria-invalid={errors.invoice ? true : undefined}
              aria-describedby={errors.invoice ? "invoice-error" : undefined}
            >
              <option value="">{t.allInvoices}</option>
              {page.invoices.map((invoice) => (
                <option key={invoice.id} value={invoice.id}>
                  {invoice.number}
                </option>
              ))}
            </select>
            <FieldError field="invoice" message={errors.invoice} />
            <label htmlFor="note">{t.noteLabel}</label>
            <textarea
              id="note"
              name="note"
              rows={3}
              maxLength={500}
              defaultValue={values?.note ?? ""}
              aria-invalid={errors.note ? true : undefined}
              aria-describedby={errors.note ? "note-error" : undefined}
            />
            <FieldError field="note" message={errors.note} />
            <p>
              <button type="submit" className="button" disabled={busy}>
                {t.review}
              </button>
            </p>
          </Form>
        )}
      </section>
    </main>
  );
}
