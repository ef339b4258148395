import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { describedBy, useFocusFirstError } from "~/components/agreement-parts";
import { FieldError } from "~/components/field-error";
import { objectionMessages } from "~/i18n/portal-objections";
import { alreadyPaidAction, loadAlreadyPaidPage } from "~/services/portal/objections.server";
import { CLAIM_METHODS, REFERENCE_MAX_CHARS } from "~/domain/objections";
import { ObjectionReview } from "~/components/objection-review";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? objectionMessages(data.locale).paid.title : "Relance" }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadAlreadyPaidPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  return alreadyPaidAction(requestDeps(getDb()), request);
}

export default function AlreadyPaidPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = objectionMessages(page.locale);
  useFocusFirstError(result);
  const reviewing = result?.step === "review" ? result.review : null;
  const errors: Record<string, string> = result?.step === "edit" ? result.errors : {};
  const values = result?.values;
  const selectable = page.invoices.filter((i) => !i.claimed);
  const field = (name: string, hint?: string) => ({
    id: name,
    name,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": describedBy(hint, errors[name] && `${name}-error`),
  });
  return (
    <main className="page narrow" lang={page.locale}>
      {reviewing ? null : (
        <p>
          <Link to="/portal">{t.back}</Link>
        </p>
      )}
      {/* On review the keyboard lands on the heading (the fields it came from are hidden). */}
      <h1 tabIndex={reviewing ? -1 : undefined} data-focus-on-error={reviewing ? true : undefined}>
        {reviewing ? t.paid.reviewTitle : t.paid.title}
      </h1>
      {reviewing ? null : (
        <>
          <p>{t.paid.intro}</p>
          {page.invoices
            .filter((i) => i.claimed)
            .map((i) => (
              <p key={i.id} className="muted">
                {t.paid.alreadyClaimed(i.number)}
              </p>
            ))}
        </>
      )}
      {selectable.length > 0 ? (
        <Form method="post" encType="multipart/form-data" noValidate>
          <input type="hidden" name="csrf" value={page.csrf} />
          <div hidden={reviewing !== null}>
            <fieldset
              data-focus-on-error={errors.invoice ? true : undefined}
              tabIndex={errors.invoice ? -1 : undefined}
              aria-describedby={describedBy(errors.invoice && "invoice-error")}
            >
              <legend>{t.paid.invoice}</legend>
              {selectable.map((invoice) => (
                <div className="check" key={invoice.id}>
                  <input type="radio" id={`invoice-${invoice.id}`} name="invoice" value={invoice.id} defaultChecked={values?.invoiceId === invoice.id || selectable.length === 1} />
                  <label htmlFor={`invoice-${invoice.id}`}>
                    {t.invoice} {invoice.number} — <span className="amount">{invoice.amountLabel}</span>
                  </label>
                </div>
              ))}
              <FieldError field="invoice" message={errors.invoice} announce={false} />
            </fieldset>
            <label htmlFor="paidOn">{t.paid.paidOn}</label>
            <input type="date" max={page.today} defaultValue={values?.paidOn} {...field("paidOn")} />
            <FieldError field="paidOn" message={errors.paidOn} announce={false} />
            <label htmlFor="amount">{t.paid.amount}</label>
            <input type="text" inputMode="decimal" autoComplete="off" defaultValue={values?.amount} {...field("amount")} />
            <FieldError field="amount" message={errors.amount} announce={false} />
            <label htmlFor="method">{t.paid.method}</label>
            <select defaultValue={values?.method ?? ""} {...field("method")}>
              <option value="" disabled>
                —
              </option>
              {CLAIM_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t.paid.methods[m]}
                </option>
              ))}
            </select>
            <FieldError field="method" message={errors.method} announce={false} />
            <label htmlFor="reference">{t.paid.reference}</label>
            <p id="reference-hint" className="muted">
              {t.paid.referenceHint}
            </p>
            <input type="text" maxLength={REFERENCE_MAX_CHARS} defaultValue={values?.reference} {...field("reference", "reference-hint")} />
            <FieldError field="reference" message={errors.reference} announce={false} />
            <label htmlFor="proof">{t.paid.proof}</label>
            <p id="proof-hint" className="muted">
              {t.paid.proofHint}
            </p>
            <input type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" {...field("proof", "proof-hint")} />
            <FieldError field="proof" message={errors.proof} announce={false} />
            <button type="submit" name="intent" value="review" className="button" disabled={busy}>
              {t.paid.submit}
            </button>
          </div>
          {reviewing ? <ObjectionReview review={reviewing} invoiceLabel={t.invoice} words={{ ...t, none: t.files.none }} confirmLabel={t.paid.confirm} busy={busy} /> : null}
        </Form>
      ) : null}
    </main>
  );
}
