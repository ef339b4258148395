import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertInvoices } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const action = resourceRoute(({ request }: ActionFunctionArgs) => upsertInvoices(getDb(), request));
