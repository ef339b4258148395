import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { seededDb } from "../support/db";
import { creditors, debtors } from "../../db/tables";
import { renderFormalNotice, storeLetterPdf, type FormalNoticeInput } from "~/services/shared/letters.server";
import { first } from "../../db/client";

async function input(kind: "business" | "consumer", locale: "fr" | "en" = "fr"): Promise<FormalNoticeInput> {
  const { db } = await seededDb("2026-11-20");
  const creditor = first(await db.select().from(creditors))!;
  const debtor = first(await db.select().from(debtors).where(eq(debtors.kind, kind)))!;
  return {
    locale,
    creditor,
    debtor,
    date: "2026-11-20",
    deadline: "2026-11-28",
    invoices: [
      { number: "F-2026-0042", issueDate: "2026-09-01", dueDate: "2026-10-01", balanceCents: 1_234_56, currency: "EUR", interestCents: 41_90, indemnityCents: 40_00 },
      { number: "F-2026-0043", issueDate: "2026-09-15", dueDate: "2026-10-15", balanceCents: 500_00, currency: "EUR", interestCents: 11_00, indemnityCents: 40_00 },
    ],
    previousContacts: [
      { date: "2026-10-06", channel: "email" },
      { date: "2026-10-16", channel: "sms" },
    ],
    linkUrl: "https://relance.example/l/token",
  };
}

describe("the formal notice letter", () => {
  it("carries what the law asks of a mise en demeure to a professional", async () => {
    const notice = await input("business");
    const { bytes, lines } = await renderFormalNotice(notice);
    const text = lines.join("\n");
    expect(text).toContain("MISE EN DEMEURE DE PAYER");
    expect(text).toContain("Lettre recommandée avec accusé de réception");
    expect(text).toContain(notice.creditor.legalName);
    expect(text).toContain(`SIREN ${notice.creditor.siren}`);
    expect(text).toContain(notice.debtor.name);
    expect(text).toContain("Malgré notre e-mail du 6 octobre 2026 et notre SMS du 16 octobre 2026");
    expect(text).toContain("Facture F-2026-0042 du 1er septembre 2026, échue le 1er octobre 2026 : 1 234,56 € restant dû");
    expect(text).toContain("Total restant dû : 1 734,56 €");
    expect(text).toContain("article L441-10 du Code de commerce");
    expect(text).toContain("40 € par facture, soit 80,00 €");
    expect(text).toContain("au sens de l'article 1344 du Code civil");
    expect(text).toContain("au plus tard le 28 novembre 2026");
    expect(text).toContain("injonction de payer");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.getTitle()).toContain("MISE EN DEMEURE");
  });

  it("gives a consumer no commercial penalties and no 40 € indemnity (L8)", async () => {
    const { lines } = await renderFormalNotice(await input("consumer"));
    const text = lines.join("\n");
    expect(text).not.toContain("L441-10");
    expect(text).not.toContain("40 €");
    expect(text).toContain("intérêts au taux légal à compter de la présente mise en demeure");
  });

  it("says when the penalties of a half-year cannot be computed because its rate is not published yet", async () => {
    const notice = await input("business");
    const unpublished = { ...notice, invoices: notice.invoices.map((i, n) => (n === 0 ? { ...i, interestUnpublishedFrom: "2027-01-01" as const } : i)) };
    const fr = (await renderFormalNotice(unpublished)).lines.join("\n");
    expect(fr).toContain("Facture F-2026-0042 : pénalités à partir du 1er janvier 2027 non calculées, le taux applicable n'étant pas encore publié.");
    expect(fr).not.toContain("Facture F-2026-0043 : pénalités à partir");
    const en = (await renderFormalNotice({ ...unpublished, locale: "en" })).lines.join("\n");
    expect(en).toContain("Invoice F-2026-0042: interest from 1 January 2027 not computed, as the applicable rate is not published yet.");
    // A consumer's letter carries no commercial penalties, published or not.
    expect((await renderFormalNotice({ ...unpublished, debtor: (await input("consumer")).debtor })).lines.join("\n")).not.toContain("non calculées");
    expect((await renderFormalNotice(notice)).lines.join("\n")).not.toContain("non calculées");
  });

  it("is made for a debtor whose name the PDF fonts cannot draw as is", async () => {
    const notice = await input("business");
    const { bytes, lines } = await renderFormalNotice({ ...notice, debtor: { ...notice.debtor, name: "Łódź Meble Sp. z o.o." } });
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
    // Helvetica has "ó" but no "Ł" nor "ź": the letter goes out with what it can draw rather than failing.
    expect(lines).toContain("?ódz Meble Sp. z o.o.");
  });

  it("carries the privacy notice when it is the debtor's first message, and only then (GDPR art. 14)", async () => {
    const notice = await input("business");
    const initial = (await renderFormalNotice({ ...notice, privacyUrl: "https://relance.example/privacy" })).lines.join("\n");
    expect(initial).toContain("Vos données personnelles");
    expect(initial).toContain(`${notice.creditor.legalName} est responsable du traitement de vos données`);
    expect(initial).toContain("Resend pour l'e-mail, Twilio pour le SMS, Stripe");
    expect(initial).toContain("10 ans pour les pièces comptables");
    expect(initial).toContain("saisir la CNIL. Détails : https://relance.example/privacy");
    const later = (await renderFormalNotice(notice)).lines.join("\n");
    expect(later).not.toContain("Vos données personnelles");
  });

  it("is written in the debtor's language", async () => {
    const { lines } = await renderFormalNotice(await input("business", "en"));
    expect(lines.join("\n")).toContain("FORMAL NOTICE TO PAY");
  });

  it("is stored outside the web root with its hash for the evidence log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "relance-letters-"));
    const { bytes } = await renderFormalNotice(await input("business"));
    const stored = storeLetterPdf(dir, bytes, "formal-notice-1.pdf");
    expect(stored.path.startsWith(dir)).toBe(true);
    expect(readFileSync(stored.path).subarray(0, 5).toString()).toBe("%PDF-");
    expect(stored.sha256).toBe(createHash("sha256").update(readFileSync(stored.path)).digest("hex"));
  });
});
