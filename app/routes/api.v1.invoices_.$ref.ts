import type { LoaderFunctionArgs } from "@remix-run/node";
import { getInvoice } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(({ request, params }: LoaderFunctionArgs) => getInvoice(getDb(), request, params.ref ?? ""));
