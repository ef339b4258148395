import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertInvoice } from "~/services/api.server";

export const action = ({ request }: ActionFunctionArgs) => upsertInvoice(request);
