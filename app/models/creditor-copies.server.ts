import { and, eq, isNull } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { commitmentEvidence, creditors, debtors, staffUsers } from "../../db/tables";

/** The evidence kept for a debtor's commitment (M22) and where the creditor's copy goes. */

/** The creditor's notification address, or its owners' emails when none is set. */
export async function copyAddresses(tx: Db, creditorId: number): Promise<string[]> {
  const creditor = first(await tx.select({ notificationEmail: creditors.notificationEmail }).from(creditors).where(eq(creditors.id, creditorId)));
  if (creditor?.notificationEmail) return [creditor.notificationEmail];
  return (
    await tx
      .select({ email: staffUsers.email })
      .from(staffUsers)
      .where(and(eq(staffUsers.creditorId, creditorId), eq(staffUsers.role, "owner"), isNull(staffUsers.disabledAt)))
  ).map((r) => r.email);
}

export async function getCommitmentDebtor(tx: Db, debtorId: number) {
  return first(await tx.select({ name: debtors.name, creditorId: debtors.creditorId }).from(debtors).where(eq(debtors.id, debtorId)));
}

/** Stores the evidence once: its id, or undefined when it was stored already. */
export async function insertCommitmentEvidence(tx: Db, evidence: typeof commitmentEvidence.$inferInsert) {
  return first(await tx.insert(commitmentEvidence).values(evidence).onConflictDoNothing().returning({ id: commitmentEvidence.id }));
}

export async function setCopyMessageIds(tx: Db, evidenceId: number, ids: number[]) {
  await tx.update(commitmentEvidence).set({ copyMessageIds: ids }).where(eq(commitmentEvidence.id, evidenceId));
}
