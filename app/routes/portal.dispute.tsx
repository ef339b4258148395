import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { describedBy, useFocusFirstError } from "~/components/agreement-parts";
import { FieldError } from "~/components/field-error";
import { objectionMessages } from "~/i18n/portal-objections";
import { disputeAction, loadDisputePage } from "~/services/portal/objections.server";
import { DISPUTE_REASONS, MESSAGE_MAX_CHARS } from "~/domain/objections";
import { ObjectionReview } from "~/components/objection-review";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? objectionMessages(data.locale).dispute.title : "Relance" }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadDisputePage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  return disputeAction(requestDeps(getDb()), request);
}

export default function DisputePage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = objectionMessages(page.locale);
  useFocusFirstError(result);
  const reviewing = result?.step === "review" ? result.review : null;
  const errors: Record<string, string> = result?.step === "edit" ? result.errors : {};
  const values = result?.values;
  const selectable = page.invoices.filter((i) => !i.disputed);
  return (
    <main className="page narrow" lang={page.locale}>
      {reviewing ? null : (
        <p>
          <Link to="/portal">{t.back}</Link>
        </p>
      )}
      {/* On review the keyboard lands on the heading (the fields it came from are hidden). */}
      <h1 tabIndex={reviewing ? -1 : undefined} data-focus-on-error={reviewing ? true : undefined}>
        {reviewing ? t.dispute.reviewTitle : t.dispute.title}
      </h1>
      {reviewing ? null : (
        <>
          <p>{t.dispute.intro}</p>
          {page.invoices
            .filter((i) => i.disputed)
            .map((i) => (
              <p key={i.id} className="muted">
                {t.dispute.alreadyDisputed(i.number)}
              </p>
            ))}
        </>
      )}
      {selectable.length > 0 ? (
        <Form method="post" encType="multipart/form-data" noValidate>
          <input type="hidden" name="csrf" value={page.csrf} />
          <div hidden={reviewing !== null}>
            <fieldset
              data-focus-on-error={errors.invoices ? true : undefined}
              tabIndex={errors.invoices ? -1 : undefined}
              aria-describedby={describedBy(errors.invoices && "invoices-error")}
            >
              <legend>{t.dispute.invoices}</legend>
              {selectable.map((invoice) => (
                <div className="check" key={invoice.id}>
                  <input type="checkbox" id={`invoice-${invoice.id}`} name="invoice" value={invoice.id} defaultChecked={values?.invoiceIds.includes(invoice.id)} />
                  <label htmlFor={`invoice-${invoice.id}`}>
                    {t.invoice} {invoice.number} — <span className="amount">{invoice.amountLabel}</span>
                  </label>
                </div>
              ))}
              <FieldError field="invoices" message={errors.invoices} announce={false} />
            </fieldset>
            <fieldset
              data-focus-on-error={errors.reason ? true : undefined}
              tabIndex={errors.reason ? -1 : undefined}
              aria-describedby={describedBy(errors.reason && "reason-error")}
            >
              <legend>{t.dispute.reason}</legend>
              {DISPUTE_REASONS.map((reason) => (
                <div className="check" key={reason}>
                  <input type="radio" id={`reason-${reason}`} name="reason" value={reason} defaultChecked={values?.reason === reason} />
                  <label htmlFor={`reason-${reason}`}>{t.dispute.reasons[reason]}</label>
                </div>
              ))}
              <FieldError field="reason" message={errors.reason} announce={false} />
            </fieldset>
            <label htmlFor="message">{t.dispute.message}</label>
            <p id="message-hint" className="muted">
              {t.dispute.messageHint}
            </p>
            <textarea
              id="message"
              name="message"
              rows={5}
              maxLength={MESSAGE_MAX_CHARS}
              defaultValue={values?.message}
              aria-invalid={errors.message ? true : undefined}
              aria-describedby={describedBy("message-hint", errors.message && "message-error")}
            />
            <FieldError field="message" message={errors.message} announce={false} />
            <label htmlFor="files">{t.files.label}</label>
            <p id="files-hint" className="muted">
              {t.files.hint}
            </p>
            <input
              id="files"
              name="files"
              type="file"
              multiple
              accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
              aria-invalid={errors.files ? true : undefined}
              aria-describedby={describedBy("files-hint", errors.files && "files-error")}
            />
            <FieldError field="files" message={errors.files} announce={false} />
            <button type="submit" name="intent" value="review" className="button" disabled={busy}>
              {t.dispute.submit}
            </button>
          </div>
          {reviewing ? <ObjectionReview review={reviewing} invoiceLabel={t.invoice} words={{ ...t, none: t.files.none }} confirmLabel={t.dispute.confirm} busy={busy} /> : null}
        </Form>
      ) : null}
    </main>
  );
}
