import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportDossier } from "~/services/backoffice/dossier.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return exportDossier(getDb(), request, params.debtorId ?? "");
});
