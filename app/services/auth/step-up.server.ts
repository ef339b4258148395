import { randomInt, timingSafeEqual } from "node:crypto";
import type { OutboxDeps } from "../shared/outbox.server";
import { transaction, type Db } from "../../../db/client";
import { CODE_TTL_MS, attemptsLeft, decideCodeCheck, isSteppedUp, maskEmail, maskPhone, safeReturnTo } from "../../domain/step-up";
import { RATE_LIMITS } from "../../domain/rate-limit";
import { getEnv } from "../../env.server";
import { secureMessages } from "../../i18n/portal-secure";
import { appendTimeline } from "../../models/timeline.server";
import { listDebtorContacts } from "../../models/debtor-file.server";
import { markDebtorSessionSteppedUp } from "../../models/debtor-sessions.server";
import { maskInSentBody } from "../../models/outbox.server";
import {
  expireLiveStepUpCodes,
  findLiveStepUpCode,
  insertStepUpCode,
  listStepUpCodesOfSession,
  markStepUpCodeUsed,
  setStepUpCodeAttempts,
} from "../../models/step-up-codes.server";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { requirePortalAction, requirePortalDebtor } from "../portal/portal-guards.server";
import { clientAddress, hitRateLimit, rateLimitedResult, type RateLimited } from "../http/rate-limits.server";
import { sha256 } from "./tokens.server";

export type ContactChoice = { value: string; channel: "email" | "sms"; label: string };

/** Where a code may go: only contacts already on file (M20), never one that bounced or said STOP. */
async function contactChoices(db: Db, debtorId: number) {
  const rows = await listDebtorContacts(db, debtorId);
  const choices: (ContactChoice & { address: string; contactId: number })[] = [];
  for (const c of rows) {
    if (c.email && !c.emailOptOutAt && !c.emailUndeliverableAt) {
      choices.push({ value: `email:${c.id}`, channel: "email", label: maskEmail(c.email), address: c.email, contactId: c.id });
    }
    if (c.phone && !c.smsOptOutAt) {
      choices.push({ value: `sms:${c.id}`, channel: "sms", label: maskPhone(c.phone), address: c.phone, contactId: c.id });
    }
  }
  return choices;
}

/** The hash binds the code to the session: the same six digits mean nothing in another session. */
function codeHash(sessionHash: string, code: string) {
  return sha256(`step-up:${sessionHash}:${code}`);
}

function sameHash(a: string, b: string) {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export async function loadVerifyPage(db: Db, request: Request) {
  const { session, debtor, now, csrf } = await requirePortalDebtor(db, request);
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get("returnTo"));
  const pending = await findLiveStepUpCode(db, session.sessionHash, debtor.id, now);
  return {
    csrf,
    locale: debtor.locale,
    returnTo,
    verified: isSteppedUp(session.stepUpAt, now),
    choices: (await contactChoices(db, debtor.id)).map(({ value, channel, label }) => ({ value, channel, label })),
    pendingTo: pending && pending.attempts < 5 ? pending.sentTo : null,
  };
}

export type VerifyResult = RateLimited | { status: "sent"; to: string } | { status: "error"; field: "contact" | "code"; message: string };

/** The two POSTs of the code page: "send me a code" and "here is the code". */
export async function verifyAction(deps: OutboxDeps, request: Request): Promise<VerifyResult | { status: "verified"; returnTo: string }> {
  const { db } = deps;
  const context = await requirePortalAction(db, request);
  const { form } = context;
  return form.get("intent") === "verify" ? checkCode(context) : sendCode(deps, context, clientAddress(request));
}

type ActionContext = Awaited<ReturnType<typeof requirePortalAction>>;

async function sendCode(deps: OutboxDeps, { db, session, debtor, now, form }: ActionContext, client: string): Promise<VerifyResult> {
  const t = secureMessages(debtor.locale).verify;
  const choice = (await contactChoices(db, debtor.id)).find((c) => c.value === form.get("contact"));
  if (!choice) return { status: "error", field: "contact", message: t.chooseError };
  // M17: the limit is checked before anything is written or sent.
  // Per session, per client (a script opening many sessions) and per contact (the phone on file is never flooded).
  for (const [rule, subject] of [
    [RATE_LIMITS.codeSendSession, session.sessionHash],
    [RATE_LIMITS.codeSendIp, client],
    [RATE_LIMITS.codeSendContact, `${debtor.id}:${choice.value}`],
  ] as const) {
    const limit = await hitRateLimit(db, rule, subject, now);
    if (!limit.allowed) return rateLimitedResult(limit);
  }

  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const messageId = await transaction(db, async (tx) => {
    // One live code per session: a new one replaces the previous.
    await expireLiveStepUpCodes(tx, session.sessionHash, now);
    const row = await insertStepUpCode(tx, {
      sessionHash: session.sessionHash,
      debtorId: debtor.id,
      codeHash: codeHash(session.sessionHash, code),
      // Masked: the row says where the code went without holding the address.
      sentTo: choice.label,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      createdAt: now,
    });
    return queueNotice(
      tx,
      getEnv(),
      {
        debtorId: debtor.id,
        key: `step-up-${row.id}`,
        title: t.noticeTitle(code),
        lines: [...t.noticeLines],
        withLink: false,
        to: { channel: choice.channel, address: choice.address, contactId: choice.contactId },
      },
      now,
    );
  });
  await sendNoticeNow(deps, messageId);
  // Once handed over, the outbox copy keeps no usable code (only stepUpCodes' hash remains).
  if (messageId !== null) await maskInSentBody(db, messageId, code, "******");
  return { status: "sent", to: choice.label };
}

async function checkCode({ db, session, debtor, now, form }: ActionContext): Promise<VerifyResult | { status: "verified"; returnTo: string }> {
  const t = secureMessages(debtor.locale).verify;
  const limit = await hitRateLimit(db, RATE_LIMITS.codeAttemptSession, session.sessionHash, now);
  if (!limit.allowed) return rateLimitedResult(limit);
  const typed = String(form.get("code") ?? "").replace(/\s/g, "");
  if (!/^\d{6}$/.test(typed)) return { status: "error", field: "code", message: t.formatError };
  const returnTo = safeReturnTo(form.get("returnTo"));
  const hash = codeHash(session.sessionHash, typed);

  const outcome = await transaction(db, async (tx) => {
    const codes = await listStepUpCodesOfSession(tx, session.sessionHash, debtor.id);
    const latest = codes[0];
    if (!latest) return { check: "none" as const };
    const matched = codes.find((c) => sameHash(c.codeHash, hash));
    const target = matched ?? latest;
    const check = decideCodeCheck(target, matched !== undefined, now);
    if (check === "wrong") {
      const attempts = latest.attempts + 1;
      await setStepUpCodeAttempts(tx, latest.id, attempts);
      return { check, left: attemptsLeft(attempts) };
    }
    if (check === "accepted") {
      await markStepUpCodeUsed(tx, target.id, now);
      await markDebtorSessionSteppedUp(tx, session.sessionHash, now);
      await appendTimeline(tx, {
        creditorId: debtor.creditorId,
        debtorId: debtor.id,
        type: "portal.stepped_up",
        actor: "debtor",
        data: { codeId: target.id, sentTo: target.sentTo, linkId: session.linkId },
        occurredAt: now,
      });
    }
    return { check };
  });

  switch (outcome.check) {
    case "accepted":
      return { status: "verified", returnTo };
    case "none":
      return { status: "error", field: "code", message: t.noCode };
    case "wrong":
      return { status: "error", field: "code", message: outcome.left === 0 ? t.locked : t.wrong(outcome.left!) };
    default:
      return { status: "error", field: "code", message: t[outcome.check] };
  }
}
