import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadLetter } from "~/services/backoffice/letters-queue.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { getDb } from "~/db.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return downloadLetter(getDb(), request, params.letterId ?? "");
});
