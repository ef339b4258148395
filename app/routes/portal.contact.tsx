import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadContactPage, updateContact } from "~/services/portal/portal-contact.server";
import { secureMessages } from "~/i18n/portal-secure";
import { messages } from "~/i18n/messages";
import { NO_STORE_HEADERS, neverCached } from "~/utils/head";
import { FieldError, errorId, invalidProps } from "~/components/field-error";
import { describedBy } from "~/components/agreement-parts";
import { hasErrors } from "~/utils/form-flow";
import { getDb } from "~/db.server";
import { requestDeps } from "~/deps.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? secureMessages(data.locale).contact.title : "Relance" }];
export const headers = neverCached;

export async function loader({ request }: LoaderFunctionArgs) {
  return loadContactPage(getDb(), request);
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await updateContact(requestDeps(getDb()), request);
  return data(result, { status: hasErrors(result) ? 400 : 200, headers: NO_STORE_HEADERS });
}

const CHANNELS = ["email", "sms", "letter", "phone"] as const;

export default function Contact() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = secureMessages(page.locale).contact;
  const back = messages(page.locale).portal.back;
  const values = result?.step === "edit" ? result.values : undefined;
  const errors = result?.step === "edit" ? result.errors : {};
  const described = (field: keyof typeof errors) => (errors[field] ? errorId(field) : undefined);
  const error = (field: keyof typeof errors) => <FieldError field={field} message={errors[field]} />;

  return (
    <main className="page narrow" lang={page.locale}>
      <p>
        <Link to="/portal">← {back}</Link>
      </p>
      <h1>{t.title}</h1>
      {page.primary ? (
        <section className="card" aria-labelledby="current-title">
          <h2 id="current-title">{t.current}</h2>
          <p>
            {page.primary.name ?? t.none}
            <br />
            {page.primary.email ?? t.none}
            <br />
            {page.primary.phone ?? t.none}
          </p>
        </section>
      ) : null}

      {result?.step === "done" && result.changes.length > 0 ? (
        <div className="notice" role="status">
          <p>{t.done}</p>
          <ul>
            {result.changes.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result?.step === "done" && result.changes.length === 0 ? (
        <p className="notice" role="status">
          {t.nothing}
        </p>
      ) : null}

      {result?.step === "review" ? (
        <Form method="post" className="card">
          <input type="hidden" name="csrf" value={page.csrf} />
          {Object.entries(result.values).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <h2>{t.reviewTitle}</h2>
          <ul>
            {result.changes.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
          <p className="button-row">
            <button type="submit" name="intent" value="confirm" className="button" disabled={busy}>
              {t.confirm}
            </button>
            <button type="submit" name="intent" value="edit" className="button secondary" disabled={busy}>
              {t.change}
            </button>
          </p>
        </Form>
      ) : (
        <Form method="post" noValidate>
          <input type="hidden" name="csrf" value={page.csrf} />
          <input type="hidden" name="intent" value="review" />
          <fieldset aria-describedby={described("channel")}>
            <legend>{t.channelLegend}</legend>
            {CHANNELS.map((channel) => (
              <div key={channel} className="choice">
                <input
                  type="radio"
                  id={`channel-${channel}`}
                  name="preferredChannel"
                  value={channel}
                  defaultChecked={(values?.preferredChannel ?? page.preferredChannel) === channel}
                />
                <label htmlFor={`channel-${channel}`}>{t.channels[channel]}</label>
              </div>
            ))}
            {error("channel")}
          </fieldset>
          <fieldset aria-describedby={describedBy("contact-hint", described("reach"))}>
            <legend>{t.contactLegend}</legend>
            <p id="contact-hint" className="muted">
              {t.contactHint}
            </p>
            <label htmlFor="contactName">{t.name}</label>
            <input
              id="contactName"
              name="contactName"
              type="text"
              autoComplete="name"
              maxLength={100}
              defaultValue={values?.contactName}
              {...invalidProps("name", errors.name)}
            />
            {error("name")}
            <label htmlFor="contactEmail">{t.email}</label>
            <input
              id="contactEmail"
              name="contactEmail"
              type="email"
              autoComplete="email"
              defaultValue={values?.contactEmail}
              {...invalidProps("email", errors.email)}
            />
            {error("email")}
            <label htmlFor="contactPhone">{t.phone}</label>
            <input
              id="contactPhone"
              name="contactPhone"
              type="tel"
              autoComplete="tel"
              defaultValue={values?.contactPhone}
              {...invalidProps("phone", errors.phone)}
            />
            {error("phone")}
            {error("reach")}
          </fieldset>
          <label htmlFor="purchaseOrderRef">{t.poLabel}</label>
          <input
            id="purchaseOrderRef"
            name="purchaseOrderRef"
            type="text"
            maxLength={60}
            defaultValue={values?.purchaseOrderRef ?? page.purchaseOrderRef}
            aria-invalid={errors.po ? true : undefined}
            aria-describedby={describedBy("po-hint", described("po"))}
          />
          <p id="po-hint" className="muted">
            {t.poHint}
          </p>
          {error("po")}
          <p>
            <button type="submit" className="button" disabled={busy}>
              {t.review}
            </button>
          </p>
        </Form>
      )}
    </main>
  );
}
