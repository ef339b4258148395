import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { isLinkPath, redactLinkTokens } from "./utils/redact";
import { setSecurityHeaders } from "./utils/security-headers";
import { BUSY_PAGE, isStorageUnavailable, logUnavailable, unavailableHeaders } from "./services/http/unavailable.server";
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
 * A database that cannot take a write (busy, full, read-only: app/services/http/unavailable.server.ts)
 * never reaches a person as a 500: handleError sees the error before Remix sanitises it; the request
 * is remembered here and its response replaced below with a 503 and Retry-After, for pages and for
 * data requests alike. Routes without a page do the same through `resourceRoute`.
 */
const busyRequests = new WeakSet<Request>();

function busyPage(request: Request): Response {
  const headers = unavailableHeaders();
  headers.set("Content-Type", "text/html; charset=utf-8");
  setSecurityHeaders(headers, request);
  return new Response(BUSY_PAGE, { status: 503, headers });
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
    // Once everything is rendered there is nothing left to abort: an abort then only makes Node build a
    // "write after end" error, and each request would hold its timer for ABORT_DELAY.
    const abortLater = setTimeout(() => abort(), ABORT_DELAY);
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        onAllReady() {
          clearTimeout(abortLater);
          if (readyEvent === "onAllReady") respond();
        },
        onShellReady() {
          if (readyEvent === "onShellReady") respond();
        },
        onShellError(error: unknown) {
          clearTimeout(abortLater);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Log only after the shell: errors before it reach the error boundary.
          if (shellRendered) console.error(redactTokens(error));
        },
      },
    );

    function respond() {
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
    }
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
  if (busy) for (const [name, value] of unavailableHeaders()) headers.set(name, value);
  return new Response(response.body, { status: busy ? 503 : response.status, headers });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests and 4xx answers (unknown URLs, refused sessions) are not faults.
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  const path = redactLinkTokens(new URL(request.url).pathname);
  if (isStorageUnavailable(error)) {
    busyRequests.add(request);
    logUnavailable(request, error);
    return;
  }
  console.error(`Error while serving ${request.method} ${path}:`, redactTokens(error));
}
