import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadDebtorFile } from "~/services/backoffice/staff-files.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return downloadDebtorFile(getDb(), request, params.kind ?? "", params.id ?? "");
});
