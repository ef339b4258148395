import type { ActionFunctionArgs } from "@remix-run/node";
import { upsertDebtor } from "~/services/api.server";

export const action = ({ request }: ActionFunctionArgs) => upsertDebtor(request);
