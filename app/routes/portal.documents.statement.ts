import type { LoaderFunctionArgs } from "@remix-run/node";
import { statementPdfDownload } from "~/services/portal/portal-documents.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

/** Resource route: the account statement as a download, after step-up (M20). */
export const loader = resourceRoute(async function loader({ request }: LoaderFunctionArgs) {
  return statementPdfDownload(getDb(), request);
});
