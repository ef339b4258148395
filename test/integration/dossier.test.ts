import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { unzipSync } from "fflate";
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream } from "pdf-lib";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { storeLetterPdf } from "~/services/shared/letters.server";
import { sha256Bytes } from "~/services/auth/tokens.server";
import { computeLatePenalties } from "~/domain/penalties";
import { formatMoney } from "~/domain/money";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { tick } from "../../jobs/tick";
import * as dossier from "~/routes/backoffice.debtors_.$debtorId.dossier";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import {
  cadencePauses,
  creditors,
  debtors,
  disputeFiles,
  disputes,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  letters,
  outboundMessages,
  promises,
  staffAuditEvents,
  staffUsers,
  timelineEvents,
} from "../../db/tables";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const storage = mkdtempSync(join(tmpdir(), "relance-dossier-"));
let owner: string;
let readOnly: string;
let debtorId: number;
let letterId: number;
let disputedInvoiceId: number;
const ACK = "Je reconnais devoir la somme de 1 234,56 € et m'engage à la payer le 4 décembre 2026.";

const get = (id: number | string, as = owner) =>
  dossier
    .loader({ request: new Request(`${BASE}/backoffice/debtors/${id}/dossier`, { headers: { Cookie: as } }), params: { debtorId: String(id) }, context: {} })
    .catch((r: Response) => r);

// WinAnsi is Latin-1 but for 0x80–0x9F; the dossier uses only these of them.
const WIN_ANSI_HIGH: Record<number, string> = { 0x80: "€", 0x85: "…", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x96: "–", 0x97: "—" };
const winAnsiText = (bytes: Uint8Array) => [...bytes].map((b) => WIN_ANSI_HIGH[b] ?? String.fromCharCode(b)).join("");

/** The text a reader sees in the PDF: pdf-lib draws each line as one hex string in WinAnsi. */
async function pdfText(bytes: Uint8Array): Promise<{ pages: number; title: string | undefined; text: string }> {
  const pdf = await PDFDocument.load(bytes);
  const lines: string[] = [];
  for (const page of pdf.getPages()) {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => pdf.context.lookup(r)) : [contents];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const ops = new TextDecoder("latin1").decode(decodePDFRawStream(stream).decode());
      for (const [, hex] of ops.matchAll(/<([0-9A-Fa-f]*)> Tj/g)) lines.push(winAnsiText(Buffer.from(hex!, "hex")));
    }
  }
  return { pages: pdf.getPageCount(), title: pdf.getTitle(), text: lines.join("\n") };
}

const eur = (cents: number) => formatMoney({ cents, currency: "EUR" }, "fr-FR");

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  process.env.STORAGE_DIR = storage;
  resetEnvCache();
  closeDb();
  const db = getDb();
  await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) });
  const creditorId = first(await db.select().from(staffUsers))!.creditorId;
  await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash });
  owner = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  readOnly = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;

  // A professional debtor who was sent reminders and owes at least two overdue invoices.
  const candidate = first(
    await db
      .select({ id: debtors.id })
      .from(debtors)
      .where(
        and(
          eq(debtors.kind, "business"),
          sql`(select count(*) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open' and i.due_date < '2026-11-01') >= 2`,
          sql`exists (select 1 from outbound_messages m where m.debtor_id = ${debtors.id} and m.status = 'sent' and m.content_hash is not null)`,
        ),
      ),
  )!;
  debtorId = candidate.id;
  await db
    .update(debtors)
    .set({ escalatedAt: new Date("2026-11-19T08:00:00Z"), siren: "523456789" })
    .where(eq(debtors.id, debtorId));
  const open = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")))
    .orderBy(invoices.dueDate);
  disputedInvoiceId = open[1]!.id;

  const letter = storeLetterPdf(storage, new TextEncoder().encode("%PDF-1.7 mise en demeure de test"), "formal-notice-dossier.pdf");
  letterId = one(
    await db
      .insert(letters)
      .values({
        creditorId,
        debtorId,
        kind: "formal_notice",
        pdfPath: letter.path,
        pdfSha256: letter.sha256,
        status: "posted",
        trackingNumber: "1A23456789012",
        postedAt: new Date("2026-11-02T10:00:00Z"),
      })
      .returning(),
  ).id;

  await db.insert(promises).values({
    debtorId,
    invoiceId: open[0]!.id,
    promisedDate: "2026-10-30",
    amountCents: 123_456,
    source: "portal",
    status: "broken",
    acknowledgmentText: ACK,
    acknowledgedIp: "203.0.113.45",
    acknowledgedUserAgent: "Mozilla/5.0 (Android 14)",
    createdAt: new Date("2026-10-20T14:03:00Z"),
  });
  const plan = one(
    await db
      .insert(installmentPlans)
      .values({
        debtorId,
        totalCents: 50_000,
        currency: "EUR",
        status: "defaulted",
        acknowledgmentText: "Je propose de régler 500,00 € en 2 mensualités.",
        acknowledgedIp: "198.51.100.9",
        createdAt: new Date("2026-10-25T09:00:00Z"),
      })
      .returning(),
  );
  await db.insert(installmentPlanInvoices).values({ planId: plan.id, invoiceId: open[0]!.id });
  await db.insert(installments).values([
    { planId: plan.id, position: 1, dueDate: "2026-11-05", amountCents: 25_000, status: "missed" },
    { planId: plan.id, position: 2, dueDate: "2026-12-05", amountCents: 25_000 },
  ]);

  const dispute = one(await db.insert(disputes).values({ debtorId, invoiceId: disputedInvoiceId, reason: "quality", message: "Porte livrée rayée" }).returning());
  const photo = join(storage, "photo-upload.png");
  writeFileSync(photo, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  await db.insert(disputeFiles).values({ disputeId: dispute.id, storagePath: photo, originalName: "porte rayée\r\n.png", contentType: "image/png", sizeBytes: 11 });
  await db.insert(cadencePauses).values({
    debtorId,
    invoiceId: null,
    reason: "callback_requested",
    startsAt: new Date("2026-11-10T09:00:00Z"),
    endsAt: new Date("2026-11-12T09:00:00Z"),
    owner: "system",
    resolvedAt: new Date("2026-11-12T09:00:00Z"),
  });
  await db.insert(timelineEvents).values({
    creditorId,
    debtorId,
    type: "call.answered",
    actor: "staff",
    data: { note: '=HYPERLINK("http://evil.example")', staff: "Claire Durand" },
    occurredAt: new Date("2026-11-18T10:00:00Z"),
  });
}, 120_000);

describe("the litigation dossier", () => {
  it("is a ZIP of the dossier PDF, the invoices, the letter sent, the debtor's files, the timeline and a manifest with every hash", async () => {
    const response = (await get(debtorId)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/zip");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="dossier-[A-Za-z0-9._-]+-2026-11-20\.zip"$/);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const zipBytes = new Uint8Array(await response.arrayBuffer());
    const files = unzipSync(zipBytes);
    const db = getDb();
    const open = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")));
    const names = Object.keys(files).sort();
    expect(names).toEqual(
      expect.arrayContaining(["dossier.pdf", "manifest.json", "timeline.csv", `courriers/mise-en-demeure-${letterId}.pdf`, ...open.map((i) => `factures/facture-${i.number}.pdf`)]),
    );
    const upload = names.find((n) => n.startsWith("pieces-debiteur/contestation-"))!;
    expect(upload).toMatch(/^pieces-debiteur\/contestation-\d+-\d+-porte_rayee.png$/);

    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as { files: { name: string; sha256: string; bytes: number }[]; missingFiles: string[] };
    expect(manifest.files.map((f) => f.name).sort()).toEqual(names.filter((n) => n !== "manifest.json"));
    for (const f of manifest.files) {
      expect(sha256Bytes(files[f.name]!), f.name).toBe(f.sha256);
      expect(files[f.name]!.byteLength).toBe(f.bytes);
    }
    expect(manifest.missingFiles).toEqual([]);
    // The letter is the very file stored when it was made, matching its recorded hash.
    expect(sha256Bytes(files[`courriers/mise-en-demeure-${letterId}.pdf`]!)).toBe(first(await db.select().from(letters).where(eq(letters.id, letterId)))!.pdfSha256);
    for (const i of open) expect(new TextDecoder().decode(files[`factures/facture-${i.number}.pdf`]!.subarray(0, 5))).toBe("%PDF-");

    // The export is in the staff audit log, with who and the archive's hash; the debtor's timeline is untouched (a GET).
    const exported = await db.select().from(staffAuditEvents).where(eq(staffAuditEvents.action, "dossier.exported"));
    expect(exported).toHaveLength(1);
    expect(exported[0]!.data).toMatchObject({ debtorId, sha256: sha256Bytes(zipBytes) });
    expect(first(await db.select().from(staffUsers).where(eq(staffUsers.id, exported[0]!.actorStaffUserId)))!.name).toBe("Claire Durand");
    expect(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "dossier.exported"))).toEqual([]);
  });

  it("states the parties, the claim with L441-10 penalties and the 40 € indemnity, and leaves the disputed invoice out", async () => {
    const files = unzipSync(new Uint8Array(await ((await get(debtorId)) as Response).arrayBuffer()));
    const { pages, title, text } = await pdfText(files["dossier.pdf"]!);
    const db = getDb();
    const debtor = first(await db.select().from(debtors).where(eq(debtors.id, debtorId)))!;
    expect(title).toBe(`Dossier contentieux - ${debtor.name}`);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(text).toContain("Atelier Durand SARL");
    expect(text).toContain("SIREN 812345678");
    expect(text).toContain(debtor.name);
    expect(text).toContain("SIREN 523456789");

    const open = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")));
    const claimed = open.filter((i) => i.id !== disputedInvoiceId && i.dueDate < "2026-11-20");
    let total = 0;
    for (const invoice of claimed) {
      const penalties = computeLatePenalties({
        principalCents: invoice.balanceCents,
        dueDate: invoice.dueDate,
        asOf: "2026-11-20",
        terms: { debtorKind: "business", rateMode: "ecb_plus_10", contractRateBp: null, indemnityEnabled: true },
      });
      total += invoice.balanceCents + penalties.totalCents;
      const row = text.split("\n").indexOf(invoice.number);
      expect(row, invoice.number).toBeGreaterThan(-1);
      // The claim's row: number, due date, days late, principal, interest, indemnity, total.
      expect(
        text
          .split("\n")
          .slice(row, row + 7)
          .map((s) => s.replace(/\s/g, " ")),
      ).toEqual(
        [
          invoice.number,
          expect.any(String),
          `${penalties.daysLate} j`,
          eur(invoice.balanceCents),
          eur(penalties.interestCents),
          eur(4000),
          eur(invoice.balanceCents + penalties.totalCents),
        ].map((s) => (typeof s === "string" ? s.replace(/\s/g, " ") : s)),
      );
    }
    const flat = text.replace(/\s/g, " ");
    expect(flat).toContain(`Total réclamé : ${eur(total)}`.replace(/\s/g, " "));
    const disputed = open.find((i) => i.id === disputedInvoiceId)!;
    expect(flat).toContain("Factures contestées, exclues de la demande");
    expect(flat).toContain(`${disputed.number} : ${eur(disputed.balanceCents).replace(/\s/g, " ")} restant dû, contestation ouverte`);

    // The acknowledgments, with the exact text, time and address, and the messages with their hashes.
    expect(flat).toContain(`« ${ACK.replace(/\s/g, " ")} »`.slice(0, 60));
    expect(flat).toContain("Adresse IP 203.0.113.45");
    expect(flat).toContain("Je propose de régler 500,00 € en 2 mensualités.".replace(/\s/g, " "));
    const hashes = await db
      .select({ h: outboundMessages.contentHash })
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.status, "sent")));
    const compact = text.replace(/\s/g, "");
    for (const { h } of hashes) expect(compact).toContain(h!);
    expect(flat).toContain(`mise en demeure n° ${letterId}, envoi recommandé 1A23456789012`);
    expect(flat).toContain("Pauses des relances");
    expect(flat).toContain("rappel demandé");
    expect(flat).toContain("Échéance 1 : 5 novembre 2026, 250,00 € (payé 0,00 €, manquée)".replace(/\s/g, " "));
  });

  it("writes the timeline CSV one event a line, formulas neutralised", async () => {
    const files = unzipSync(new Uint8Array(await ((await get(debtorId)) as Response).arrayBuffer()));
    const csv = new TextDecoder().decode(files["timeline.csv"]);
    const lines = csv
      .replace(/^\ufeff/, "")
      .trimEnd()
      .split("\r\n");
    const events = await getDb().select().from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId));
    // Every event of the timeline, one line each after the header (the export itself is not one: it is in the staff audit log).
    expect(lines.length - 1).toBe(events.length);
    const call = lines.find((l) => l.includes("HYPERLINK"))!;
    expect(call).toContain(`"note : =HYPERLINK(""http://evil.example"") · staff : Claire Durand"`);
    expect(lines.filter((l) => l.includes('"message.sent"')).every((l) => /"[0-9a-f]{64}"/.test(l))).toBe(true);
  });

  it("is offered on the debtor file to owners and agents of a debtor in litigation only", async () => {
    const page = async (id: number, as: string) =>
      (await debtorFile.loader({
        request: new Request(`${BASE}/backoffice/debtors/${id}`, { headers: { Cookie: as } }),
        params: { debtorId: String(id) },
        context: {},
      })) as Awaited<ReturnType<typeof debtorFile.loader>>;
    expect((await page(debtorId, owner)).canExportDossier).toBe(true);
    expect((await page(debtorId, readOnly)).canExportDossier).toBe(false);
    const quiet = first(
      await getDb()
        .select()
        .from(debtors)
        .where(sql`${debtors.escalatedAt} is null`),
    )!;
    expect((await page(quiet.id, owner)).canExportDossier).toBe(false);
  });

  it("refuses read-only members, debtors not in litigation, and another creditor's debtor (404, as a missing one)", async () => {
    const db = getDb();
    const before = first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n;
    const denied = (await get(debtorId, readOnly)) as Response;
    expect(denied.status).toBe(403);
    expect(await denied.text()).toMatch(/lecture seule/);
    const quiet = first(
      await db
        .select()
        .from(debtors)
        .where(sql`${debtors.escalatedAt} is null`),
    )!;
    const notYet = (await get(quiet.id)) as Response;
    expect(notYet.status).toBe(409);
    expect(await notYet.text()).toMatch(/pas au contentieux/);
    const other = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "a@b.fr" }).returning());
    const stranger = one(
      await db
        .insert(debtors)
        .values({ creditorId: other.id, kind: "business", name: "Client d'un autre", escalatedAt: new Date(NOW) })
        .returning(),
    );
    await db.insert(invoices).values({
      creditorId: other.id,
      debtorId: stranger.id,
      number: "X-1",
      amountCents: 100,
      balanceCents: 100,
      issueDate: "2026-10-01",
      dueDate: "2026-10-31",
      paymentTermsDays: 30,
      status: "litigation",
    });
    expect(((await get(stranger.id)) as Response).status).toBe(404);
    expect(((await get(999_999)) as Response).status).toBe(404);
    expect(((await get("abc")) as Response).status).toBe(404);
    expect(first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n).toBe(before);
  });

  it("is refused, and not recorded, when a letter's file no longer matches the hash recorded when it was sent", async () => {
    const db = getDb();
    const before = (await db.select().from(staffAuditEvents).where(eq(staffAuditEvents.action, "dossier.exported"))).length;
    writeFileSync(first(await db.select().from(letters).where(eq(letters.id, letterId)))!.pdfPath, "%PDF-1.7 tampered");
    const refused = (await get(debtorId)) as Response;
    expect(refused.status).toBe(409);
    expect(await refused.text()).toMatch(new RegExp(`mise en demeure n° ${letterId} a disparu ou a été modifié`));
    expect((await db.select().from(staffAuditEvents).where(eq(staffAuditEvents.action, "dossier.exported"))).length).toBe(before);
  });
});
