import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportOpenInvoices } from "~/services/exports.server";

export function loader({ request }: LoaderFunctionArgs) {
  return exportOpenInvoices(request);
}
