import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadDebtorFile } from "~/services/staff-files.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return downloadDebtorFile(request, params.kind ?? "", params.id ?? "");
}
