import type { LoaderFunctionArgs } from "@remix-run/node";
import { receiptPdfDownload } from "~/services/portal/portal-documents.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

/** Resource route: one payment's receipt as a download, for the session's debtor only. */
export const loader = resourceRoute(async function loader({ request, params }: LoaderFunctionArgs) {
  return receiptPdfDownload(getDb(), request, params.paymentId ?? "");
});
