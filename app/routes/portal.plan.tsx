import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Echo, PlanSchedule, describedBy, useFocusFirstError } from "~/components/agreement-parts";
import { FieldError, FormError } from "~/components/field-error";
import { agreementMessages } from "~/i18n/portal-agreements";
import { loadPlanPage, planAction } from "~/services/portal/agreements.server";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? agreementMessages(data.locale).plan.title : "Relance" }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadPlanPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  return planAction(requestDeps(getDb()), request);
}

export default function PlanPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = agreementMessages(page.locale);
  useFocusFirstError(result);

  const back = (
    <p>
      <Link to="/portal">{t.back}</Link>
    </p>
  );
  if (page.mode === "existing") {
    return (
      <main className="page narrow" lang={page.locale}>
        {back}
        <h1>{t.plan.inForceTitle}</h1>
        <PlanSchedule plan={page.plan} t={t} />
        <p>{page.plan.status === "accepted" ? t.plan.nextAccepted : t.plan.nextReview}</p>
      </main>
    );
  }
  if (page.mode === "unavailable") {
    return (
      <main className="page narrow" lang={page.locale}>
        {back}
        <h1>{t.plan.title}</h1>
        <p>{t.plan.unavailable}</p>
      </main>
    );
  }

  if (result?.step === "review") {
    return (
      <main className="page narrow" lang={page.locale}>
        <h1>{t.plan.confirmTitle}</h1>
        <FormError message={result.changed ? t.plan.changed : null} />
        <p>
          {t.plan.covers} {result.numbers.join(", ")}
        </p>
        <div className="table-scroll" role="region" aria-label={t.plan.schedule} tabIndex={0}>
          <table data-testid="schedule">
            <caption>{t.plan.schedule}</caption>
            <thead>
              <tr>
                <th scope="col">{t.plan.position}</th>
                <th scope="col">{t.plan.date}</th>
                <th scope="col" className="num">
                  {t.plan.amount}
                </th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.position}>
                  <td>{r.position}</td>
                  <td>{r.dateLabel}</td>
                  <td className="num">{r.amountLabel}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  {t.plan.total}
                </th>
                <td className="num">{result.totalLabel}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        <p className="notice" data-testid="decision">
          {result.decisionText}
        </p>
        <h2>{t.plan.nextTitle}</h2>
        <ul data-testid="what-next">
          {result.nextLines.map((line) => (
            <li key={line}>{line}</li>
          ))}
          <li>{t.plan.nextNotice}</li>
        </ul>
        <Form method="post" noValidate>
          <input type="hidden" name="csrf" value={page.csrf} />
          <input type="hidden" name="ack" value={result.ackText} />
          <Echo fields={result.echo} />
          <div className="check acknowledge">
            <input
              type="checkbox"
              id="acknowledge"
              name="acknowledge"
              value="yes"
              required
              aria-invalid={result.ackError ? true : undefined}
              aria-describedby={describedBy(result.ackError && "acknowledge-error")}
            />
            <label htmlFor="acknowledge">
              {t.plan.ackLabel} <span data-testid="acknowledgment">{result.ackText}</span>
            </label>
          </div>
          <FieldError field="acknowledge" message={result.ackError ?? undefined} announce={false} />
          <div className="button-row">
            <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
              {t.plan.confirm}
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
  const monthly = values?.mode !== "custom" ? values : undefined;
  const custom = values?.mode === "custom" ? values : undefined;
  const rows = custom?.rows ?? Array.from({ length: page.defaults.rows }, () => ({ date: "", amount: "" }));
  return (
    <main className="page narrow" lang={page.locale}>
      {back}
      <h1>{t.plan.title}</h1>
      <p>{t.plan.intro(page.totalLabel, page.maxPlanMonths, page.minLabel)}</p>
      <p className="muted">
        {t.plan.covers} {page.numbers.join(", ")}
      </p>

      <Form method="post" noValidate className="card" aria-labelledby="monthly-title">
        <h2 id="monthly-title">{t.plan.monthlyTitle}</h2>
        <input type="hidden" name="csrf" value={page.csrf} />
        <input type="hidden" name="mode" value="monthly" />
        <label htmlFor="count">{t.plan.count}</label>
        <input
          id="count"
          name="count"
          type="number"
          inputMode="numeric"
          min={2}
          max={page.maxInstallments}
          defaultValue={monthly?.count ?? page.defaults.count}
          aria-invalid={errors.count ? true : undefined}
          aria-describedby={describedBy(errors.count && "count-error")}
        />
        <FieldError field="count" message={errors.count} announce={false} />
        <label htmlFor="start">{t.plan.start}</label>
        <p id="start-hint" className="muted">
          {t.plan.startHint(page.startLimitLabel)}
        </p>
        <input
          id="start"
          name="start"
          type="date"
          min={page.minDate}
          max={page.startLimit}
          defaultValue={monthly?.start}
          aria-invalid={errors.start ? true : undefined}
          aria-describedby={describedBy("start-hint", errors.start && "start-error")}
        />
        <FieldError field="start" message={errors.start} announce={false} />
        <p className="muted">{t.plan.remainderNote}</p>
        <p>
          <button type="submit" name="intent" value="review" className="button" disabled={busy}>
            {t.plan.review}
          </button>
        </p>
      </Form>

      <Form method="post" noValidate className="card" aria-labelledby="custom-title">
        <h2 id="custom-title">{t.plan.customTitle}</h2>
        <p id="custom-hint" className="muted">
          {t.plan.customHint(page.totalLabel)}
        </p>
        <input type="hidden" name="csrf" value={page.csrf} />
        <input type="hidden" name="mode" value="custom" />
        <input type="hidden" name="rows" value={rows.length} />
        {rows.map((row, i) => {
          const n = i + 1;
          const dateError = errors[`row-${n}-date`];
          const amountError = errors[`row-${n}-amount`];
          return (
            <fieldset key={n} className="installment-row">
              <legend>{t.plan.rowLegend(n)}</legend>
              <div>
                <label htmlFor={`row-${n}-date`}>{t.plan.rowDate}</label>
                <input
                  id={`row-${n}-date`}
                  name={`row-${n}-date`}
                  type="date"
                  min={page.minDate}
                  max={page.planLimit}
                  defaultValue={row.date}
                  aria-invalid={dateError ? true : undefined}
                  aria-describedby={describedBy(dateError && `row-${n}-date-error`)}
                />
                <FieldError field={`row-${n}-date`} message={dateError} announce={false} />
              </div>
              <div>
                <label htmlFor={`row-${n}-amount`}>{t.plan.rowAmount}</label>
                <input
                  id={`row-${n}-amount`}
                  name={`row-${n}-amount`}
                  type="text"
                  inputMode="decimal"
                  autoComplete="off"
                  defaultValue={row.amount}
                  aria-invalid={amountError ? true : undefined}
                  aria-describedby={describedBy(amountError && `row-${n}-amount-error`)}
                />
                <FieldError field={`row-${n}-amount`} message={amountError} announce={false} />
              </div>
            </fieldset>
          );
        })}
        <div
          id="rows-status"
          tabIndex={errors.rows ? -1 : undefined}
          data-focus-on-error={errors.rows && !Object.keys(errors).some((k) => k.startsWith("row-")) ? true : undefined}
        >
          <FieldError field="rows" message={errors.rows} announce={false} />
        </div>
        <div className="button-row">
          <button type="submit" name="intent" value="add-row" className="button secondary" disabled={busy || rows.length >= page.maxInstallments}>
            {t.plan.addRow}
          </button>
          <button type="submit" name="intent" value="remove-row" className="button secondary" disabled={busy || rows.length <= 2}>
            {t.plan.removeRow}
          </button>
        </div>
        <p>
          <button type="submit" name="intent" value="review" className="button" disabled={busy}>
            {t.plan.review}
          </button>
        </p>
      </Form>
    </main>
  );
}
