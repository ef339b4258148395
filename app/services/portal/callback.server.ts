import { data, redirect } from "@remix-run/node";
import type { OutboxDeps } from "../shared/outbox.server";
import { transaction, type Db } from "../../../db/client";
import {
  CALLBACK_NOTE_MAX,
  callbackPauseEnd,
  offerCallbackSlots,
  validateCallbackRequest,
  type CallbackDay,
  type CallbackField,
  type CallbackRequest,
} from "../../domain/callback-slots";
import { holidayRegionOf } from "../../domain/business-calendar";
import { formatCalendarDate, localDate } from "../../domain/dates";
import { maskPhone } from "../../domain/step-up";
import { callbackMessages } from "../../i18n/portal-callback";
import { getEnv } from "../../env.server";
import { getOpenCallback, getPhoneOnFile, insertCallbackPause, replaceOpenCallbacks } from "../../models/callback.server";
import { appendTimeline } from "../../models/timeline.server";
import { NO_STORE_HEADERS } from "../../utils/head";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { requirePortalAction, requirePortalDebtor } from "./portal-guards.server";
import { loadContactWindows } from "../../models/cadence-settings.server";

type Reader = Pick<Db, "select">;
type Ctx = Awaited<ReturnType<typeof requirePortalDebtor>>;

export type CallbackValues = { slot: string; phoneChoice: string; otherPhone: string; note: string };
type Errors = Partial<Record<CallbackField, string>>;

/** Day and time on the debtor's wall clock, in their language. */
function clock(intl: string, timeZone: string) {
  const when = new Intl.DateTimeFormat(intl, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone });
  const day = new Intl.DateTimeFormat(intl, { weekday: "long", day: "numeric", month: "long", timeZone });
  const time = new Intl.DateTimeFormat(intl, { hour: "2-digit", minute: "2-digit", timeZone });
  return { when: (d: Date) => when.format(d), day: (d: Date) => day.format(d), time: (d: Date) => time.format(d) };
}

function zoneName(timeZone: string) {
  return (timeZone.split("/").at(-1) ?? timeZone).replaceAll("_", " ");
}

function describeSlots(offered: CallbackDay[], intl: string, timeZone: string) {
  const c = clock(intl, timeZone);
  return offered.map((d) => ({
    date: d.date,
    label: c.day(d.slots[0]!),
    slots: d.slots.map((s) => ({ value: s.toISOString(), label: c.time(s) })),
  }));
}

export async function loadCallbackPage(db: Db, request: Request) {
  const ctx = await requirePortalDebtor(db, request);
  const { debtor, now, intl, csrf } = ctx;
  const t = callbackMessages(debtor.locale);
  const c = clock(intl, debtor.timeZone);
  const phone = await getPhoneOnFile(db, debtor.id);
  const open = await getOpenCallback(db, debtor.id, now);
  const done = new URL(request.url).searchParams.get("done");
  return {
    csrf,
    locale: debtor.locale,
    zoneHint: t.zoneHint(zoneName(debtor.timeZone)),
    days: describeSlots(
      offerCallbackSlots(now, debtor.timeZone, await loadContactWindows(db, debtor.creditorId), holidayRegionOf(debtor.postalCode, debtor.country)),
      intl,
      debtor.timeZone,
    ),
    // M19: masked, enough to recognise one's own number.
    phoneOnFile: phone ? maskPhone(phone) : null,
    open: open?.callbackAt ? c.when(open.callbackAt) : null,
    done: open?.callbackAt && done ? { text: t.done(c.when(open.callbackAt)), replaced: done === "replaced" } : null,
  };
}

function readValues(form: FormData): CallbackValues {
  return {
    slot: String(form.get("slot") ?? ""),
    phoneChoice: String(form.get("phone") ?? ""),
    otherPhone: String(form.get("otherPhone") ?? ""),
    note: String(form.get("note") ?? "").slice(0, CALLBACK_NOTE_MAX * 4),
  };
}

type Evaluation =
  | { kind: "invalid"; errors: Errors; values: CallbackValues }
  | {
      kind: "ok";
      request: CallbackRequest;
      values: CallbackValues;
      whenLabel: string;
      phoneLabel: string;
      resumeLabel: string;
      replaces: { id: number; whenLabel: string } | null;
      storedNote: string | null;
      lines: string[];
    };

/** Reads the form against the slots offered now: the same function for the review and, inside the transaction, the confirmation. */
async function evaluate(db: Reader, ctx: Ctx, form: FormData): Promise<Evaluation> {
  const { debtor, now, intl } = ctx;
  const t = callbackMessages(debtor.locale);
  const values = readValues(form);
  const phoneOnFile = await getPhoneOnFile(db, debtor.id);
  const checked = validateCallbackRequest(
    values,
    offerCallbackSlots(now, debtor.timeZone, await loadContactWindows(db, debtor.creditorId), holidayRegionOf(debtor.postalCode, debtor.country)),
    phoneOnFile !== null,
  );
  if (!checked.ok) {
    const errors: Errors = {};
    for (const [field, key] of Object.entries(checked.errors)) errors[field as CallbackField] = t.errors[key];
    return { kind: "invalid", errors, values };
  }
  const request = checked.value;
  const c = clock(intl, debtor.timeZone);
  const whenLabel = c.when(request.slot);
  const phoneLabel = request.phone.kind === "file" ? maskPhone(phoneOnFile!) : request.phone.number;
  const resumeLabel = formatCalendarDate(localDate(callbackPauseEnd(request.slot), debtor.timeZone), intl);
  const open = await getOpenCallback(db, debtor.id, now);
  const replaces = open?.callbackAt ? { id: open.id, whenLabel: c.when(open.callbackAt) } : null;
  // Staff read the note in the review queue (in French, like the whole back office).
  const noteParts = [request.phone.kind === "other" ? `Numéro à appeler : ${request.phone.number}` : null, request.note || null].filter(Boolean);
  const lines = [t.weWillCall(whenLabel, phoneLabel), t.paused(whenLabel), t.resume(resumeLabel), ...(replaces ? [t.replaces(replaces.whenLabel)] : [])];
  return {
    kind: "ok",
    request,
    values: { ...values, note: request.note },
    whenLabel,
    phoneLabel,
    resumeLabel,
    replaces,
    storedNote: noteParts.length > 0 ? noteParts.join(" — ") : null,
    lines,
  };
}

function echo(values: CallbackValues): [string, string][] {
  return [
    ["slot", values.slot],
    ["phone", values.phoneChoice],
    ["otherPhone", values.otherPhone],
    ["note", values.note],
  ];
}

/**
 * "Call me back": review, then confirmation (M2). On confirmation, one IMMEDIATE transaction (R3, R8)
 * writes a system-owned pause of the whole debtor until the slot + 1 day (every pause has an end),
 * which the cadence turns into a call task at the slot, one "callback.requested" event and the notice
 * (M22). A request still open is replaced; a confirmation sent twice finds its own pause and adds nothing.
 */
export async function callbackAction(deps: OutboxDeps, request: Request) {
  const { db } = deps;
  const ctx = await requirePortalAction(db, request);
  const { form, debtor, now } = ctx;
  const intent = String(form.get("intent") ?? "review");
  const t = callbackMessages(debtor.locale);

  if (intent === "edit") return { step: "edit" as const, errors: {} as Errors, values: readValues(form) };
  if (intent !== "confirm") {
    const result = await evaluate(db, ctx, form);
    if (result.kind === "invalid") return data({ step: "edit" as const, errors: result.errors, values: result.values }, { status: 400 });
    return { step: "review" as const, ...confirmView(result) };
  }

  const outcome = await transaction(db, async (tx) => {
    const result = await evaluate(tx, ctx, form);
    if (result.kind !== "ok") return result;
    // The same confirmation again (double click, back and resubmit): the request exists already.
    const open = await getOpenCallback(tx, debtor.id, now);
    if (open?.callbackAt?.getTime() === result.request.slot.getTime() && open.note === result.storedNote) return { kind: "replay" as const };
    const lifted = await replaceOpenCallbacks(tx, debtor.id, now);
    const pause = await insertCallbackPause(tx, {
      debtorId: debtor.id,
      now,
      endsAt: callbackPauseEnd(result.request.slot),
      callbackAt: result.request.slot,
      note: result.storedNote,
    });
    await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      invoiceId: null,
      type: "callback.requested",
      actor: "debtor",
      data: {
        pauseId: pause.id,
        callbackAt: result.request.slot.toISOString(),
        until: callbackPauseEnd(result.request.slot).toISOString(),
        phone: result.request.phone.kind,
        note: result.request.note || null,
        replacedPauseIds: lifted.map((p) => p.id),
        linkId: ctx.session.linkId,
        sessionHash: ctx.session.sessionHash,
      },
      occurredAt: now,
    });
    const noticeId = await queueNotice(
      tx,
      getEnv(),
      {
        debtorId: debtor.id,
        key: `callback-${pause.id}`,
        title: t.noticeTitle,
        // The notice may be read by someone else: the number is masked there too.
        lines: [
          t.weWillCall(result.whenLabel, result.request.phone.kind === "other" ? maskPhone(result.request.phone.number) : result.phoneLabel),
          t.paused(result.whenLabel),
          t.resume(result.resumeLabel),
          ...(result.replaces ? [t.noticeReplaced(result.replaces.whenLabel)] : []),
        ],
      },
      now,
    );
    return { kind: "saved" as const, noticeId, replaced: lifted.length > 0 };
  });

  switch (outcome.kind) {
    case "invalid":
      return data({ step: "edit" as const, errors: outcome.errors, values: outcome.values }, { status: 400 });
    case "saved":
      // M22: the confirmation leaves after the commit; if the provider is down, the job retries it.
      await sendNoticeNow(deps, outcome.noticeId);
      return redirect(`/portal/callback?done=${outcome.replaced ? "replaced" : "1"}`, { headers: NO_STORE_HEADERS });
    case "replay":
      return redirect("/portal/callback?done=1", { headers: NO_STORE_HEADERS });
  }
}

function confirmView(result: Extract<Evaluation, { kind: "ok" }>) {
  return { lines: result.lines, note: result.request.note, echo: echo(result.values) };
}
