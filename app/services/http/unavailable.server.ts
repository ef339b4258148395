import { redactLinkTokens } from "../../utils/redact";
import { problem } from "./http.server";

/**
 * The database or the disk cannot take a write right now (R4): the job holds the lock past the busy
 * timeout or a snapshot went stale (SQLITE_BUSY), the disk is full (SQLITE_FULL, ENOSPC), or the
 * file is read-only (SQLITE_READONLY). On PostgreSQL the same moments have SQLSTATE codes: a lock
 * held past lock_timeout (55P03), a statement cancelled (57014), no room or no connection left
 * (class 53), a read-only server (25006), a server shutting down or starting (57P01–57P03), a lost
 * connection (class 08), a conflict still there after the retries (40001, 40P01), or no server
 * listening. The transaction rolled back, so nothing was saved: every
 * route answers 503 with Retry-After, never a 500. Pages go through entry.server.tsx; routes
 * without a page wrap their loader and action in `resourceRoute`, since Remix offers no hook there.
 */
export const RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE_CODES = [
  /^SQLITE_BUSY/,
  /^SQLITE_FULL/,
  /^SQLITE_READONLY/,
  /^SQLITE_IOERR/,
  /^ENOSPC$/,
  /^EROFS$/,
  /^55P03$/,
  /^57014$/,
  /^53\d{3}$/,
  /^25006$/,
  /^57P0[123]$/,
  /^08/,
  /^40001$/,
  /^40P01$/,
  /^ECONNREFUSED$/,
  /^ECONNRESET$/,
];

export function isStorageUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE_CODES.some((pattern) => pattern.test(code))) return true;
  }
  return false;
}

export function storageErrorCode(error: unknown): string {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return "unknown";
}

export const BUSY_PAGE = `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Un instant, s'il vous plaît</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Un instant, s'il vous plaît</h1>
<p>Le service n'a pas pu traiter votre demande pour le moment. Rien n'a été enregistré : réessayez dans quelques secondes.</p>
<p><a href="">Réessayer</a></p>
<p lang="en" style="color: #555">The service could not handle your request just now; nothing was saved. Please try again in a few seconds.</p>
</body>
</html>
`;

export function unavailableHeaders(): Headers {
  return new Headers({ "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" });
}

/** A person's browser (a download link) gets the page; providers and API clients an RFC 9457 problem. */
export function unavailableResponse(request: Request): Response {
  const headers = unavailableHeaders();
  if ((request.headers.get("Accept") ?? "").includes("text/html")) {
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(BUSY_PAGE, { status: 503, headers });
  }
  return problem(503, `Nothing was saved; retry in ${RETRY_AFTER_SECONDS} seconds.`, undefined, { headers: Object.fromEntries(headers) });
}

export function logUnavailable(request: Request, error: unknown) {
  // One line, no stack: an overloaded or full moment, not a bug; the load test counts these.
  console.warn(
    `[busy] ${storageErrorCode(error)} while serving ${request.method} ${redactLinkTokens(new URL(request.url).pathname)}: answered 503, Retry-After ${RETRY_AFTER_SECONDS}s`,
  );
}

/** Every loader and action of a route without a page goes through this (downloads, webhooks, API). */
export function resourceRoute<A extends { request: Request }, R>(handler: (args: A) => R): (args: A) => Promise<Awaited<R> | Response> {
  return async (args: A): Promise<Awaited<R> | Response> => {
    try {
      return await handler(args);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      logUnavailable(args.request, error);
      return unavailableResponse(args.request);
    }
  };
}
