import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportOpenInvoices } from "~/services/backoffice/exports.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(function loader({ request }: LoaderFunctionArgs) {
  return exportOpenInvoices(request);
});
