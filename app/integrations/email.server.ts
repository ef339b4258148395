import { Resend } from "resend";
import type { Db } from "../../db/client";
import { devOutbox } from "../../db/schema";
import type { Env } from "../env.server";

export type OutgoingEmail = {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Invoice copies (PDF); Resend takes the bytes as a Buffer. */
  attachments?: { filename: string; content: Buffer }[];
  /** Deterministic per planned contact: the provider replays instead of sending twice (P18). */
  idempotencyKey: string;
};

/** What any provider adapter answers: expected failures are values (P17), with the provider's code when it has one. */
export type SendResult =
  | { status: "success"; provider: string; providerMessageId: string }
  | { status: "error"; retryable: boolean; message: string; code?: string };

export type EmailSender = {
  readonly provider: "resend" | "dev-outbox";
  send(email: OutgoingEmail): Promise<SendResult>;
};

/** Resend answers errors as values, never throws (P17); a null status means the outcome is unknown. */
export function resendEmailSender(options: { apiKey: string; baseUrl?: string }): EmailSender {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    provider: "resend",
    async send(email) {
      const { data, error } = await resend.emails.send(
        { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments },
        { idempotencyKey: email.idempotencyKey },
      );
      if (error) {
        const retryable =
          error.statusCode === null ||
          error.statusCode === 429 ||
          error.statusCode >= 500 ||
          error.name === "concurrent_idempotent_requests";
        return { status: "error", retryable, message: `${error.name}: ${error.message}` };
      }
      return { status: "success", provider: "resend", providerMessageId: data.id };
    },
  };
}

/**
 * Development driver: keeps each email in the dev_outbox table, shown at /dev/outbox, instead of
 * sending it. Deduplicates on the idempotency key, as Resend does. The clock lets the demo history
 * keep each email at the day it was "sent".
 */
export function devOutboxEmailSender(db: Db, clock: () => Date = () => new Date()): EmailSender {
  return {
    provider: "dev-outbox",
    async send(email) {
      db.insert(devOutbox)
        .values({
          createdAt: clock(),
          channel: "email",
          idempotencyKey: email.idempotencyKey,
          fromAddress: email.from,
          toAddress: email.to,
          subject: email.subject,
          html: email.html,
          // dev_outbox has no blob column: the file names are enough to see what was attached.
          text: email.attachments?.length
            ? `${email.text}\n\n[attachments: ${email.attachments.map((a) => a.filename).join(", ")}]`
            : email.text,
        })
        .onConflictDoNothing({ target: devOutbox.idempotencyKey })
        .run();
      const kept = db.query.devOutbox
        .findFirst({ where: (row, { eq }) => eq(row.idempotencyKey, email.idempotencyKey) })
        .sync();
      return { status: "success", provider: "dev-outbox", providerMessageId: `dev_${kept?.id}` };
    },
  };
}

export function createEmailSender(env: Pick<Env, "RESEND_API_KEY" | "RESEND_BASE_URL">, db: Db): EmailSender {
  return env.RESEND_API_KEY
    ? resendEmailSender({ apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL })
    : devOutboxEmailSender(db);
}
