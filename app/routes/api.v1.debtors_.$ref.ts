import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDebtor } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(({ request, params }: LoaderFunctionArgs) => getDebtor(request, params.ref ?? ""));
