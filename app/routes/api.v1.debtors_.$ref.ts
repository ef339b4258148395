import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDebtor } from "~/services/api.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => getDebtor(request, params.ref ?? "");
