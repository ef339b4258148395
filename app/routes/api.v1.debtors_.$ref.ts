import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDebtor } from "~/services/api/api.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(({ request, params }: LoaderFunctionArgs) => getDebtor(getDb(), request, params.ref ?? ""));
