import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { isLinkPath, redactLinkTokens } from "./utils/redact";
import { EnvError, getEnv } from "./env.server";

// remix-serve loads this module at start-up: an invalid or incomplete environment stops the server
// there, one line per problem, rather than at the first request.
try {
  getEnv();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const ABORT_DELAY = 5_000;

/**
 * SQLITE_BUSY never reaches a person as a 500 (R4): when the job holds the write lock longer than
 * the busy timeout, or a snapshot went stale, the request is answered 503 with Retry-After and a
 * short page saying to try again. handleError sees the error before Remix sanitises it; the request
 * is remembered here and its response replaced below, for pages and for data requests alike.
 */
const RETRY_AFTER_SECONDS = 5;
const busyRequests = new WeakSet<Request>();

function isSqliteBusy(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) return true;
  }
  return false;
}

const BUSY_PAGE = `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Un instant, s'il vous plaît</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Un instant, s'il vous plaît</h1>
<p>Le service est très sollicité en ce moment et n'a pas pu traiter votre demande. Rien n'a été enregistré : réessayez dans quelques secondes.</p>
<p><a href="">Réessayer</a></p>
<p lang="en" style="color: #555">The service is busy and could not handle your request; nothing was saved. Please try again in a few seconds.</p>
</body>
</html>
`;

function busyHeaders(): Headers {
  return new Headers({ "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" });
}

function busyPage(request: Request): Response {
  const headers = busyHeaders();
  headers.set("Content-Type", "text/html; charset=utf-8");
  setSecurityHeaders(headers, request);
  return new Response(BUSY_PAGE, { status: 503, headers });
}

/** Headers every page carries (M23); routes may tighten Referrer-Policy and caching. */
function setSecurityHeaders(headers: Headers, request: Request) {
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

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  if (busyRequests.has(request)) return busyPage(request);
  setSecurityHeaders(responseHeaders, request);
  // Bots and link scanners get the whole page at once; people get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Log only after the shell: errors before it reach the error boundary.
          if (shellRendered) console.error(redactTokens(error));
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** Link tokens never reach the logs (M10). */
function redactTokens(error: unknown): unknown {
  if (typeof error === "string") return redactLinkTokens(error);
  if (!(error instanceof Error)) return error;
  error.message = redactLinkTokens(error.message);
  if (error.stack) error.stack = redactLinkTokens(error.stack);
  return error;
}

/**
 * Client navigations and form submissions (single fetch): the same 503 and Retry-After; the body
 * stays Remix's, so the page shows its error boundary.
 */
export function handleDataRequest(response: Response, { request }: { request: Request }) {
  const linkPage = isLinkPath(new URL(request.url).pathname);
  const busy = busyRequests.has(request);
  if (!linkPage && !busy) return response;
  const headers = new Headers(response.headers);
  if (linkPage) headers.set("Referrer-Policy", "no-referrer");
  if (busy) for (const [name, value] of busyHeaders()) headers.set(name, value);
  return new Response(response.body, { status: busy ? 503 : response.status, headers });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests and 4xx answers (unknown URLs, refused sessions) are not faults.
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  const path = redactLinkTokens(new URL(request.url).pathname);
  if (isSqliteBusy(error)) {
    busyRequests.add(request);
    // One line, no stack: an overloaded moment, not a bug; the load test counts these.
    console.warn(`[busy] SQLITE_BUSY while serving ${request.method} ${path}: answered 503, Retry-After ${RETRY_AFTER_SECONDS}s`);
    return;
  }
  console.error(`Error while serving ${request.method} ${path}:`, redactTokens(error));
}
