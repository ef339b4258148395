import { Resend } from "resend";
import type { Db } from "../../db/client";
import { keepInDevOutbox } from "../models/dev-outbox.server";
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
export type SendResult = { status: "success"; provider: string; providerMessageId: string } | { status: "error"; retryable: boolean; message: string; code?: string };

/** An email of a batch: no attachments (Resend's batch endpoint takes none). The key is the message's own. */
export type BatchEmail = Omit<OutgoingEmail, "attachments">;

/**
 * The answer to a batch: per email, in order, its provider id or why it alone was refused; or an
 * error for the whole call (then nothing was sent, or the same key replays it). `retryAfterMs` when
 * the provider said how long to wait (429).
 */
export type BatchResult =
  | { status: "success"; provider: string; results: ({ ok: true; providerMessageId: string } | { ok: false; message: string })[] }
  | { status: "error"; retryable: boolean; message: string; code?: string; retryAfterMs?: number };

export type EmailSender = {
  readonly provider: "resend" | "dev-outbox";
  send(email: OutgoingEmail): Promise<SendResult>;
  /** Up to 100 emails in one call, under one idempotency key derived from the batch. */
  sendBatch(emails: BatchEmail[], idempotencyKey: string): Promise<BatchResult>;
};

/** Resend's batch endpoint takes at most this many emails per call. */
export const RESEND_BATCH_LIMIT = 100;
/** A 429 is waited out inside the call this many times, when its Retry-After is short. */
const RATE_LIMIT_RETRIES = 3;
const MAX_IN_CALL_WAIT_MS = 60_000;

/** What every Resend SDK call answers (P17): never a throw. */
type ResendAnswer = { error: { name: string; message: string; statusCode: number | null } | null; headers: Record<string, string> | null };

/**
 * Spaces calls to stay under the account's rate limit (Resend: 2 requests/s by default), and holds
 * every call back for as long as a 429's Retry-After says. One per sender, so per process.
 */
function pacer(maxRequestsPerSecond: number | undefined, sleep: (ms: number) => Promise<void>) {
  // A little over 1/N s apart: the provider's clock sees our requests with some jitter.
  const interval = maxRequestsPerSecond ? 1000 / maxRequestsPerSecond + 10 : 0;
  let next = 0;
  return {
    async wait() {
      while (next > Date.now()) await sleep(next - Date.now());
      // From when the call really leaves: a call held up by a busy event loop does not squeeze the next one.
      next = Date.now() + interval;
    },
    holdFor(ms: number) {
      next = Math.max(next, Date.now() + ms);
    },
  };
}

function retryAfterMs(headers: Record<string, string> | null): number | undefined {
  const value = headers?.["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function retryable(error: { name: string; statusCode: number | null }): boolean {
  if (error.name === "daily_quota_exceeded" || error.name === "monthly_quota_exceeded") return true;
  return error.statusCode === null || error.statusCode === 429 || error.statusCode >= 500 || error.name === "concurrent_idempotent_requests";
}

type ResendOptions = {
  apiKey: string;
  baseUrl?: string;
  /** The account's rate limit; calls are spaced to stay under it. Unset: no spacing, 429s are still waited out. */
  maxRequestsPerSecond?: number;
  sleep?: (ms: number) => Promise<void>;
};

/** Resend answers errors as values, never throws (P17); a null status means the outcome is unknown. */
export function resendEmailSender(options: ResendOptions): EmailSender {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pace = pacer(options.maxRequestsPerSecond, sleep);

  /** One call, its 429s waited out (same request, same idempotency key) while Retry-After is short. */
  async function paced<A extends ResendAnswer>(request: () => Promise<A>): Promise<{ answer: A; retryAfterMs?: number }> {
    for (let attempt = 0; ; attempt += 1) {
      await pace.wait();
      const answer = await request();
      if (answer.error?.statusCode !== 429) return { answer };
      const wait = retryAfterMs(answer.headers);
      if (wait !== undefined) pace.holdFor(wait);
      if (answer.error.name !== "rate_limit_exceeded" || wait === undefined || wait > MAX_IN_CALL_WAIT_MS || attempt >= RATE_LIMIT_RETRIES) {
        return { answer, retryAfterMs: wait };
      }
    }
  }

  return {
    provider: "resend",
    async send(email) {
      const { answer } = await paced(() =>
        resend.emails.send(
          { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments },
          { idempotencyKey: email.idempotencyKey },
        ),
      );
      if (answer.error) return { status: "error", retryable: retryable(answer.error), message: `${answer.error.name}: ${answer.error.message}`, code: answer.error.name };
      return { status: "success", provider: "resend", providerMessageId: answer.data.id };
    },
    async sendBatch(emails, idempotencyKey) {
      const payload = emails.map((email) => ({ from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text }));
      // Permissive: one refused address does not hold back the 99 others; the answer says which.
      const { answer, retryAfterMs: wait } = await paced(() => resend.batch.send(payload, { idempotencyKey, batchValidation: "permissive" }));
      if (answer.error) {
        return { status: "error", retryable: retryable(answer.error), message: `${answer.error.name}: ${answer.error.message}`, code: answer.error.name, retryAfterMs: wait };
      }
      return { status: "success", provider: "resend", results: batchResults(emails.length, answer.data) };
    },
  };
}

/** Permissive answers list the ids of the accepted emails in order, and the refused ones by index. */
function batchResults(count: number, data: { data: { id: string }[]; errors?: { index: number; message: string }[] }) {
  const refused = new Map((data.errors ?? []).map((e) => [e.index, e.message]));
  const ids = [...data.data];
  return Array.from({ length: count }, (_, index) => {
    const reason = refused.get(index);
    if (reason !== undefined) return { ok: false as const, message: reason };
    const accepted = ids.shift();
    return accepted ? { ok: true as const, providerMessageId: accepted.id } : { ok: false as const, message: "missing from the provider's answer" };
  });
}

/**
 * Development driver: keeps each email in the dev_outbox table, shown at /dev/outbox, instead of
 * sending it. Deduplicates on the idempotency key, as Resend does. The clock lets the demo history
 * keep each email at the day it was "sent".
 */
export function devOutboxEmailSender(db: Db, clock: () => Date = () => new Date()): EmailSender {
  const send = async (email: OutgoingEmail): Promise<SendResult> => {
    const keptId = await keepInDevOutbox(db, {
      createdAt: clock(),
      channel: "email",
      idempotencyKey: email.idempotencyKey,
      fromAddress: email.from,
      toAddress: email.to,
      subject: email.subject,
      html: email.html,
      // dev_outbox has no blob column: the file names are enough to see what was attached.
      text: email.attachments?.length ? `${email.text}\n\n[attachments: ${email.attachments.map((a) => a.filename).join(", ")}]` : email.text,
    });
    return { status: "success", provider: "dev-outbox", providerMessageId: `dev_${keptId}` };
  };
  return {
    provider: "dev-outbox",
    send,
    // Each email keeps its own message key here, so a batch replayed after a crash is deduplicated too.
    async sendBatch(emails) {
      const results: ({ ok: true; providerMessageId: string } | { ok: false; message: string })[] = [];
      for (const email of emails) {
        const sent = await send(email);
        results.push(sent.status === "success" ? { ok: true, providerMessageId: sent.providerMessageId } : { ok: false, message: sent.message });
      }
      return { status: "success", provider: "dev-outbox", results };
    },
  };
}

/** The development outbox only in demo mode; production always has Resend (the environment requires it). */
export function createEmailSender(env: Pick<Env, "RELANCE_MODE" | "RESEND_API_KEY" | "RESEND_BASE_URL" | "RESEND_MAX_REQUESTS_PER_SECOND">, db: Db): EmailSender {
  if (env.RESEND_API_KEY) {
    return resendEmailSender({ apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL, maxRequestsPerSecond: env.RESEND_MAX_REQUESTS_PER_SECOND });
  }
  if (env.RELANCE_MODE !== "demo") throw new Error("RESEND_API_KEY is required outside demo mode");
  return devOutboxEmailSender(db);
}
