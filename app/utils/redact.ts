/**
 * Link tokens are bearer secrets: they never reach a log (M10). Covers the email link path (/l/…) and
 * the short SMS path (/s/…) in any case, with an encoded slash, a `.data` suffix or a trailing slash;
 * a `t=` query parameter; and a signed link (a JWT) wherever it appears, as in a Referer.
 */
// Up to the next separator a log line may put after a path (space, quote, colon, comma...).
const LINK_PATH = /\/(l|s)(?:\/|%2f)+[^\s/?#"'<>:,;]+/gi;
const TOKEN_PARAM = /([?&](?:t|%74)=)[^&\s#"'<>]+/gi;
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/g;

export function redactLinkTokens(text: string): string {
  return text.replace(LINK_PATH, "/$1/[redacted]").replace(TOKEN_PARAM, "$1[redacted]").replace(JWT, "[redacted]");
}

/** A request for a link page, in any of the forms above: it must send no Referer (M8). */
export function isLinkPath(pathname: string): boolean {
  return /^\/+(l|s)(?:\/|%2f)/i.test(pathname);
}
