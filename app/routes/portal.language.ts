import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { switchLanguage } from "~/services/portal/portal-language.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { NO_STORE_HEADERS } from "~/utils/head";
import { getDb } from "~/db.server";

/** POST only (M1): a GET of this address is a 405 by Remix, and changes nothing. */
export const action = resourceRoute(async function action({ request }: ActionFunctionArgs) {
  const returnTo = await switchLanguage(getDb(), request);
  return redirect(returnTo, { status: 303, headers: NO_STORE_HEADERS });
});
