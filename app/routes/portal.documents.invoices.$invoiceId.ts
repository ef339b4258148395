import type { LoaderFunctionArgs } from "@remix-run/node";
import { invoicePdfDownload } from "~/services/portal/portal-documents.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

/** Resource route: the invoice copy as a download, after step-up (M20). */
export const loader = resourceRoute(async function loader({ request, params }: LoaderFunctionArgs) {
  return invoicePdfDownload(getDb(), request, params.invoiceId ?? "");
});
