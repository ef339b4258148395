import type { LoaderFunctionArgs } from "@remix-run/node";
import { importIssuesCsv } from "~/services/imports.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return importIssuesCsv(request, params.runId ?? "");
}
