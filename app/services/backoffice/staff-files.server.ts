import { readFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import { debtors, disputeFiles, disputes, paymentClaims } from "../../../db/schema";
import { getDb } from "../../db.server";
import { now } from "../../clock.server";
import { requireStaff } from "../auth/staff-auth.server";
import { attachmentResponse } from "../documents/uploads.server";
import { first } from "../../../db/client";

/** A file a debtor uploaded (dispute evidence, proof of payment), for staff of that creditor only, as a download. */
export async function downloadDebtorFile(request: Request, kind: string, idParam: string) {
  const db = getDb();
  const staff = await requireStaff(db, request, now());
  const id = Number(idParam) || 0;
  const file =
    kind === "dispute"
      ? first(
          await db
            .select({ path: disputeFiles.storagePath, name: disputeFiles.originalName, type: disputeFiles.contentType })
            .from(disputeFiles)
            .innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId))
            .innerJoin(debtors, eq(debtors.id, disputes.debtorId))
            .where(and(eq(disputeFiles.id, id), eq(debtors.creditorId, staff.creditorId))),
        )
      : kind === "claim"
        ? first(
            await db
              .select({ path: paymentClaims.proofPath, name: paymentClaims.proofName, type: paymentClaims.proofContentType })
              .from(paymentClaims)
              .innerJoin(debtors, eq(debtors.id, paymentClaims.debtorId))
              .where(and(eq(paymentClaims.id, id), eq(debtors.creditorId, staff.creditorId))),
          )
        : undefined;
  if (!file?.path || !file.name || !file.type) throw new Response("Fichier introuvable.", { status: 404 });
  return attachmentResponse(readFileSync(file.path), file.name, file.type);
}
