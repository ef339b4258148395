/** The answer to a form posted from another site: the same words from the server's guard and from an action's (M21). */
export const CROSS_SITE_FORM_MESSAGE = "This form must be sent from Relance's own pages.";

/**
 * True when an unsafe request carries an Origin that is not the host it was sent to (forwarded host
 * first), as Remix judges it: Remix itself would abort such a page action with a bare 500. An opaque
 * origin ("null") is left to the action: a same-origin form under Referrer-Policy: no-referrer (the
 * link pages) is sent with it, and the action then reads Sec-Fetch-Site.
 */
export function isCrossSiteForm(method: string, headers: { origin?: string; host?: string; "x-forwarded-host"?: string | string[] }): boolean {
  if (!["POST", "PUT", "PATCH", "DELETE"].includes(method)) return false;
  const origin = headers.origin;
  if (!origin || origin === "null") return false;
  const forwarded = (Array.isArray(headers["x-forwarded-host"]) ? headers["x-forwarded-host"][0] : headers["x-forwarded-host"])?.split(",")[0]?.trim();
  const host = forwarded || headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return true;
  }
  return originHost !== host;
}
