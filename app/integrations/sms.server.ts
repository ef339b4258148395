import twilio from "twilio";
import type { Db } from "../../db/client";
import { keepInDevOutbox, listDevOutboxSmsTo } from "../models/dev-outbox.server";
import type { Env } from "../env.server";
import type { SendResult } from "./email.server";

export type OutgoingSms = {
  to: string;
  body: string;
  /** Kept with the message; Twilio has no idempotency key, hence the reconciliation of R9. */
  idempotencyKey: string;
  statusCallbackUrl?: string;
};

/** A message the provider says it accepted: what reconciliation after a crash looks for. */
export type SentSms = { providerMessageId: string; body: string };

export type SmsSender = {
  readonly provider: "twilio" | "dev-outbox";
  send(sms: OutgoingSms): Promise<SendResult>;
  /** Messages to this number since that instant, as the provider recorded them. */
  findSent(to: string, since: Date): Promise<SentSms[]>;
};

/** Twilio error codes that will never succeed on retry for this recipient. */
const PERMANENT_CODES = new Set([21211, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006, 30007]);

type TwilioOptions = {
  accountSid: string;
  authToken: string;
  messagingServiceSid?: string;
  from?: string;
  /** Tests point the SDK at a local server speaking Twilio's REST format. */
  apiBaseUrl?: string;
};

/**
 * The real Twilio SDK; with `apiBaseUrl`, its own request client still does the HTTP, only
 * towards another host, so the wire format under test is the SDK's.
 */
export function twilioSmsSender(options: TwilioOptions): SmsSender {
  const httpClient = options.apiBaseUrl ? redirectingClient(options.apiBaseUrl) : undefined;
  const client = twilio(options.accountSid, options.authToken, httpClient ? { httpClient } : {});
  const sender = options.messagingServiceSid ? { messagingServiceSid: options.messagingServiceSid } : { from: options.from };
  return {
    provider: "twilio",
    async send(sms) {
      try {
        const message = await client.messages.create({ to: sms.to, body: sms.body, statusCallback: sms.statusCallbackUrl, ...sender });
        return { status: "success", provider: "twilio", providerMessageId: message.sid };
      } catch (error) {
        return twilioError(error);
      }
    },
    async findSent(to, since) {
      // Queued messages have no dateSent yet, so the filter is on creation time, ours: Twilio lists the
      // newest first, and the pages are read back until one is older than `since`. A fixed page would
      // miss a message behind many newer ones to the same number, and it would go twice.
      const found: SentSms[] = [];
      await new Promise<void>((resolve, reject) => {
        client.messages.each({
          to,
          pageSize: 100,
          callback: (m, stop) => {
            if (m.dateCreated < since) return stop();
            if (!["failed", "undelivered", "canceled"].includes(m.status)) found.push({ providerMessageId: m.sid, body: m.body });
          },
          done: (error?: Error) => (error ? reject(error) : resolve()),
        });
      });
      return found;
    },
  };
}

function redirectingClient(apiBaseUrl: string) {
  const base = new twilio.RequestClient({ autoRetry: false });
  return {
    request: <T>(opts: Parameters<typeof base.request<T>>[0]) => base.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, apiBaseUrl.replace(/\/$/, "")) }),
  } as unknown as typeof base;
}

function twilioError(error: unknown): SendResult {
  if (error instanceof twilio.RestException) {
    // 401/403 mean our credentials are wrong, not the recipient: retry once the account is fixed.
    const ourFault = error.status === 401 || error.status === 403 || error.status === 429;
    const permanent = PERMANENT_CODES.has(error.code ?? 0) || (error.status >= 400 && error.status < 500 && !ourFault);
    return { status: "error", retryable: !permanent, message: `twilio ${error.code ?? error.status}: ${error.message}`, code: error.code ? String(error.code) : undefined };
  }
  // A network failure or timeout: the outcome is unknown, so the caller reconciles before resending (R9).
  return { status: "error", retryable: true, message: error instanceof Error ? error.message : String(error) };
}

/** Development driver: keeps each SMS for /dev/outbox instead of sending it. */
export function devOutboxSmsSender(db: Db, clock: () => Date = () => new Date()): SmsSender {
  return {
    provider: "dev-outbox",
    async send(sms) {
      const keptId = await keepInDevOutbox(db, {
        createdAt: clock(),
        channel: "sms",
        idempotencyKey: sms.idempotencyKey,
        fromAddress: "Relance",
        toAddress: sms.to,
        text: sms.body,
      });
      return { status: "success", provider: "dev-outbox", providerMessageId: `dev_${keptId}` };
    },
    async findSent(to, since) {
      const rows = await listDevOutboxSmsTo(db, to, since);
      return rows.map((row) => ({ providerMessageId: `dev_${row.id}`, body: row.text }));
    },
  };
}

/**
 * SMS are kept in the development outbox (shown at /dev/outbox) only in demo mode; production always
 * has Twilio (the environment requires it), so an SMS is never kept where nobody sees it.
 */
export function createSmsSender(
  env: Pick<Env, "RELANCE_MODE" | "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_MESSAGING_SERVICE_SID" | "TWILIO_FROM_NUMBER" | "TWILIO_API_BASE_URL">,
  db: Db,
): SmsSender {
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN) {
    return twilioSmsSender({
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
      from: env.TWILIO_FROM_NUMBER,
      apiBaseUrl: env.TWILIO_API_BASE_URL,
    });
  }
  if (env.RELANCE_MODE !== "demo") throw new Error("Twilio settings are required outside demo mode");
  return devOutboxSmsSender(db);
}
