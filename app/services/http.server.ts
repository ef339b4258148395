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

/** Webhook bodies are small JSON or form posts: anything bigger is refused before it fills memory. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * The raw body as text, refused with 413 once it is larger than `maxBytes`: by its declared length
 * before reading, and by counting while reading (a chunked body declares none).
 */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    Response.json(
      { type: "about:blank", title: "Payload Too Large", status: 413, detail: `The body is larger than ${maxBytes} bytes.` },
      { status: 413, headers: { "Content-Type": "application/problem+json" } },
    );
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
