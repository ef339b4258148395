import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportDossier } from "~/services/dossier.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return exportDossier(request, params.debtorId ?? "");
}
