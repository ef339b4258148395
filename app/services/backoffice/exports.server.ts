import { daysOverdue } from "../../domain/aging";
import { toCsv } from "../../domain/csv";
import { localDate } from "../../domain/dates";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { requireStaff } from "../auth/staff-auth.server";
import { listOpenBookInvoices } from "../../models/exports.server";

/** The open book as CSV, safe to open in a spreadsheet (formula injection neutralised). */
export async function exportOpenInvoices(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const today = localDate(at, staff.creditorTimeZone);
  const rows = await listOpenBookInvoices(db, staff.creditorId);
  const csv = toCsv(
    ["Client", "Réf. client", "Facture", "Émise le", "Échéance", "Montant (€)", "Reste dû (€)", "Jours de retard", "État"],
    rows.map(({ invoice, debtorName, debtorRef }) => [
      debtorName,
      debtorRef,
      invoice.number,
      invoice.issueDate,
      invoice.dueDate,
      invoice.amountCents / 100,
      invoice.balanceCents / 100,
      daysOverdue(invoice.dueDate, today),
      invoice.status === "litigation" ? "contentieux" : "ouverte",
    ]),
  );
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="encours-${today}.csv"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
