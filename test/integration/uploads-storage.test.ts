import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_FORM_BYTES } from "~/domain/uploads";
import { readLimitedForm } from "~/services/http.server";
import { storeUploads } from "~/services/uploads.server";

/** Item 7: uploads on a real disk, bodies as real streamed Requests. */
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe("storing a form's files", () => {
  it("writes the same content chosen twice once, each file keeping its own name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "relance-uploads-"));
    const files = [new File([PDF], "facture-contestée.pdf"), new File([PDF], "copie du bon.pdf"), new File([PNG], "photo.png")];
    const stored = await storeUploads(dir, files);
    if (!stored.ok) throw new Error(stored.problem);
    expect(stored.stored.map((f) => f.name)).toEqual(["facture-contestée.pdf", "copie du bon.pdf", "photo.png"]);
    expect(stored.stored[0]!.path).toBe(stored.stored[1]!.path);
    expect(readdirSync(join(dir, "uploads"))).toHaveLength(2);
    expect(new Uint8Array(readFileSync(stored.stored[1]!.path))).toEqual(PDF);
    stored.discard();
    expect(readdirSync(join(dir, "uploads"))).toEqual([]);
  });
});

describe("a chunked upload without Content-Length", () => {
  it("is cut with 413 as soon as it passes the form limit, not read to its end", async () => {
    const total = MAX_FORM_BYTES * 3;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        const chunk = new Uint8Array(256 * 1024).fill(0x25);
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request("http://localhost:4310/portal/dispute", { method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=x" }, body, duplex: "half" } as RequestInit);
    expect(request.headers.get("Content-Length")).toBeNull();
    const refused = await readLimitedForm(request, MAX_FORM_BYTES).then(
      () => null,
      (thrown: unknown) => thrown as Response,
    );
    expect(refused?.status).toBe(413);
    expect(pulled).toBeLessThan(MAX_FORM_BYTES + 2 * 1024 * 1024);
  });
});
