/**
 * Link tokens are bearer secrets: they never reach a log (M10). Covers the email link path (/l/…),
 * the short SMS path (/s/…) and a `t=` query parameter.
 */
export function redactLinkTokens(text: string): string {
  return text
    .replace(/\/(l|s)\/[A-Za-z0-9._~-]+/g, "/$1/[redacted]")
    .replace(/([?&]t=)[^&\s]+/g, "$1[redacted]");
}
