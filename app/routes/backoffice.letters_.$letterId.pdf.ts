import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadLetter } from "~/services/letters-queue.server";
import { resourceRoute } from "~/services/unavailable.server";

export const loader = resourceRoute(function loader({ request, params }: LoaderFunctionArgs) {
  return downloadLetter(request, params.letterId ?? "");
});
