import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { MAX_FILE_BYTES, MAX_FORM_BYTES } from "~/domain/uploads";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { readLimitedForm } from "~/services/http/http.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { storeUploads } from "~/services/documents/uploads.server";
import * as landing from "~/routes/l.$token";
import * as disputeRoute from "~/routes/portal.dispute";
import * as paidRoute from "~/routes/portal.already-paid";
import { debtorSessions, debtors, invoices } from "../../db/tables";
import { seededDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { args, outcome } from "../support/routes";
import { first } from "../../db/client";

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
    const request = new Request("http://localhost:4310/portal/dispute", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("Content-Length")).toBeNull();
    const refused = await readLimitedForm(request, MAX_FORM_BYTES).then(
      () => null,
      (thrown: unknown) => thrown as Response,
    );
    expect(refused?.status).toBe(413);
    expect(pulled).toBeLessThan(MAX_FORM_BYTES + 2 * 1024 * 1024);
  });
});

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

beforeAll(async () => {
  useDatabase((await seededDb("2026-11-20")).path);
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-files-"));
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
});

/** A debtor's portal session past the step-up code, as the dispute and already-paid pages need. */
async function portalSession() {
  const db = getDb();
  const env = getEnv();
  const debtor = first(await db.select().from(debtors).where(eq(debtors.name, "Garage des Alpes SAS")))!;
  const invoice = first(
    await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, debtor.id), eq(invoices.status, "open"))),
  )!;
  const link = await insertLink(db, env, { debtorId: debtor.id, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const landed = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  const cookie = landed.headers.get("Set-Cookie")!.split(";")[0]!;
  await db
    .update(debtorSessions)
    .set({ stepUpAt: new Date(NOW) })
    .where(eq(debtorSessions.linkId, link.id));
  const page = (await disputeRoute.loader(args(new Request(`${BASE}/portal/dispute`, { headers: { Cookie: cookie } })))) as { csrf: string };
  return { cookie, csrf: page.csrf, invoiceId: invoice.id };
}

/**
 * A browser-like multipart body streamed without Content-Length: the fields, then one PDF of
 * `fileBytes` (after its signature) produced 64 KB at a time, counting what the server pulled.
 */
function streamedUpload(fields: [string, string][], fileField: string, fileBytes: number) {
  const boundary = "----relance-test-boundary";
  const encoder = new TextEncoder();
  const head = encoder.encode(
    fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="relevé.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  // `fileBytes` of filler follow the PDF signature that ends `head`.
  let headSent = false;
  let fillerSent = 0;
  let tailSent = false;
  const counter = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk: Uint8Array;
      if (!headSent) [chunk, headSent] = [head, true];
      else if (fillerSent < fileBytes) chunk = new Uint8Array(Math.min(64 * 1024, fileBytes - fillerSent)).fill(0x41);
      else if (!tailSent) [chunk, tailSent] = [tail, true];
      else return controller.close();
      if (headSent && chunk !== head && chunk !== tail) fillerSent += chunk.byteLength;
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { body, counter, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe("a file over 5 MB in a streamed upload", () => {
  const cases = [
    {
      page: "dispute",
      route: disputeRoute,
      path: "/portal/dispute",
      file: "files",
      fields: (id: number): [string, string][] => [
        ["intent", "confirm"],
        ["invoice", String(id)],
        ["reason", "amount"],
        ["message", "Le montant facturé ne correspond pas au devis signé."],
      ],
    },
    {
      page: "already paid",
      route: paidRoute,
      path: "/portal/already-paid",
      file: "proof",
      fields: (id: number): [string, string][] => [
        ["intent", "confirm"],
        ["invoice", String(id)],
        ["paidOn", "2026-11-10"],
        ["amount", "100"],
        ["method", "transfer"],
      ],
    },
  ];
  for (const { page, route, path, file, fields } of cases) {
    it(`is cut at 5 MB + 1 byte on the ${page} page: 413 naming the file, the rest never read, nothing stored`, async () => {
      const session = await portalSession();
      // 12 MB: under the whole form's limit, so only the per-file limit can stop it early.
      const upload = streamedUpload([["csrf", session.csrf], ...fields(session.invoiceId)], file, 12 * 1024 * 1024);
      const request = new Request(`${BASE}${path}`, {
        method: "POST",
        headers: { Origin: BASE, Cookie: session.cookie, "Content-Type": upload.contentType },
        body: upload.body,
        duplex: "half",
      } as RequestInit);
      expect(request.headers.get("Content-Length")).toBeNull();
      const before = await databaseDigest(getDb());
      const refused = (await outcome(() => route.action(args(request)))) as Response;
      expect(refused).toBeInstanceOf(Response);
      expect(refused.status).toBe(413);
      expect(await refused.text()).toContain("« relevé.pdf » dépasse 5 Mo");
      expect(upload.counter.pulled).toBeGreaterThan(MAX_FILE_BYTES);
      expect(upload.counter.pulled).toBeLessThan(MAX_FILE_BYTES + 512 * 1024);
      expect(await databaseDigest(getDb())).toEqual(before);
      const dir = join(getEnv().STORAGE_DIR, "uploads");
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    });
  }

  it("a file of exactly 5 MB is read whole and reaches the checks", async () => {
    const upload = streamedUpload([["csrf", "x"]], "files", MAX_FILE_BYTES - "%PDF-1.7\n".length);
    const request = new Request(`${BASE}/portal/dispute`, { method: "POST", headers: { "Content-Type": upload.contentType }, body: upload.body, duplex: "half" } as RequestInit);
    const form = await readLimitedForm(request, MAX_FORM_BYTES, { maxBytes: MAX_FILE_BYTES, tooLarge: (name) => name });
    const read = form.get("files") as File;
    expect(read.name).toBe("relevé.pdf");
    expect(read.size).toBe(MAX_FILE_BYTES);
    expect(form.get("csrf")).toBe("x");
  });
});
