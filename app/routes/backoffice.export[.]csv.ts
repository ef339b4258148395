import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportOpenInvoices } from "~/services/exports.server";
import { resourceRoute } from "~/services/unavailable.server";

export const loader = resourceRoute(function loader({ request }: LoaderFunctionArgs) {
  return exportOpenInvoices(request);
});
