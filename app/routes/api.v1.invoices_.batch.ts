import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertInvoices } from "~/services/api.server";
import { resourceRoute } from "~/services/unavailable.server";

export const action = resourceRoute(({ request }: ActionFunctionArgs) => upsertInvoices(request));
