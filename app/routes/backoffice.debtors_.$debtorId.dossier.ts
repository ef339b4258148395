import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportDossier } from "~/services/dossier.server";
import { resourceRoute } from "~/services/unavailable.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return exportDossier(request, params.debtorId ?? "");
});
