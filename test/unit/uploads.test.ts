import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES, checkUploads, sanitizeFileName, sniffFileKind } from "~/domain/uploads";

const bytes = (...values: number[]) => new Uint8Array(values);
const PDF = new TextEncoder().encode("%PDF-1.7\n");
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0);
const HTML = new TextEncoder().encode("<html><script>alert(1)</script>");

describe("what the portal accepts as a file", () => {
  it.each([
    ["a PDF", PDF, "pdf"],
    ["a PNG", PNG, "png"],
    ["a JPEG", JPEG, "jpeg"],
    ["an HTML page", HTML, null],
    ["a truncated PNG signature", PNG.subarray(0, 4), null],
    ["nothing", bytes(), null],
  ])("judges %s by its first bytes", (_, head, kind) => {
    expect(sniffFileKind(head)).toBe(kind);
  });

  it("refuses a renamed HTML page, whatever its name says", () => {
    expect(checkUploads([{ name: "facture.pdf", size: HTML.length, head: HTML }])).toEqual({ ok: false, problem: "unsupported", name: "facture.pdf" });
  });

  it.each([
    ["more than 3 files", [PDF, PDF, PDF, PDF].map((head) => ({ name: "a.pdf", size: 10, head })), "too_many"],
    ["a file over 5 MB", [{ name: "big.pdf", size: MAX_FILE_BYTES + 1, head: PDF }], "too_large"],
    ["an empty file", [{ name: "vide.pdf", size: 0, head: bytes() }], "empty"],
  ])("refuses %s", (_, files, problem) => {
    expect(checkUploads(files)).toMatchObject({ ok: false, problem });
  });

  it("accepts up to 3 files of 5 MB and tells their kinds", () => {
    expect(checkUploads([{ name: "a.pdf", size: MAX_FILE_BYTES, head: PDF }, { name: "b.png", size: 5, head: PNG }, { name: "c.jpg", size: 5, head: JPEG }])).toEqual({ ok: true, kinds: ["pdf", "png", "jpeg"] });
  });

  it.each([
    ["../../etc/passwd", "pdf", "passwd.pdf"],
    ["C:\\Users\\x\\reçu virement.PDF", "pdf", "reçu virement.pdf"],
    ['photo"><script>.png', "png", "photoscript.png"],
    ["scan.pdf", "jpeg", "scan.jpg"],
    ["", "pdf", "document.pdf"],
    ["facture\u202efdp.exe.pdf", "pdf", "facturefdp.exe.pdf"],
    ["re\u200bçu\u2066.pdf", "pdf", "reçu.pdf"],
  ] as const)("names %j safely as %s", (name, kind, expected) => {
    expect(sanitizeFileName(name, kind)).toBe(expected);
  });
});
