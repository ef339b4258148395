import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadLetter } from "~/services/letters-queue.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return downloadLetter(request, params.letterId ?? "");
}
