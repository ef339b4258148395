import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { unstable_parseMultipartFormData } from "@remix-run/node";
import { getEnv } from "../../env.server";
import { sha256 } from "../auth/tokens.server";
import { CROSS_SITE_FORM_MESSAGE } from "../../utils/same-origin";

/**
 * CSRF defence for every action (M21): the browser must say the form came from our own origin.
 * SameSite cookies are only a second line. The address asked for must be ours too: a form post
 * with a forged Host or X-Forwarded-Host (which build `request.url`) is refused, not half-trusted.
 */
export function requireSameOrigin(request: Request) {
  const ours = new URL(getEnv().PUBLIC_BASE_URL);
  if (new URL(request.url).host !== ours.host) {
    throw new Response(`This form must be sent to ${ours.host}, the address of Relance's pages.`, { status: 400, headers: { "Cache-Control": "no-store" } });
  }
  const origin = request.headers.get("Origin");
  const fetchSite = request.headers.get("Sec-Fetch-Site");
  const allowed = origin ? origin === ours.origin : fetchSite === "same-origin";
  if (!allowed) {
    throw new Response(CROSS_SITE_FORM_MESSAGE, { status: 403, headers: { "Cache-Control": "no-store" } });
  }
}

/**
 * The synchronizer token of a session (M21), portal and back office alike: derived from the secret
 * cookie value, so only the browser holding that cookie can know it, and nothing more is stored.
 */
export function formTokenFor(secretCookieValue: string): string {
  return sha256(`csrf:${secretCookieValue}`).slice(0, 43);
}

/** The form's `csrf` field must be `expected` (null: the request has no session to hold one). */
export function requireFormToken(form: FormData, expected: string | null) {
  const sent = form.get("csrf");
  const want = Buffer.from(expected ?? "");
  if (!expected || typeof sent !== "string" || Buffer.byteLength(sent) !== want.length || !timingSafeEqual(Buffer.from(sent), want)) {
    throw new Response("This form has expired: reload the page and try again.", { status: 403, headers: { "Cache-Control": "no-store" } });
  }
}

/** Webhook bodies are small JSON or form posts: anything bigger is refused before it fills memory. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** What a form without files may weigh (sign-in, new link): far above any real one. */
export const MAX_SMALL_FORM_BYTES = 64 * 1024;

const PROBLEM_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  503: "Service Unavailable",
};

/**
 * The one RFC 9457 problem answer, for the API, the webhooks and a body refused before it is read:
 * a title from the status unless a more precise one is given, field errors as JSON pointers.
 */
export function problem(status: number, detail: string, errors?: readonly { pointer: string; detail: string }[], options: { title?: string; headers?: Record<string, string> } = {}) {
  const body = { type: status === 422 ? "/api/v1/problems/validation" : "about:blank", title: options.title ?? PROBLEM_TITLES[status] ?? "Error", status, detail, ...(errors ? { errors } : {}) };
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...options.headers } });
}

const payloadTooLarge = (maxBytes: number) => problem(413, `The body is larger than ${maxBytes} bytes.`);

/**
 * The one reader of request bodies: the body as it streams in, refused with `tooLarge` (thrown) once
 * it is larger than `maxBytes`: by its declared length before reading, and by counting while reading
 * (a chunked body declares none, and a client that is not a browser can send one to any form).
 */
function limitedBody(request: Request, maxBytes: number, tooLarge: () => Response): { stream: ReadableStream<Uint8Array>; stop: () => Promise<void> } {
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return { stream: new ReadableStream({ start: (c) => c.close() }), stop: async () => undefined };
  const reader = request.body.getReader();
  let size = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return controller.error(tooLarge());
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  // Whoever reads the stream may stop early (a file over its limit): the rest is then never pulled.
  return { stream, stop: () => reader.cancel().catch(() => undefined) };
}

/** The raw body, whole, or `tooLarge` (a 413 problem unless the caller has its own) thrown. */
export async function readLimitedBytes(request: Request, maxBytes: number, tooLarge = () => payloadTooLarge(maxBytes)): Promise<Uint8Array> {
  const reader = limitedBody(request, maxBytes, tooLarge).stream.getReader();
  const chunks: Uint8Array[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return Buffer.concat(chunks);
}

export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readLimitedBytes(request, maxBytes));
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** A file part of a multipart form over `maxBytes`: the 413 says which file and what the limit is. */
export type FileLimit = { maxBytes: number; tooLarge: (fileName: string) => string };

const noStore = { "Cache-Control": "no-store" };

const unreadable = () => new Response("The form could not be read: reload the page and send it again.", { status: 400, headers: noStore });

/**
 * `request.formData()` with the same cap: multipart and URL-encoded forms alike. A multipart form is
 * read part by part, so a file over `fileLimit` is cut (413) as soon as it passes it, before the
 * rest of the body is read and before anything is stored. Any other body (`text/plain` from a
 * cross-site form, JSON, a broken multipart) is a clear 415/400, never a 500.
 */
export async function readLimitedForm(request: Request, maxBytes: number, fileLimit?: FileLimit): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  const mediaType = type.split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(mediaType)) {
    throw new Response("This address only takes HTML form posts (application/x-www-form-urlencoded or multipart/form-data).", { status: 415, headers: noStore });
  }
  if (mediaType !== "multipart/form-data") {
    const bytes = await readLimitedBytes(request, maxBytes);
    try {
      return await new Response(Buffer.from(bytes), { headers: { "Content-Type": type } }).formData();
    } catch {
      throw unreadable();
    }
  }
  const fileMax = fileLimit?.maxBytes ?? maxBytes;
  return readMultipart(request, maxBytes, async ({ filename, contentType, data }) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (typeof filename === "string" && size > fileMax) throw new Response(fileLimit?.tooLarge(filename) ?? `The file is larger than ${fileMax} bytes.`, { status: 413, headers: noStore });
      chunks.push(chunk);
    }
    return typeof filename === "string" ? new File([Buffer.concat(chunks)], filename, { type: contentType }) : new TextDecoder().decode(Buffer.concat(chunks));
  });
}

type PartHandler = Parameters<typeof unstable_parseMultipartFormData>[1];

/** The multipart branch of the form readers: the body capped at `maxBytes`, each part to `onPart`. */
async function readMultipart(request: Request, maxBytes: number, onPart: PartHandler): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  const body = limitedBody(request, maxBytes, () => payloadTooLarge(maxBytes));
  try {
    return await unstable_parseMultipartFormData(new Request(request.url, { method: "POST", headers: { "Content-Type": type }, body: body.stream, duplex: "half" } as RequestInit), onPart);
  } catch (thrown) {
    await body.stop();
    if (thrown instanceof Response) throw thrown;
    throw unreadable();
  }
}

/** A file part written to disk as it arrived: where, under which name the browser sent it, how big. */
export type StoredUpload = { path: string; name: string; size: number; type: string };

/**
 * A multipart form whose file parts go straight to `dir` as they stream in (never whole in memory),
 * each cut with a 413 as soon as it passes `fileLimit`. The other fields come back in `form`, the
 * files by field name in `files` (not in `form`: a text field of that name cannot pass for a file).
 * The caller owns the files it gets back; on any refusal nothing stays on disk.
 */
export async function readLimitedFormToDisk(request: Request, maxBytes: number, fileLimit: FileLimit, dir: string): Promise<{ form: FormData; files: Map<string, StoredUpload> }> {
  const mediaType = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "multipart/form-data") return { form: await readLimitedForm(request, maxBytes, fileLimit), files: new Map() };
  const files = new Map<string, StoredUpload>();
  const written: string[] = [];
  try {
    const form = await readMultipart(request, maxBytes, async ({ name, filename, contentType, data }) => {
      if (typeof filename !== "string") {
        const chunks: Uint8Array[] = [];
        for await (const chunk of data) chunks.push(chunk);
        return new TextDecoder().decode(Buffer.concat(chunks));
      }
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${randomBytes(18).toString("base64url")}.upload`);
      written.push(path);
      const out = await open(path, "wx", 0o600);
      let size = 0;
      try {
        for await (const chunk of data) {
          size += chunk.byteLength;
          if (size > fileLimit.maxBytes) throw new Response(fileLimit.tooLarge(filename), { status: 413, headers: noStore });
          await out.write(chunk);
        }
      } finally {
        await out.close();
      }
      const previous = files.get(name);
      if (previous) rmSync(previous.path, { force: true });
      files.set(name, { path, name: filename, size, type: contentType });
      return undefined;
    });
    return { form, files };
  } catch (thrown) {
    for (const path of written) rmSync(path, { force: true });
    throw thrown;
  }
}
