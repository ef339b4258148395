import type { ActionFunctionArgs } from "@remix-run/node";
import { landingHeaders } from "~/services/portal/link-landing.server";
import { resourceRoute } from "~/services/http/unavailable.server";
import { action as exchange } from "./l.$token";

/**
 * Where the landing page's "Continuer" posts. A resource route on purpose: the landing sends no
 * referrer (M8), so Chromium posts with `Origin: null`, which Remix's own check refuses (with a 500)
 * on page routes but does not apply here. Our check (`requireLandingOrigin`) then accepts null only
 * with `Sec-Fetch-Site: same-origin` and the page's form token. A refusal goes back to the landing,
 * which shows the same page as before (the uniform 410, or "try again at").
 */
export const action = resourceRoute(async function action(args: ActionFunctionArgs) {
  const token = args.params.token ?? "";
  const answer = (await exchange(args).catch((thrown: unknown) => {
    // The 303 to the portal, or a 403: sent as they are, never with a referrer (resource routes skip entry.server).
    if (thrown instanceof Response) for (const [name, value] of Object.entries(landingHeaders)) thrown.headers.set(name, value);
    throw thrown;
  })) as { data: { retryAt?: string } | null };
  const back = answer.data?.retryAt ? `/l/${token}?retry-at=${encodeURIComponent(answer.data.retryAt)}` : `/l/${token}`;
  return new Response(null, { status: 303, headers: { Location: back, ...landingHeaders } });
});
