import { withoutHiddenCharacters } from "./text";

/**
 * What the portal accepts as a file (a proof of payment, a dispute's evidence): judged by its first
 * bytes, never by its name or the type the browser declares, so a renamed HTML page is refused.
 */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_FILES = 3;
/** A whole form with its files: beyond this the body is refused before it is read. */
export const MAX_FORM_BYTES = MAX_FILES * MAX_FILE_BYTES + 256 * 1024;

export type FileKind = "pdf" | "png" | "jpeg";
export const CONTENT_TYPES: Record<FileKind, string> = { pdf: "application/pdf", png: "image/png", jpeg: "image/jpeg" };

const SIGNATURES: [FileKind, number[]][] = [
  ["pdf", [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ["png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["jpeg", [0xff, 0xd8, 0xff]],
];

export function sniffFileKind(head: Uint8Array): FileKind | null {
  for (const [kind, signature] of SIGNATURES) {
    if (signature.every((byte, i) => head[i] === byte)) return kind;
  }
  return null;
}

/**
 * A name safe to show and to put in a Content-Disposition: no path, no control, quote, bidi or
 * zero-width characters (a right-to-left override can make "x.exe.pdf" read as another name).
 */
export function sanitizeFileName(name: string, kind: FileKind): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = withoutHiddenCharacters(base.normalize("NFC"))
    .replace(/["<>|:*?;]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 120);
  const extension = kind === "jpeg" ? ".jpg" : `.${kind}`;
  const stem = cleaned.replace(/\.[^.]*$/, "") || "document";
  return `${stem}${extension}`;
}

export type UploadProblem = "too_many" | "too_large" | "empty" | "unsupported";
export type UploadCandidate = { name: string; size: number; head: Uint8Array };

/** The files of one form, checked together: every problem named, or the kind of each file. */
export function checkUploads(files: readonly UploadCandidate[]): { ok: true; kinds: FileKind[] } | { ok: false; problem: UploadProblem; name?: string } {
  if (files.length > MAX_FILES) return { ok: false, problem: "too_many" };
  const kinds: FileKind[] = [];
  for (const file of files) {
    if (file.size === 0) return { ok: false, problem: "empty", name: file.name };
    if (file.size > MAX_FILE_BYTES) return { ok: false, problem: "too_large", name: file.name };
    const kind = sniffFileKind(file.head);
    if (!kind) return { ok: false, problem: "unsupported", name: file.name };
    kinds.push(kind);
  }
  return { ok: true, kinds };
}
