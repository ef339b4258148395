import type { LoaderFunctionArgs } from "@remix-run/node";
import { getInvoice } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(({ request, params }: LoaderFunctionArgs) => getInvoice(request, params.ref ?? ""));
