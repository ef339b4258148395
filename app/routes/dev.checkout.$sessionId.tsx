import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { loadDevCheckout, payDevCheckout } from "~/services/dev/dev-checkout.server";
import { sendNoticeNow } from "~/services/shared/notices.server";
import { requestDeps } from "~/deps.server";
import { NO_STORE_HEADERS, neverCached, pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const meta = pageTitle("Checkout (development)");

export const headers = neverCached;

/** Stands in for Stripe's hosted page when no Stripe key is set (404 otherwise). */
export async function loader({ params }: LoaderFunctionArgs) {
  return loadDevCheckout(getDb(), params.sessionId);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const { location, result } = await payDevCheckout(getDb(), request, params.sessionId, form.get("intent") === "pay" ? "pay" : "decline");
  for (const id of result?.noticeIds ?? []) await sendNoticeNow(requestDeps(getDb()), id);
  throw redirect(location, { status: 303, headers: NO_STORE_HEADERS });
}

export default function DevCheckout() {
  const checkout = useLoaderData<typeof loader>();
  return (
    <main className="page narrow" lang="en">
      <h1>Checkout (development)</h1>
      <p className="muted">No Stripe key is set: this page stands in for Stripe Checkout. No card, no money; "Pay" sends the same event Stripe would.</p>
      <div className="card">
        <ul>
          {checkout.lines.map((line) => (
            <li key={line.number}>
              Invoice {line.number}: {line.amountLabel}
            </li>
          ))}
        </ul>
        <p className="amount">Total {checkout.totalLabel}</p>
        {checkout.status === "open" ? (
          <Form method="post" className="action-list">
            <button type="submit" name="intent" value="pay" className="button">
              Pay {checkout.totalLabel}
            </button>
            <button type="submit" name="intent" value="decline" className="button secondary">
              Decline
            </button>
          </Form>
        ) : (
          <p>This checkout is {checkout.status}.</p>
        )}
      </div>
    </main>
  );
}
