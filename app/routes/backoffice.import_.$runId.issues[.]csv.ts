import type { LoaderFunctionArgs } from "@remix-run/node";
import { importIssuesCsv } from "~/services/backoffice/imports.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return importIssuesCsv(request, params.runId ?? "");
});
