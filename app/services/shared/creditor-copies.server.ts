import type { Db } from "../../../db/client";
import type { OutboxDeps } from "./outbox.server";
import type { commitmentEvidence } from "../../../db/tables";
import { copyAddresses, getCommitmentDebtor, insertCommitmentEvidence, setCopyMessageIds } from "../../models/creditor-copies.server";
import { insertMessageOnce } from "../../models/outbox.server";
import { clientIp } from "../http/rate-limits.server";
import { sendNoticeNow } from "./notices.server";
import { CREDITOR_COPY_STEP } from "./outbox.server";

type Tx = Db;

export type CommitmentKind = (typeof commitmentEvidence.$inferInsert)["kind"];

const KIND_LABELS: Record<CommitmentKind, string> = {
  promise: "Promesse de paiement",
  plan: "Demande d'échéancier",
  dispute: "Contestation",
  payment_claim: "Déclaration « j'ai déjà payé »",
  contact_change: "Changement de coordonnées",
};

/**
 * M22, inside the commitment's own transaction: keeps the evidence (the acknowledged text, the time,
 * the client address as the configured proxy reports it, the user agent) and queues the creditor's
 * copy in the outbox. Returns the copies' message ids, to send once the transaction commits.
 */
export async function recordCommitment(
  tx: Tx,
  request: Request,
  c: { debtorId: number; kind: CommitmentKind; recordId: number; acknowledgment: string; details: string[]; at: Date },
): Promise<number[]> {
  const debtor = (await getCommitmentDebtor(tx, c.debtorId))!;
  const ip = clientIp(request);
  const userAgent = request.headers.get("User-Agent")?.slice(0, 512) ?? null;
  const evidence = {
    creditorId: debtor.creditorId,
    debtorId: c.debtorId,
    kind: c.kind,
    recordId: c.recordId,
    acknowledgmentText: c.acknowledgment,
    acknowledgedIp: ip,
    acknowledgedUserAgent: userAgent,
    acknowledgedAt: c.at,
  };
  const stored = await insertCommitmentEvidence(tx, { ...evidence, copyMessageIds: [] });
  if (!stored) return [];
  // The stored text is the email's content: title, then the lines the staff template lays out.
  const text = [
    `${KIND_LABELS[c.kind]} — ${debtor.name}`,
    ...c.details,
    `Texte accepté par le client : « ${c.acknowledgment} »`,
    `Horodatage (UTC) : ${c.at.toISOString()}`,
    `Adresse IP : ${ip ?? "inconnue"}`,
    `Navigateur : ${userAgent ?? "inconnu"}`,
  ].join("\n");
  const ids: number[] = [];
  for (const address of await copyAddresses(tx, debtor.creditorId)) {
    const row = await insertMessageOnce(tx, {
      key: `creditor-copy:${stored.id}:${address}`,
      creditorId: debtor.creditorId,
      debtorId: c.debtorId,
      step: CREDITOR_COPY_STEP,
      channel: "email",
      status: "pending",
      locale: "fr",
      toAddress: address,
      plannedFor: c.at,
      bodyText: text,
    });
    if (row) ids.push(row.id);
  }
  await setCopyMessageIds(tx, stored.id, ids);
  return ids;
}

/** After the commit: the copies leave now; if the provider is down, the job retries them. */
export async function sendCreditorCopies(deps: OutboxDeps, ids: readonly number[]) {
  for (const id of ids) await sendNoticeNow(deps, id);
}
