import { getDb } from "../db.server";
import { getEnv } from "../env.server";
import { getDevOutboxMessage, listDevOutbox } from "../models/dev-outbox.server";

/** The development outbox exists only while no provider key is set: it shows what would have gone out. */
export function isDevOutboxEnabled() {
  return !getEnv().RESEND_API_KEY;
}

function requireDevOutbox() {
  if (!isDevOutboxEnabled()) throw new Response("Not found", { status: 404 });
}

export function loadDevOutbox() {
  requireDevOutbox();
  return listDevOutbox(getDb()).map((message) => ({ ...message, createdAt: message.createdAt.toISOString() }));
}

export function loadDevOutboxMessage(idParam: string) {
  requireDevOutbox();
  const id = Number(idParam);
  const message = Number.isSafeInteger(id) ? getDevOutboxMessage(getDb(), id) : undefined;
  if (!message) throw new Response("Not found", { status: 404 });
  return {
    ...message,
    createdAt: message.createdAt.toISOString(),
    // Links inside the email open in the whole tab, as they would from a mail client.
    html: message.html?.replaceAll("<a ", '<a target="_top" ') ?? null,
  };
}
