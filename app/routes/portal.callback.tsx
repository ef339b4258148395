import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Echo, describedBy, useFocusFirstError } from "~/components/agreement-parts";
import { FieldError } from "~/components/field-error";
import { callbackMessages } from "~/i18n/portal-callback";
import { callbackAction, loadCallbackPage } from "~/services/portal/callback.server";
import { neverCached } from "~/utils/head";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: callbackMessages(data?.locale ?? "fr").title }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadCallbackPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  return callbackAction(requestDeps(getDb()), request);
}

export default function CallbackPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const t = callbackMessages(page.locale);
  useFocusFirstError(result);

  if (result?.step === "review") {
    return (
      <main className="page narrow" lang={page.locale}>
        <h1>{t.confirmTitle}</h1>
        <ul className="card" data-testid="what-next">
          {result.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        {result.note ? (
          <p>
            {t.yourNote} <q>{result.note}</q>
          </p>
        ) : null}
        <p className="muted">{t.noticeNext}</p>
        <Form method="post">
          <input type="hidden" name="csrf" value={page.csrf} />
          <Echo fields={result.echo} />
          <div className="button-row">
            <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
              {t.confirm}
            </button>
            <button type="submit" name="intent" value="edit" className="button secondary" disabled={busy}>
              {t.change}
            </button>
          </div>
        </Form>
      </main>
    );
  }

  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const values = result?.values;
  return (
    <main className="page narrow" lang={page.locale}>
      <p>
        <Link to="/portal">{t.back}</Link>
      </p>
      <h1>{t.title}</h1>
      {page.done ? (
        <p className="notice" role="status">
          {page.done.text} {page.done.replaced ? t.doneReplaced : null}
        </p>
      ) : page.open ? (
        <p className="card" data-testid="open-request">
          {t.open(page.open)}
        </p>
      ) : null}
      {page.days.length === 0 ? <p>{t.noSlots}</p> : <CallbackForm page={page} errors={errors} values={values} busy={busy} />}
    </main>
  );
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>;
type Values = { slot: string; phoneChoice: string; otherPhone: string; note: string } | undefined;

function CallbackForm({ page, errors, values, busy }: { page: Page; errors: Record<string, string | undefined>; values: Values; busy: boolean }) {
  const t = callbackMessages(page.locale);
  const [phoneChoice, setPhoneChoice] = useState(values?.phoneChoice || (page.phoneOnFile ? "file" : "other"));
  const chosen = values?.slot ? Date.parse(values.slot) : Number.NaN;
  return (
    <Form method="post" noValidate>
      <input type="hidden" name="csrf" value={page.csrf} />
      <p>{t.intro}</p>
      <fieldset
        data-focus-on-error={errors.slot ? true : undefined}
        tabIndex={errors.slot ? -1 : undefined}
        aria-describedby={describedBy("slot-hint", errors.slot && "slot-error")}
      >
        <legend>{t.slotsLegend}</legend>
        <p id="slot-hint" className="muted">
          {page.zoneHint}
        </p>
        <FieldError field="slot" message={errors.slot} announce={false} />
        {page.days.map((day) => (
          <fieldset key={day.date} className="slot-day">
            <legend>{day.label}</legend>
            <div className="slot-grid">
              {day.slots.map((slot) => (
                <div className="choice" key={slot.value}>
                  <input type="radio" id={`slot-${slot.value}`} name="slot" value={slot.value} defaultChecked={Date.parse(slot.value) === chosen} />
                  <label htmlFor={`slot-${slot.value}`}>{slot.label}</label>
                </div>
              ))}
            </div>
          </fieldset>
        ))}
      </fieldset>

      <fieldset>
        <legend>{t.phoneLegend}</legend>
        {page.phoneOnFile ? (
          <>
            <div className="choice">
              <input type="radio" id="phone-file" name="phone" value="file" checked={phoneChoice === "file"} onChange={() => setPhoneChoice("file")} />
              <label htmlFor="phone-file">{t.phoneOnFile(page.phoneOnFile)}</label>
            </div>
            <div className="choice">
              <input type="radio" id="phone-other" name="phone" value="other" checked={phoneChoice === "other"} onChange={() => setPhoneChoice("other")} />
              <label htmlFor="phone-other">{t.phoneOther}</label>
            </div>
          </>
        ) : (
          <input type="hidden" name="phone" value="other" />
        )}
        <label htmlFor="otherPhone">{t.otherLabel}</label>
        <p id="otherPhone-hint" className="muted">
          {t.otherHint}
        </p>
        <input
          id="otherPhone"
          name="otherPhone"
          type="tel"
          autoComplete="tel"
          defaultValue={values?.otherPhone}
          onInput={() => setPhoneChoice("other")}
          aria-invalid={errors.phone ? true : undefined}
          aria-describedby={describedBy("otherPhone-hint", errors.phone && "phone-error")}
        />
        <FieldError field="phone" message={errors.phone} announce={false} />
      </fieldset>

      <label htmlFor="note">{t.noteLabel}</label>
      <textarea
        id="note"
        name="note"
        rows={3}
        defaultValue={values?.note}
        aria-invalid={errors.note ? true : undefined}
        aria-describedby={describedBy(errors.note && "note-error")}
      />
      <FieldError field="note" message={errors.note} announce={false} />
      <p>
        <button type="submit" name="intent" value="review" className="button" disabled={busy}>
          {t.review}
        </button>
      </p>
    </Form>
  );
}
