import { sha256Bytes } from "../auth/tokens.server";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { creditors, debtors } from "../../../db/tables";
import type { CalendarDate } from "../../domain/dates";
import { date, money, type Locale } from "../../../emails/format";
import { winAnsi, wrap } from "../documents/pdf-text.server";

export type FormalNoticeInput = {
  locale: Locale;
  creditor: typeof creditors.$inferSelect;
  debtor: typeof debtors.$inferSelect;
  date: CalendarDate;
  deadline: CalendarDate;
  invoices: {
    number: string;
    issueDate: CalendarDate;
    dueDate: CalendarDate;
    balanceCents: number;
    currency: string;
    interestCents: number;
    /** From this day the half-year's legal rate is not published yet: no interest computed past it, and the letter says so. */
    interestUnpublishedFrom?: CalendarDate | null;
    indemnityCents: number;
  }[];
  previousContacts: { date: CalendarDate; channel: "email" | "sms" | "letter" | "call" }[];
  linkUrl: string;
  /** The privacy notice's address when this letter is the debtor's first message: the letter then carries the notice (GDPR art. 14). */
  privacyUrl?: string | null;
};

const copy = {
  fr: {
    title: "MISE EN DEMEURE DE PAYER",
    sent: "Lettre recommandée avec accusé de réception",
    place: (city: string, day: string) => `${city}, le ${day}`,
    greeting: "Madame, Monsieur,",
    intro: (contacts: string) => `Malgré ${contacts || "nos précédentes relances"}, nous constatons que les factures suivantes restent impayées à ce jour :`,
    invoice: (n: string, issued: string, due: string, amount: string) => `Facture ${n} du ${issued}, échue le ${due} : ${amount} restant dû`,
    total: (amount: string) => `Total restant dû : ${amount}`,
    penalties: (interest: string, indemnity: string | null) =>
      `En application de l'article L441-10 du Code de commerce, ce retard ouvre droit à des pénalités de retard, soit ${interest} à ce jour${indemnity ? `, et à une indemnité forfaitaire pour frais de recouvrement de 40 € par facture, soit ${indemnity}` : ""}.`,
    unpublished: (n: string, from: string) => `Facture ${n} : pénalités à partir du ${from} non calculées, le taux applicable n'étant pas encore publié.`,
    consumerInterest: "Les sommes dues porteront intérêts au taux légal à compter de la présente mise en demeure.",
    demand: (deadline: string) => `Par la présente, nous vous mettons en demeure, au sens de l'article 1344 du Code civil, de nous régler ces sommes au plus tard le ${deadline}.`,
    consequence:
      "À défaut de paiement dans ce délai, nous engagerons sans autre avis une procédure judiciaire de recouvrement, notamment une requête en injonction de payer, dont les frais resteront à votre charge dans les conditions prévues par la loi.",
    pay: (url: string) => `Vous pouvez régler, proposer un échéancier ou nous signaler un désaccord sur : ${url}`,
    bank: (iban: string, bic: string | null) => `Ou par virement : IBAN ${iban}${bic ? ` - BIC ${bic}` : ""}`,
    closing: "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    privacyTitle: "Vos données personnelles",
    privacy: (creditor: string, url: string) => [
      `${creditor} est responsable du traitement de vos données (nom, coordonnées, factures), issues de ses fichiers clients et de sa comptabilité, qu'il traite avec Relance pour le recouvrement amiable de ses créances, sur le fondement de son intérêt légitime et du contrat qui vous lie.`,
      "Destinataires : le créancier, Relance et ses prestataires d'envoi et de paiement (Resend pour l'e-mail, Twilio pour le SMS, Stripe pour le paiement par carte).",
      "Conservation : tant que la créance est ouverte, puis en archive restreinte pendant les durées légales (prescription de la créance, 10 ans pour les pièces comptables), avant anonymisation.",
      `Vous pouvez demander l'accès, la rectification, la limitation ou vous opposer au traitement en écrivant au créancier, et saisir la CNIL. Détails : ${url}`,
    ],
    channel: { email: "notre e-mail du", sms: "notre SMS du", letter: "notre courrier du", call: "notre appel du" },
    and: " et ",
  },
  en: {
    title: "FORMAL NOTICE TO PAY",
    sent: "Registered letter with acknowledgment of receipt",
    place: (city: string, day: string) => `${city}, ${day}`,
    greeting: "Dear Sir or Madam,",
    intro: (contacts: string) => `Despite ${contacts || "our previous reminders"}, the following invoices remain unpaid:`,
    invoice: (n: string, issued: string, due: string, amount: string) => `Invoice ${n} of ${issued}, due ${due}: ${amount} outstanding`,
    total: (amount: string) => `Total outstanding: ${amount}`,
    penalties: (interest: string, indemnity: string | null) =>
      `Under article L441-10 of the French Commercial Code, this delay entitles us to late-payment interest, ${interest} to date${indemnity ? `, and to a fixed recovery indemnity of €40 per invoice, ${indemnity}` : ""}.`,
    unpublished: (n: string, from: string) => `Invoice ${n}: interest from ${from} not computed, as the applicable rate is not published yet.`,
    consumerInterest: "The sums due bear interest at the legal rate from this formal notice.",
    demand: (deadline: string) => `We hereby give you formal notice, within the meaning of article 1344 of the French Civil Code, to pay these sums by ${deadline} at the latest.`,
    consequence:
      "Failing payment by that date, we will start court proceedings for recovery without further notice, including an application for an order for payment (injonction de payer), the costs of which will be borne by you as the law provides.",
    pay: (url: string) => `You can pay, propose a payment plan or tell us about a disagreement at: ${url}`,
    bank: (iban: string, bic: string | null) => `Or by bank transfer: IBAN ${iban}${bic ? ` - BIC ${bic}` : ""}`,
    closing: "Yours faithfully,",
    privacyTitle: "Your personal data",
    privacy: (creditor: string, url: string) => [
      `${creditor} is the controller of your data (name, contact details, invoices), taken from its customer files and accounts, which it processes with Relance to recover its claims out of court, on the basis of its legitimate interest and the contract between you.`,
      "Recipients: the creditor, Relance and its sending and payment providers (Resend for email, Twilio for text messages, Stripe for card payments).",
      "Retention: while the claim is open, then in a restricted archive for the legal periods (the claim's limitation period, 10 years for accounting records), before anonymisation.",
      `You may ask for access, rectification or restriction, or object, by writing to the creditor, and complain to the CNIL. Details: ${url}`,
    ],
    channel: { email: "our email of", sms: "our text message of", letter: "our letter of", call: "our call of" },
    and: " and ",
  },
} as const;

/**
 * The formal notice (mise en demeure, C. civ. 1344) as an A4 PDF: sender and recipient identities,
 * the invoices and amounts, the penalties that apply (L441-10, professionals only: L8), a dated
 * deadline and the consequence of missing it. Returns the text lines too, for the timeline and tests.
 */
export async function renderFormalNotice(input: FormalNoticeInput): Promise<{ bytes: Uint8Array; lines: string[] }> {
  const t = copy[input.locale];
  const { creditor, debtor } = input;
  const fmtMoney = (cents: number, currency: string) => money(input.locale, cents, currency);
  const currency = input.invoices[0]?.currency ?? "EUR";
  const sum = (pick: (i: FormalNoticeInput["invoices"][number]) => number) => input.invoices.reduce((s, i) => s + pick(i), 0);
  const contacts = input.previousContacts.map((c) => `${t.channel[c.channel]} ${date(input.locale, c.date)}`);
  const business = debtor.kind === "business";

  const header = [
    [creditor.legalName, creditor.legalForm].filter(Boolean).join(", "),
    creditor.addressLine,
    `${creditor.postalCode} ${creditor.city}`,
    creditor.siren ? `SIREN ${creditor.siren}` : "",
    creditor.email,
  ].filter(Boolean);
  const recipient = [debtor.name, debtor.addressLine ?? "", [debtor.postalCode, debtor.city].filter(Boolean).join(" ")].filter(Boolean);
  const body = [
    t.title,
    t.sent,
    t.place(creditor.city, date(input.locale, input.date)),
    t.greeting,
    t.intro(contacts.length > 1 ? `${contacts.slice(0, -1).join(", ")}${t.and}${contacts.at(-1)}` : (contacts[0] ?? "")),
    ...input.invoices.map((i) => `- ${t.invoice(i.number, date(input.locale, i.issueDate), date(input.locale, i.dueDate), fmtMoney(i.balanceCents, i.currency))}`),
    t.total(
      fmtMoney(
        sum((i) => i.balanceCents),
        currency,
      ),
    ),
    business
      ? t.penalties(
          fmtMoney(
            sum((i) => i.interestCents),
            currency,
          ),
          creditor.recoveryIndemnityEnabled
            ? fmtMoney(
                sum((i) => i.indemnityCents),
                currency,
              )
            : null,
        )
      : t.consumerInterest,
    ...(business ? input.invoices.flatMap((i) => (i.interestUnpublishedFrom ? [t.unpublished(i.number, date(input.locale, i.interestUnpublishedFrom))] : [])) : []),
    t.demand(date(input.locale, input.deadline)),
    t.consequence,
    t.pay(input.linkUrl),
    creditor.iban ? t.bank(creditor.iban, creditor.bic) : "",
    t.closing,
    creditor.legalName,
    ...(input.privacyUrl ? [t.privacyTitle, ...t.privacy(creditor.legalName, input.privacyUrl)] : []),
  ].filter(Boolean);

  const pdf = await PDFDocument.create();
  pdf.setTitle(`${t.title} - ${debtor.name}`);
  pdf.setAuthor(creditor.legalName);
  pdf.setCreationDate(new Date(`${input.date}T12:00:00Z`));
  pdf.setModificationDate(new Date(`${input.date}T12:00:00Z`));
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const writer = new PageWriter(pdf, regular);
  for (const line of header) writer.write(line, { size: 10 });
  writer.gap(24);
  for (const line of recipient) writer.write(line, { size: 11, indent: 300 });
  writer.gap(24);
  body.forEach((line, index) => {
    writer.write(line, { font: index === 0 ? bold : regular, size: index === 0 ? 14 : 11 });
    writer.gap(6);
  });
  return { bytes: await pdf.save(), lines: [...header, ...recipient, ...body].map(winAnsi) };
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

/** Writes wrapped lines top to bottom, starting a new page when one is full. */
class PageWriter {
  private page: PDFPage;
  private y = A4[1] - MARGIN;
  constructor(
    private readonly pdf: PDFDocument,
    private readonly font: PDFFont,
  ) {
    this.page = pdf.addPage(A4);
  }

  gap(points: number) {
    this.y -= points;
  }

  write(text: string, options: { font?: PDFFont; size: number; indent?: number }) {
    const font = options.font ?? this.font;
    const indent = options.indent ?? 0;
    const width = A4[0] - 2 * MARGIN - indent;
    for (const line of wrap(winAnsi(text), font, options.size, width)) {
      if (this.y < MARGIN) {
        this.page = this.pdf.addPage(A4);
        this.y = A4[1] - MARGIN;
      }
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size: options.size, font, color: rgb(0, 0, 0) });
      this.y -= options.size * 1.35;
    }
  }
}

/** Letters live under STORAGE_DIR, outside the web root; the hash goes to the evidence log (L13). */
export function storeLetterPdf(storageDir: string, bytes: Uint8Array, name: string): { path: string; sha256: string } {
  const dir = resolve(storageDir, "letters");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, bytes);
  // The hash of the bytes on disk, so anyone can check the file with `sha256sum`.
  return { path, sha256: sha256Bytes(bytes) };
}
