import type { HeadersFunction, MetaFunction } from "@remix-run/node";

/**
 * The one head of every private page (portal and back office, M8, M9): never cached, and no
 * referrer sent to another origin, while our own forms keep a real Origin header for the CSRF check
 * (under `no-referrer` browsers send `Origin: null`). The link landing sends none at all.
 */
export const NO_STORE_HEADERS = { "Cache-Control": "no-store", "Referrer-Policy": "same-origin" } as const;

export const neverCached: HeadersFunction = () => NO_STORE_HEADERS;

/** A back-office page's title in the browser tab. */
export const pageTitle =
  (title: string): MetaFunction =>
  () => [{ title: `${title} — Relance` }];
