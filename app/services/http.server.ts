import { getEnv } from "../env.server";

/**
 * CSRF defence for every action (M21): the browser must say the form came from our own origin.
 * SameSite cookies are only a second line.
 */
export function requireSameOrigin(request: Request) {
  const origin = request.headers.get("Origin");
  const fetchSite = request.headers.get("Sec-Fetch-Site");
  const ours = new URL(getEnv().PUBLIC_BASE_URL).origin;
  const requestOrigin = new URL(request.url).origin;
  const allowed = origin ? origin === ours || origin === requestOrigin : fetchSite === "same-origin";
  if (!allowed) {
    throw new Response("This form must be sent from Relance's own pages.", { status: 403 });
  }
}

/**
 * For pages reached with a token or a session (M8, M9). `same-origin` rather than `no-referrer`:
 * nothing is ever sent to another origin, yet our own forms keep a real Origin header, which the
 * CSRF checks (ours and Remix's) need; under `no-referrer` browsers send `Origin: null`.
 */
export const noStoreHeaders = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "same-origin",
};
