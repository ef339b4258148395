import { z } from "zod";
import { addDays, localDate } from "../../domain/dates";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { EFFECT_LABELS, STEP_LABELS } from "../../domain/contact-reasons";
import { getDebtorOfCreditor } from "../../models/debtor-file.server";
import { listDebtorNames } from "../../models/debtor-list.server";
import { dryRun } from "../shared/dry-run.server";
import { requireStaff } from "../auth/staff-auth.server";

export const CALENDAR_DAYS = 30;
const CHANNEL_WORDS: Record<string, string> = { email: "e-mail", sms: "SMS", letter: "courrier recommandé", call: "appel (tâche)", "-": "—" };

const querySchema = z.object({ debtorId: z.coerce.number().int().positive().optional().catch(undefined) });

/**
 * What each debtor of the creditor (or one of them) will receive in the next 30 days, and why, if
 * nobody pays or answers: the dry-run, which replays the job's own decision function, day by day on
 * the creditor's clock.
 */
export async function loadCadenceCalendar(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const { debtorId } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  if (debtorId !== undefined && !(await getDebtorOfCreditor(db, staff.creditorId, debtorId))) throw new Response("Client introuvable.", { status: 404 });
  const zone = staff.creditorTimeZone;
  const from = localDate(at, zone);
  const to = addDays(from, CALENDAR_DAYS);
  const rows = (await dryRun(db, { from, to, debtorId, creditorId: staff.creditorId }))
    .filter((row) => row.at >= at)
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.debtorName.localeCompare(b.debtorName));
  const time = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: zone });
  const dayTitle = new Intl.DateTimeFormat("fr-FR", { weekday: "long", day: "numeric", month: "long", timeZone: zone });
  const days: {
    date: string;
    title: string;
    items: { key: string; time: string; debtorId: number; debtorName: string; what: string; channel: string; invoices: string; why: string }[];
  }[] = [];
  for (const [index, row] of rows.entries()) {
    const date = localDate(row.at, zone);
    let day = days.at(-1);
    if (!day || day.date !== date) {
      day = { date, title: dayTitle.format(row.at), items: [] };
      days.push(day);
    }
    day.items.push({
      key: `${index}`,
      time: time.format(row.at),
      debtorId: row.debtorId,
      debtorName: row.debtorName,
      what: (STEP_LABELS[row.what] ?? EFFECT_LABELS[row.what] ?? row.what).toLowerCase(),
      channel: CHANNEL_WORDS[row.channel] ?? row.channel,
      invoices: row.invoices.join(", "),
      why: row.why,
    });
  }
  return {
    from,
    to,
    zone,
    debtorId: debtorId ?? null,
    debtors: await listDebtorNames(db, staff.creditorId),
    days,
    total: rows.length,
  };
}
