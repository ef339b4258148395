import type { LoaderFunctionArgs } from "@remix-run/node";
import { invoicePdfDownload } from "~/services/portal-documents.server";

/** Resource route: the invoice copy as a download, after step-up (M20). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return invoicePdfDownload(request, params.invoiceId ?? "");
}
