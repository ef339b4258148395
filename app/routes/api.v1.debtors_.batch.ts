import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertDebtors } from "~/services/api.server";

export const action = ({ request }: ActionFunctionArgs) => upsertDebtors(request);
