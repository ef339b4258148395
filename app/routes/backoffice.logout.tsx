import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { signOutStaff } from "~/services/staff-auth.server";
import { requireSameOrigin } from "~/services/http.server";

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const cookie = await signOutStaff(getDb(), request);
  throw redirect("/backoffice/login", { status: 303, headers: { "Set-Cookie": cookie } });
}

export function loader() {
  throw redirect("/backoffice");
}
