import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportOpenInvoices } from "~/services/backoffice/exports.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(function loader({ request }: LoaderFunctionArgs) {
  return exportOpenInvoices(getDb(), request);
});
