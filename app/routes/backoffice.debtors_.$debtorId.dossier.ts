import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportDossier } from "~/services/backoffice/dossier.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return exportDossier(request, params.debtorId ?? "");
});
