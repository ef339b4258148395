import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONTENT_TYPES, MAX_FILES, MAX_FILE_BYTES, MAX_FORM_BYTES, checkUploads, sanitizeFileName, type FileKind, type UploadProblem } from "../../domain/uploads";
import { randomToken } from "../auth/tokens.server";

export type StoredFile = { path: string; name: string; contentType: string; size: number };

/** Refuses a body too large to be a form we accept, before reading it (413, nothing read). */
export function requireFormSize(request: Request, message: string) {
  const length = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(length) && length > MAX_FORM_BYTES) throw new Response(message, { status: 413, headers: { "Cache-Control": "no-store" } });
}

/** The non-empty file inputs of a form (a browser sends an empty part when no file was chosen). */
export function filesOf(form: FormData, field: string): File[] {
  return form.getAll(field).filter((v): v is File => typeof v === "object" && v !== null && "arrayBuffer" in v && (v.size > 0 || v.name !== ""));
}

export type InspectedUploads = { ok: true; files: readonly File[]; kinds: FileKind[]; buffers: Uint8Array[] } | { ok: false; problem: UploadProblem; name?: string };

/** Reads and judges the files of a form without writing anything (the review step, and before storing). */
export async function inspectUploads(files: readonly File[]): Promise<InspectedUploads> {
  // Count and declared sizes first, so that a fourth file or a huge one is refused unread.
  if (files.length > MAX_FILES) return { ok: false, problem: "too_many" };
  const huge = files.find((f) => f.size > MAX_FILE_BYTES);
  if (huge) return { ok: false, problem: "too_large", name: huge.name };
  const buffers = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  const checked = checkUploads(files.map((f, i) => ({ name: f.name, size: buffers[i]!.byteLength, head: buffers[i]!.subarray(0, 16) })));
  return checked.ok ? { ok: true, files, kinds: checked.kinds, buffers } : checked;
}

/**
 * Checks every file and, only if all pass, writes them under STORAGE_DIR/uploads with random names
 * (outside the web root). Returns a cleanup to call if the database write that follows fails; a
 * write that fails half-way removes what it wrote (a refused form leaves nothing behind).
 */
export async function storeUploads(storageDir: string, files: readonly File[]): Promise<{ ok: true; stored: StoredFile[]; discard: () => void } | { ok: false; problem: UploadProblem; name?: string }> {
  const checked = await inspectUploads(files);
  if (!checked.ok) return checked;
  const dir = resolve(storageDir, "uploads");
  mkdirSync(dir, { recursive: true });
  const stored: StoredFile[] = [];
  const discard = () => stored.forEach((f) => rmSync(f.path, { force: true }));
  // The same bytes chosen twice (under two names) are written once; each keeps its own name.
  const written = new Map<string, string>();
  try {
    files.forEach((file, i) => {
      const kind: FileKind = checked.kinds[i]!;
      const bytes = checked.buffers[i]!;
      const digest = createHash("sha256").update(bytes).digest("hex");
      let path = written.get(digest);
      if (!path) {
        path = join(dir, `${randomToken(18)}.${kind === "jpeg" ? "jpg" : kind}`);
        writeFileSync(path, bytes, { flag: "wx" });
        written.set(digest, path);
      }
      stored.push({ path, name: sanitizeFileName(file.name, kind), contentType: CONTENT_TYPES[kind], size: bytes.byteLength });
    });
  } catch (error) {
    discard();
    throw error;
  }
  return { ok: true, stored, discard };
}

/**
 * How an uploaded file is ever served (to staff): as a download, with its sniffed type, never
 * rendered by the browser, scripts sandboxed even if it were.
 */
export function attachmentResponse(bytes: Uint8Array, name: string, contentType: string): Response {
  // The quoted form is for old clients: plain ASCII, no quote or backslash to break out of it.
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return new Response(Buffer.from(bytes), {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "no-store",
    },
  });
}
