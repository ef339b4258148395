import type { ActionFunctionArgs } from "@remix-run/node";
import { recordPayment } from "~/services/api.server";

export const action = ({ request, params }: ActionFunctionArgs) => recordPayment(request, params.ref ?? "");
