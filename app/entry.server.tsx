import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { redactLinkTokens } from "./utils/redact";

const ABORT_DELAY = 5_000;

/** Headers every page carries (M23); routes may tighten Referrer-Policy and caching. */
function setSecurityHeaders(headers: Headers, request: Request) {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set(
    "Content-Security-Policy",
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
  );
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
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
  if (!(error instanceof Error)) return error;
  error.message = redactLinkTokens(error.message);
  if (error.stack) error.stack = redactLinkTokens(error.stack);
  return error;
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests and 4xx answers (unknown URLs, refused sessions) are not faults.
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  const path = redactLinkTokens(new URL(request.url).pathname);
  console.error(`Error while serving ${request.method} ${path}:`, redactTokens(error));
}
