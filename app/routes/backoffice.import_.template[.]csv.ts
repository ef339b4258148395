import type { LoaderFunctionArgs } from "@remix-run/node";
import { importTemplateCsv } from "~/services/backoffice/imports.server";
import { requireStaff } from "~/services/auth/staff-auth.server";
import { getDb } from "~/db.server";
import { now } from "~/clock.server";
import { resourceRoute } from "~/services/http/unavailable.server";

export const loader = resourceRoute(async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(getDb(), request, now());
  return importTemplateCsv();
});
