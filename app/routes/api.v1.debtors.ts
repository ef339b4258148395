import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertDebtor } from "~/services/api.server";
import { resourceRoute } from "~/services/unavailable.server";

export const action = resourceRoute(({ request }: ActionFunctionArgs) => upsertDebtor(request));
