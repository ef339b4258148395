import { loadEcbTable } from "../../models/published-rates.server";
import { existsSync, readFileSync } from "node:fs";
import { zipSync, type Zippable } from "fflate";
import { computeClaim, canExportDossier, safeFileName } from "../../domain/dossier";
import { toCsv } from "../../domain/csv";
import { localDate } from "../../domain/dates";
import { actorLabels, eventLabels } from "../../domain/timeline-labels";
import { describeEventData } from "../../domain/dossier";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { loadDossierFacts, type DossierFacts } from "../../models/dossier.server";
import { renderDossierPdf, type DossierPiece } from "../documents/dossier-pdf.server";
import { renderInvoicePdf } from "../documents/invoice-pdf.server";
import { requireStaff } from "../auth/staff-auth.server";
import { recordAuditEvent } from "../../models/staff-audit.server";
import { sha256Bytes } from "../auth/tokens.server";

type Piece = DossierPiece & { bytes: Uint8Array; kind: string };

const piece = (name: string, bytes: Uint8Array, kind: string, description: string): Piece => ({ name, bytes, kind, description, sha256: sha256Bytes(bytes) });

/** A file we hold for the dossier: read from STORAGE_DIR, or null if it is no longer there. */
function readStored(path: string | null): Uint8Array | null {
  return path && existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
}

/**
 * The source files: each invoice still owed (the stored original, else the copy the portal serves),
 * each formal notice sent (refused if its file no longer matches the hash recorded when it was made),
 * the debtor's uploads, and the timeline as CSV.
 */
async function collectPieces(facts: DossierFacts, timeZone: string): Promise<{ ok: true; pieces: Piece[]; missing: string[] } | { ok: false; error: string }> {
  const pieces: Piece[] = [];
  const missing: string[] = [];
  for (const invoice of facts.invoices.filter((i) => i.status === "open" || i.status === "litigation")) {
    const name = `factures/facture-${safeFileName(invoice.number, String(invoice.id))}.pdf`;
    const original = readStored(invoice.pdfPath);
    pieces.push(
      original
        ? piece(name, original, "invoice", `facture ${invoice.number} (fichier d'origine)`)
        : piece(name, await renderInvoicePdf({ locale: "fr", creditor: facts.creditor, debtor: facts.debtor, invoice }), "invoice_copy", `copie de la facture ${invoice.number}`),
    );
  }
  for (const letter of facts.letters.filter((l) => l.status === "posted")) {
    const bytes = readStored(letter.pdfPath);
    if (!bytes || sha256Bytes(bytes) !== letter.pdfSha256) {
      return {
        ok: false,
        error: `Le fichier de la mise en demeure n° ${letter.id} a disparu ou a été modifié depuis son envoi : le dossier ne peut pas être établi. Prévenez un administrateur.`,
      };
    }
    pieces.push(piece(`courriers/mise-en-demeure-${letter.id}.pdf`, bytes, "letter", `mise en demeure n° ${letter.id}, envoi recommandé ${letter.trackingNumber ?? "—"}`));
  }
  for (const file of facts.disputeFiles) {
    const bytes = readStored(file.storagePath);
    const name = `pieces-debiteur/contestation-${file.disputeId}-${file.id}-${safeFileName(file.originalName)}`;
    if (bytes) pieces.push(piece(name, bytes, "debtor_upload", `pièce jointe à la contestation n° ${file.disputeId}`));
    else missing.push(name);
  }
  for (const claim of facts.paymentClaims.filter((c) => c.proofPath)) {
    const bytes = readStored(claim.proofPath);
    const name = `pieces-debiteur/paiement-declare-${claim.id}-${safeFileName(claim.proofName ?? "justificatif")}`;
    if (bytes) pieces.push(piece(name, bytes, "debtor_upload", `justificatif du paiement déclaré n° ${claim.id}`));
    else missing.push(name);
  }
  pieces.push(piece("timeline.csv", new TextEncoder().encode(timelineCsv(facts, timeZone)), "timeline", "historique complet, une ligne par événement"));
  return { ok: true, pieces, missing };
}

/** The timeline as a spreadsheet opens it safely (formula injection neutralised by toCsv). */
export function timelineCsv(facts: DossierFacts, timeZone: string): string {
  const local = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone });
  const messages = new Map(facts.messages.map((m) => [m.id, m]));
  const numberOf = new Map(facts.invoices.map((i) => [i.id, i.number]));
  return toCsv(
    ["Date (UTC)", "Date (heure locale)", "Type", "Événement", "Acteur", "Facture", "Canal", "Destinataire", "Objet", "Statut", "SHA-256 du contenu", "Détail"],
    facts.events.map((e) => {
      const m = messages.get(Number(e.data.messageId));
      return [
        e.occurredAt.toISOString(),
        local.format(e.occurredAt),
        e.type,
        eventLabels[e.type] ?? e.type,
        actorLabels[e.actor] ?? e.actor,
        e.invoiceId ? (numberOf.get(e.invoiceId) ?? String(e.invoiceId)) : null,
        m?.channel ?? null,
        m?.toAddress ?? null,
        m ? (m.subject ?? m.step) : null,
        m?.status ?? null,
        m?.contentHash ?? null,
        describeEventData(e.data),
      ];
    }),
  );
}

/**
 * GET /backoffice/debtors/:id/dossier: the litigation dossier as a ZIP, for owners and agents, for a
 * debtor in litigation. The export itself goes on the timeline (who, when, the archive's hash): the
 * append-only evidence log records reads of the file too, and nothing else changes.
 */
export async function exportDossier(db: Db, request: Request, debtorIdParam: string): Promise<Response> {
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas d'exporter un dossier contentieux.", { status: 403 });
  const facts = await loadDossierFacts(db, staff.creditorId, Number(debtorIdParam) || 0);
  if (!facts) throw new Response("Client introuvable.", { status: 404 });
  if (!canExportDossier(facts.debtor, facts.invoices)) {
    throw new Response("Ce client n'est pas au contentieux : le dossier s'exporte une fois le client transmis au contentieux ou une facture passée en contentieux.", {
      status: 409,
    });
  }
  const timeZone = staff.creditorTimeZone;
  const asOf = localDate(at, timeZone);
  const openDisputes = new Set(facts.disputes.filter((d) => d.status === "open").map((d) => d.invoiceId));
  const claim = computeClaim({
    asOf,
    ecb: await loadEcbTable(db),
    terms: {
      debtorKind: facts.debtor.kind,
      rateMode: facts.creditor.penaltyRateMode,
      contractRateBp: facts.creditor.contractPenaltyRateBp,
      indemnityEnabled: facts.creditor.recoveryIndemnityEnabled,
    },
    invoices: facts.invoices.map((i) => ({
      id: i.id,
      number: i.number,
      currency: i.currency,
      balanceCents: i.balanceCents,
      dueDate: i.dueDate,
      status: i.status,
      disputed: openDisputes.has(i.id),
    })),
  });
  const collected = await collectPieces(facts, timeZone);
  if (!collected.ok) throw new Response(collected.error, { status: 409 });
  const pdf = piece(
    "dossier.pdf",
    await renderDossierPdf({ facts, claim, asOf, generatedAt: at, generatedBy: staff.name, timeZone, pieces: collected.pieces }),
    "dossier",
    "le dossier : parties, créance, factures, historique, reconnaissances, bordereau",
  );
  const files = [pdf, ...collected.pieces];
  const manifest = {
    dossier: "Dossier de recouvrement contentieux",
    generatedAt: at.toISOString(),
    generatedBy: staff.name,
    asOf,
    creditor: { legalName: facts.creditor.legalName, siren: facts.creditor.siren },
    debtor: { id: facts.debtor.id, name: facts.debtor.name, kind: facts.debtor.kind, siren: facts.debtor.siren },
    claim: { total: claim.total, principal: claim.principal, interest: claim.interest, indemnity: claim.indemnity, excludedDisputedInvoices: claim.disputed.map((d) => d.number) },
    files: files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes.byteLength, kind: f.kind, description: f.description })),
    missingFiles: collected.missing,
  };
  const entries: Zippable = { "manifest.json": new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
  for (const f of files) entries[f.name] = f.bytes;
  const zip = zipSync(entries, { level: 6, mtime: at });
  const zipSha256 = sha256Bytes(zip);
  // A download is not an action on the debtor's file (a GET changes nothing anyone acts on): it goes
  // to the staff audit log, with the archive's hash, not to the debtor's timeline.
  await recordAuditEvent(db, {
    creditorId: staff.creditorId,
    actorStaffUserId: staff.id,
    action: "dossier.exported",
    data: { debtorId: facts.debtor.id, files: files.length + 1, sha256: zipSha256 },
    occurredAt: at,
  });
  const filename = `dossier-${safeFileName(facts.debtor.name, `client-${facts.debtor.id}`)}-${asOf}.zip`;
  return new Response(Buffer.from(zip), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
