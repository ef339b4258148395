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
 * For pages reached with a session (M8, M9). `same-origin`: nothing is ever sent to another origin,
 * yet our own forms keep a real Origin header for the CSRF check (under `no-referrer` browsers send
 * `Origin: null`). The link landing itself sends no referrer at all (`landingHeaders`).
 */
export const noStoreHeaders = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "same-origin",
};

/** Webhook bodies are small JSON or form posts: anything bigger is refused before it fills memory. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** What a form without files may weigh (sign-in, new link): far above any real one. */
export const MAX_SMALL_FORM_BYTES = 64 * 1024;

function payloadTooLarge(maxBytes: number): Response {
  return Response.json(
    { type: "about:blank", title: "Payload Too Large", status: 413, detail: `The body is larger than ${maxBytes} bytes.` },
    { status: 413, headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store" } },
  );
}

/**
 * The raw body, refused with 413 once it is larger than `maxBytes`: by its declared length before
 * reading, and by counting while reading (a chunked body declares none, and a client that is not a
 * browser can send one to any form).
 */
export async function readLimitedBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readLimitedBytes(request, maxBytes));
}

/** `request.formData()` with the same cap: multipart and URL-encoded forms alike. */
export async function readLimitedForm(request: Request, maxBytes: number): Promise<FormData> {
  const bytes = await readLimitedBytes(request, maxBytes);
  return new Response(Buffer.from(bytes), { headers: { "Content-Type": request.headers.get("Content-Type") ?? "application/x-www-form-urlencoded" } }).formData();
}
