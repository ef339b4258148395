import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { Claim } from "../../domain/dossier";
import { describeTimelineData, messageStatusLabel } from "../../domain/timeline-text";
import { STEP_LABELS } from "../../domain/contact-reasons";
import type { CalendarDate } from "../../domain/dates";
import { actorLabels, channelWords, eventLabels } from "../../domain/timeline-labels";
import { date, money } from "../../../emails/format";
import type { DossierFacts } from "../../models/dossier.server";
import { winAnsi } from "./pdf-text.server";

export type DossierPiece = { name: string; sha256: string; description: string };

export type DossierPdfInput = {
  facts: DossierFacts;
  claim: Claim;
  asOf: CalendarDate;
  generatedAt: Date;
  generatedBy: string;
  timeZone: string;
  pieces: DossierPiece[];
};

type Column = { label: string; width: number; align?: "right" };
export type Block =
  | { kind: "title" | "heading" | "subheading"; text: string }
  | { kind: "text" | "small"; text: string }
  | { kind: "table"; columns: Column[]; rows: string[][] }
  | { kind: "page" };

const statusLabels: Record<string, string> = { open: "ouverte", paid: "payée", cancelled: "annulée", litigation: "contentieux" };
const kindLabels: Record<string, string> = { payment: "paiement", refund: "remboursement", chargeback: "contestation bancaire" };
const promiseSources: Record<string, string> = { portal: "portail (en ligne)", phone: "téléphone", staff: "équipe" };
const promiseStatus: Record<string, string> = { open: "en cours", kept: "tenue", broken: "non tenue", cancelled: "annulée" };
const pauseReasons: Record<string, string> = { document_requested: "document demandé", callback_requested: "rappel demandé", payment_claimed: "paiement déclaré", staff_hold: "mise en attente par l'équipe" };
const installmentStatus: Record<string, string> = { scheduled: "prévue", paid: "payée", missed: "manquée" };
const planStatus: Record<string, string> = { pending_review: "à examiner", accepted: "accepté", rejected: "refusé", countered: "contre-proposition", defaulted: "rompu", completed: "soldé", lapsed: "non examiné à temps" };

/**
 * The dossier's content, in reading order: a cover with the parties and the claim, the invoices, the
 * whole timeline, the debtor's acknowledgments with the exact text they confirmed, and the list of
 * pieces with their SHA-256. In French: it goes to a lawyer, a bailiff or a court.
 */
export function dossierBlocks(input: DossierPdfInput): Block[] {
  const { facts, claim } = input;
  const { creditor, debtor } = facts;
  const eur = (cents: number, currency: string) => money("fr", cents, currency);
  const sums = (list: { cents: number; currency: string }[]) => list.map((m) => eur(m.cents, m.currency)).join(" + ") || eur(0, "EUR");
  const instant = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone: input.timeZone });
  const at = (d: Date | null) => (d ? instant.format(d) : "—");
  const numberOf = new Map(facts.invoices.map((i) => [i.id, i.number]));
  const currencyOf = new Map(facts.invoices.map((i) => [i.id, i.currency]));
  const business = debtor.kind === "business";
  const blocks: Block[] = [
    { kind: "title", text: "Dossier de recouvrement contentieux" },
    { kind: "small", text: `Établi le ${at(input.generatedAt)} (${input.timeZone}) par ${input.generatedBy}, arrêté au ${date("fr", input.asOf)}.` },
    { kind: "heading", text: "Créancier" },
    { kind: "text", text: [creditor.legalName, creditor.legalForm].filter(Boolean).join(", ") },
    { kind: "text", text: `${creditor.addressLine}, ${creditor.postalCode} ${creditor.city}` },
    ...(creditor.siren ? [{ kind: "text" as const, text: `SIREN ${creditor.siren}` }] : []),
    ...(creditor.vatNumber ? [{ kind: "text" as const, text: `TVA ${creditor.vatNumber}` }] : []),
    { kind: "text", text: creditor.email },
    { kind: "heading", text: "Débiteur" },
    { kind: "text", text: `${debtor.name} (${business ? "professionnel" : "particulier"})` },
    { kind: "text", text: debtor.siren ? `SIREN ${debtor.siren}` : "SIREN : non renseigné" },
    { kind: "text", text: [debtor.addressLine, [debtor.postalCode, debtor.city].filter(Boolean).join(" "), debtor.country !== "FR" ? debtor.country : ""].filter(Boolean).join(", ") || "Adresse postale : non renseignée" },
    ...(debtor.externalRef ? [{ kind: "text" as const, text: `Référence client : ${debtor.externalRef}` }] : []),
    ...(debtor.escalatedAt ? [{ kind: "text" as const, text: `Transmis au contentieux le ${at(debtor.escalatedAt)}` }] : []),
    { kind: "heading", text: "Créance réclamée" },
    {
      kind: "table",
      columns: business
        ? [
            { label: "Facture", width: 90 },
            { label: "Échéance", width: 70 },
            { label: "Retard", width: 45, align: "right" },
            { label: "Principal", width: 75, align: "right" },
            { label: "Pénalités L441-10", width: 80, align: "right" },
            { label: "Indemnité", width: 55, align: "right" },
            { label: "Total", width: 68, align: "right" },
          ]
        : [
            { label: "Facture", width: 140 },
            { label: "Échéance", width: 110 },
            { label: "Retard", width: 80, align: "right" },
            { label: "Principal", width: 153, align: "right" },
          ],
      rows: claim.lines.map((l) =>
        business
          ? [l.number, date("fr", l.dueDate), `${l.daysLate} j`, eur(l.principalCents, l.currency), eur(l.interestCents, l.currency), eur(l.indemnityCents, l.currency), eur(l.totalCents, l.currency)]
          : [l.number, date("fr", l.dueDate), `${l.daysLate} j`, eur(l.principalCents, l.currency)],
      ),
    },
    { kind: "text", text: `Principal : ${sums(claim.principal)}` },
    ...(business
      ? [
          { kind: "text" as const, text: `Pénalités de retard (art. L441-10 II du Code de commerce) : ${sums(claim.interest)}` },
          { kind: "text" as const, text: `Indemnités forfaitaires pour frais de recouvrement (40 € par facture, art. D441-5) : ${sums(claim.indemnity)}` },
        ]
      : []),
    { kind: "subheading", text: `Total réclamé : ${sums(claim.total)}` },
    {
      kind: "small",
      text: business
        ? `Pénalités calculées par facture sur le principal restant dû, du lendemain de l'échéance au ${date("fr", input.asOf)}, ${creditor.penaltyRateMode === "contract" ? "au taux contractuel" : "au taux de la BCE en vigueur au 1er janvier ou au 1er juillet de chaque semestre majoré de 10 points"}, intérêts simples (base 365), arrondis au centime.`
        : "Débiteur particulier : ni pénalités de l'article L441-10 ni indemnité forfaitaire (réservées aux professionnels).",
    },
  ];
  for (const l of business ? claim.lines : []) {
    for (const p of l.periods) blocks.push({ kind: "small", text: `${l.number} : du ${date("fr", p.from)} au ${date("fr", p.to)}, ${p.days} j ${p.rateBp === null ? ": taux non encore publié, intérêts non calculés" : `à ${(p.rateBp / 100).toFixed(2).replace(".", ",")} % = ${eur(p.interestCents, l.currency)}`}` });
  }
  if (claim.disputed.length > 0) {
    blocks.push({ kind: "subheading", text: "Factures contestées, exclues de la demande" });
    for (const d of claim.disputed) blocks.push({ kind: "text", text: `${d.number} : ${eur(d.balanceCents, d.currency)} restant dû, contestation ouverte (voir l'historique).` });
  }
  if (claim.notDue.length > 0) {
    blocks.push({ kind: "subheading", text: "Factures non encore échues, non réclamées" });
    for (const d of claim.notDue) blocks.push({ kind: "text", text: `${d.number} : ${eur(d.balanceCents, d.currency)}, échéance le ${date("fr", d.dueDate)}` });
  }

  blocks.push({ kind: "page" }, { kind: "heading", text: "Factures" });
  blocks.push({
    kind: "table",
    columns: [
      { label: "Facture", width: 95 },
      { label: "Émise le", width: 70 },
      { label: "Échéance", width: 70 },
      { label: "Montant", width: 80, align: "right" },
      { label: "Reste dû", width: 80, align: "right" },
      { label: "État", width: 88 },
    ],
    rows: facts.invoices.map((i) => [i.number, date("fr", i.issueDate), date("fr", i.dueDate), eur(i.amountCents, i.currency), eur(i.balanceCents, i.currency), statusLabels[i.status] ?? i.status]),
  });
  if (facts.payments.length > 0) {
    blocks.push({ kind: "subheading", text: "Paiements reçus" });
    blocks.push({
      kind: "table",
      columns: [
        { label: "Date", width: 110 },
        { label: "Facture", width: 95 },
        { label: "Nature", width: 120 },
        { label: "Montant", width: 80, align: "right" },
        { label: "Moyen", width: 78 },
      ],
      rows: facts.payments.map((p) => [at(p.receivedAt), numberOf.get(p.invoiceId) ?? "—", kindLabels[p.kind] ?? p.kind, eur(p.kind === "payment" ? p.amountCents : -Math.abs(p.amountCents), p.currency), p.method]),
    });
  }

  blocks.push({ kind: "page" }, { kind: "heading", text: "Historique complet" });
  blocks.push({ kind: "small", text: "Chaque envoi est identifié par l'empreinte SHA-256 du contenu envoyé, enregistrée au moment de l'envoi. Les ouvertures de lien ne valent pas reconnaissance." });
  const messages = new Map(facts.messages.map((m) => [m.id, m]));
  blocks.push({
    kind: "table",
    columns: [
      { label: "Date", width: 95 },
      { label: "Événement", width: 120 },
      { label: "Détail", width: 268 },
    ],
    rows: facts.events.map((e) => {
      const message = messages.get(Number(e.data.messageId));
      const detail = message
        ? [
            `${channelWords[message.channel] ?? message.channel} à ${message.toAddress ?? "—"}`,
            message.subject ?? STEP_LABELS[message.step] ?? "message",
            messageStatusLabel(message.status),
            message.contentHash ? `SHA-256 ${message.contentHash}` : "",
          ]
            .filter(Boolean)
            .join(" · ")
        : describeTimelineData(e.data, input.timeZone);
      const about = e.invoiceId ? ` (${numberOf.get(e.invoiceId) ?? e.invoiceId})` : "";
      return [at(e.occurredAt), `${eventLabels[e.type] ?? e.type}${about} — ${actorLabels[e.actor] ?? e.actor}`, detail || "—"];
    }),
  });

  if (facts.pauses.length > 0) {
    blocks.push({ kind: "subheading", text: "Pauses des relances" });
    blocks.push({
      kind: "table",
      columns: [
        { label: "Motif", width: 150 },
        { label: "Facture", width: 80 },
        { label: "Du", width: 85 },
        { label: "Au", width: 85 },
        { label: "Levée le", width: 83 },
      ],
      rows: facts.pauses.map((p) => [pauseReasons[p.reason] ?? p.reason, p.invoiceId ? (numberOf.get(p.invoiceId) ?? String(p.invoiceId)) : "toutes", at(p.startsAt), at(p.endsAt), at(p.resolvedAt)]),
    });
  }

  blocks.push({ kind: "page" }, { kind: "heading", text: "Reconnaissances du débiteur (promesses et échéanciers)" });
  blocks.push({ kind: "small", text: "Texte exact présenté au débiteur et confirmé par lui, avec l'horodatage, l'adresse IP et le navigateur enregistrés (C. civ. 2240)." });
  if (facts.promises.length === 0 && facts.plans.length === 0) blocks.push({ kind: "text", text: "Aucune promesse ni proposition d'échéancier." });
  for (const p of facts.promises) {
    blocks.push({ kind: "subheading", text: `Promesse n° ${p.id} du ${at(p.createdAt)} — facture ${numberOf.get(p.invoiceId) ?? p.invoiceId}` });
    blocks.push({ kind: "text", text: `Paiement promis le ${date("fr", p.promisedDate)}${p.amountCents !== null ? ` pour ${eur(p.amountCents, currencyOf.get(p.invoiceId) ?? "EUR")}` : ""} · recueillie par ${promiseSources[p.source] ?? p.source} · ${promiseStatus[p.status] ?? p.status}` });
    blocks.push({ kind: "text", text: p.acknowledgmentText ? `Texte confirmé : « ${p.acknowledgmentText} »` : "Pas de texte confirmé en ligne (promesse recueillie par l'équipe)." });
    if (p.acknowledgedIp || p.acknowledgedUserAgent) blocks.push({ kind: "small", text: `Adresse IP ${p.acknowledgedIp ?? "—"} · navigateur ${p.acknowledgedUserAgent ?? "—"}${p.linkId ? ` · lien n° ${p.linkId}` : ""}` });
  }
  for (const plan of facts.plans) {
    const covered = facts.planInvoices.filter((pi) => pi.planId === plan.id).map((pi) => numberOf.get(pi.invoiceId) ?? String(pi.invoiceId));
    blocks.push({ kind: "subheading", text: `Échéancier n° ${plan.id} du ${at(plan.createdAt)} — ${eur(plan.totalCents, plan.currency)} (${planStatus[plan.status] ?? plan.status})` });
    blocks.push({ kind: "text", text: `Factures : ${covered.join(", ") || "—"}` });
    for (const i of facts.installments.filter((x) => x.planId === plan.id)) {
      blocks.push({ kind: "small", text: `Échéance ${i.position} : ${date("fr", i.dueDate)}, ${eur(i.amountCents, plan.currency)} (payé ${eur(i.paidCents, plan.currency)}, ${installmentStatus[i.status] ?? i.status})` });
    }
    blocks.push({ kind: "text", text: plan.acknowledgmentText ? `Texte confirmé : « ${plan.acknowledgmentText} »` : "Pas de texte confirmé en ligne." });
    if (plan.acknowledgedIp || plan.acknowledgedUserAgent) blocks.push({ kind: "small", text: `Adresse IP ${plan.acknowledgedIp ?? "—"} · navigateur ${plan.acknowledgedUserAgent ?? "—"}${plan.linkId ? ` · lien n° ${plan.linkId}` : ""}` });
    if (plan.decisionReason) blocks.push({ kind: "small", text: `Décision : ${plan.decisionReason}` });
  }

  blocks.push({ kind: "page" }, { kind: "heading", text: "Pièces jointes (bordereau)" });
  blocks.push({ kind: "small", text: "Fichiers joints à ce dossier dans l'archive, avec leur empreinte SHA-256 (vérifiable par sha256sum). manifest.json reprend la liste, ce document compris." });
  input.pieces.forEach((piece, index) => {
    blocks.push({ kind: "text", text: `Pièce ${index + 1} : ${piece.name} — ${piece.description}` });
    blocks.push({ kind: "small", text: `SHA-256 ${piece.sha256}` });
  });
  return blocks;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const WIDTH = A4[0] - 2 * MARGIN;
const SIZES = { title: 18, heading: 13, subheading: 11, text: 10, small: 8 } as const;
const CELL = 8;

/** Word wrap that also cuts a word wider than the line (a hash, a long reference). */
function wrapHard(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (font.widthOfTextAtSize(word, size) > width && word.length > 1) {
      let cut = word.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(word.slice(0, cut), size) > width) cut--;
      if (current) lines.push(current);
      lines.push(word.slice(0, cut));
      current = "";
      word = word.slice(cut);
    }
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  return lines.length ? lines : [""];
}

class Writer {
  page: PDFPage;
  y = A4[1] - MARGIN;
  constructor(
    private readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage(A4);
  }
  newPage() {
    this.page = this.pdf.addPage(A4);
    this.y = A4[1] - MARGIN;
  }
  need(height: number) {
    if (this.y - height < MARGIN) this.newPage();
  }
  line(text: string, size: number, font: PDFFont, x = MARGIN) {
    this.page.drawText(text, { x, y: this.y - size, size, font, color: rgb(0, 0, 0) });
  }
  paragraph(text: string, size: number, font: PDFFont, gapBefore: number) {
    this.y -= gapBefore;
    for (const l of wrapHard(winAnsi(text), font, size, WIDTH)) {
      this.need(size * 1.35);
      this.line(l, size, font);
      this.y -= size * 1.35;
    }
  }
  table(columns: Column[], rows: string[][]) {
    const header = () => {
      this.need(CELL * 2.7);
      this.y -= 6;
      let x = MARGIN;
      for (const c of columns) {
        this.cell(c, winAnsi(c.label), x, this.bold);
        x += c.width;
      }
      this.y -= CELL * 1.5;
      this.page.drawLine({ start: { x: MARGIN, y: this.y + 2 }, end: { x: MARGIN + WIDTH, y: this.y + 2 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
    };
    header();
    for (const row of rows) {
      const wrapped = row.map((text, i) => wrapHard(winAnsi(text), this.regular, CELL, columns[i]!.width - 4));
      const height = Math.max(...wrapped.map((w) => w.length)) * CELL * 1.3 + 3;
      if (this.y - height < MARGIN) {
        this.newPage();
        header();
      }
      let x = MARGIN;
      wrapped.forEach((lines, i) => {
        lines.forEach((l, n) => this.cell(columns[i]!, l, x, this.regular, n * CELL * 1.3));
        x += columns[i]!.width;
      });
      this.y -= height;
    }
  }
  private cell(column: Column, text: string, x: number, font: PDFFont, down = 0) {
    const left = column.align === "right" ? x + column.width - 4 - font.widthOfTextAtSize(text, CELL) : x;
    this.page.drawText(text, { x: left, y: this.y - CELL - down, size: CELL, font, color: rgb(0, 0, 0) });
  }
}

/** The dossier as an A4 PDF, dated from the export (the same facts at the same instant give the same bytes). */
export async function renderDossierPdf(input: DossierPdfInput): Promise<Uint8Array> {
  const blocks = dossierBlocks(input);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(winAnsi(`Dossier contentieux - ${input.facts.debtor.name}`));
  pdf.setAuthor(winAnsi(input.facts.creditor.legalName));
  pdf.setProducer("Relance");
  pdf.setCreator("Relance");
  pdf.setCreationDate(input.generatedAt);
  pdf.setModificationDate(input.generatedAt);
  const writer = new Writer(pdf, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));
  for (const block of blocks) {
    if (block.kind === "page") writer.newPage();
    else if (block.kind === "table") writer.table(block.columns, block.rows);
    else {
      const bold = block.kind === "title" || block.kind === "heading" || block.kind === "subheading";
      const gap = { title: 0, heading: 16, subheading: 10, text: 3, small: 2 }[block.kind];
      writer.paragraph(block.text, SIZES[block.kind], bold ? writer.bold : writer.regular, gap);
    }
  }
  return pdf.save();
}
