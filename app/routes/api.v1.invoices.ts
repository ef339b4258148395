import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertInvoice } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const action = resourceRoute(({ request }: ActionFunctionArgs) => upsertInvoice(getDb(), request));
