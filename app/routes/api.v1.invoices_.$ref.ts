import type { LoaderFunctionArgs } from "@remix-run/node";
import { getInvoice } from "~/services/api.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => getInvoice(request, params.ref ?? "");
