import type { LoaderFunctionArgs } from "@remix-run/node";
import { importIssuesCsv } from "~/services/imports.server";
import { resourceRoute } from "~/services/unavailable.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return importIssuesCsv(request, params.runId ?? "");
});
