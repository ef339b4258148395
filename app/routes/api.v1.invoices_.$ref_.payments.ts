import type { ActionFunctionArgs } from "@remix-run/node";
import { recordPayment } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const action = resourceRoute(({ request, params }: ActionFunctionArgs) => recordPayment(request, params.ref ?? ""));
