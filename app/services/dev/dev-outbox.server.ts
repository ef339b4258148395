import type { Db } from "../../../db/client";
import { isDemoMode } from "../../env.server";
import { getDevOutboxMessage, listDevOutbox } from "../../models/dev-outbox.server";

/**
 * The development outbox exists in demo mode only, whatever keys are set: it shows every email and SMS
 * the demo kept instead of sending. In production it is a 404.
 */
export function isDevOutboxEnabled() {
  return isDemoMode();
}

function requireDevOutbox() {
  if (!isDevOutboxEnabled()) throw new Response("Not found", { status: 404 });
}

export async function loadDevOutbox(db: Db) {
  requireDevOutbox();
  return (await listDevOutbox(db)).map((message) => ({ ...message, createdAt: message.createdAt.toISOString() }));
}

export async function loadDevOutboxMessage(db: Db, idParam: string) {
  requireDevOutbox();
  const id = Number(idParam);
  const message = Number.isSafeInteger(id) ? await getDevOutboxMessage(db, id) : undefined;
  if (!message) throw new Response("Not found", { status: 404 });
  return {
    ...message,
    createdAt: message.createdAt.toISOString(),
    // Links inside the email open in the whole tab, as they would from a mail client.
    html: message.html?.replaceAll("<a ", '<a target="_top" ') ?? null,
  };
}
