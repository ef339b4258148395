import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { readStaffForm, signOutStaff } from "~/services/auth/staff-auth.server";
import { MAX_SMALL_FORM_BYTES, requireSameOrigin } from "~/services/http/http.server";

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  // A forged sign-out (M21) must not end anyone's session either.
  await readStaffForm(request, MAX_SMALL_FORM_BYTES);
  const cookie = await signOutStaff(getDb(), request);
  throw redirect("/backoffice/login", { status: 303, headers: { "Set-Cookie": cookie } });
}

export function loader() {
  throw redirect("/backoffice");
}
