import type { LoaderFunctionArgs } from "@remix-run/node";
import { importProgress } from "~/services/imports.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return importProgress(request, params.runId ?? "");
}
