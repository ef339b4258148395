import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertDebtors } from "~/services/api.server";
import { resourceRoute } from "~/services/unavailable.server";

export const action = resourceRoute(({ request }: ActionFunctionArgs) => upsertDebtors(request));
