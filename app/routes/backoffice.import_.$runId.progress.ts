import type { LoaderFunctionArgs } from "@remix-run/node";
import { importProgress } from "~/services/backoffice/imports.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return importProgress(getDb(), request, params.runId ?? "");
});
