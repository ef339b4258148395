import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertInvoices } from "~/services/api.server";

export const action = ({ request }: ActionFunctionArgs) => upsertInvoices(request);
