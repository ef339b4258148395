import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadDebtorFile } from "~/services/backoffice/staff-files.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return downloadDebtorFile(request, params.kind ?? "", params.id ?? "");
});
