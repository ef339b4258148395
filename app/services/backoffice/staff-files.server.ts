import { readFileSync } from "node:fs";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { requireStaff } from "../auth/staff-auth.server";
import { attachmentResponse } from "../documents/uploads.server";
import { getClaimProofOfCreditor, getDisputeFileOfCreditor } from "../../models/debtor-file.server";

/** A file a debtor uploaded (dispute evidence, proof of payment), for staff of that creditor only, as a download. */
export async function downloadDebtorFile(db: Db, request: Request, kind: string, idParam: string) {
  const staff = await requireStaff(db, request, now());
  const id = Number(idParam) || 0;
  const file =
    kind === "dispute" ? await getDisputeFileOfCreditor(db, staff.creditorId, id) : kind === "claim" ? await getClaimProofOfCreditor(db, staff.creditorId, id) : undefined;
  if (!file?.path || !file.name || !file.type) throw new Response("Fichier introuvable.", { status: 404 });
  return attachmentResponse(readFileSync(file.path), file.name, file.type);
}
