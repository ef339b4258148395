import { isLinkPath } from "./redact";

/**
 * Headers every page carries (M23); routes may tighten Referrer-Policy and caching. Also set by the
 * server on the answers it gives before Remix (scripts/http-server.ts).
 */
export function setSecurityHeaders(headers: Headers, request: Pick<Request, "url">) {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set(
    "Content-Security-Policy",
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
  );
  // A link page still has its token in the address: whatever the route or the error, no Referer (M8).
  if (isLinkPath(new URL(request.url).pathname)) headers.set("Referrer-Policy", "no-referrer");
  else if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  if (new URL(request.url).protocol === "https:") {
    headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
}

