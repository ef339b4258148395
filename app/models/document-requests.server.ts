import { and, eq, gt, isNull } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { cadencePauses } from "../../db/tables";

/**
 * A debtor's request for a document is a system-owned pause of the reminders (DESIGN.md); `note`
 * is what the request stores ("kind" or "kind: note").
 */
type DocumentRequest = { debtorId: number; invoiceId: number | null; note: string };

/** The same request still in force, if any: a double submission finds it. */
export async function findOpenDocumentRequest(db: Db, request: DocumentRequest, now: Date) {
  return first(
    await db
      .select({ id: cadencePauses.id })
      .from(cadencePauses)
      .where(
        and(
          eq(cadencePauses.debtorId, request.debtorId),
          eq(cadencePauses.reason, "document_requested"),
          request.invoiceId === null ? isNull(cadencePauses.invoiceId) : eq(cadencePauses.invoiceId, request.invoiceId),
          eq(cadencePauses.note, request.note),
          isNull(cadencePauses.resolvedAt),
          gt(cadencePauses.endsAt, now),
        ),
      ),
  );
}

/** Holds the reminders from `now` until `endsAt` for this request. */
export async function insertDocumentRequestPause(tx: Db, request: DocumentRequest, now: Date, endsAt: Date) {
  return one(
    await tx
      .insert(cadencePauses)
      .values({
        debtorId: request.debtorId,
        invoiceId: request.invoiceId,
        reason: "document_requested",
        startsAt: now,
        endsAt,
        owner: "system",
        note: request.note,
        createdAt: now,
      })
      .returning({ id: cadencePauses.id }),
  );
}
