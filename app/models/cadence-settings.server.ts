import { and, asc, eq, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { cadencePolicies, cadenceSteps, contactWindowSettings, creditors, messageTemplates } from "../../db/tables";
import type { ContactChannel, ContactWindows } from "../domain/business-calendar";
import type { ValidPolicy } from "../domain/cadence-policy";
import { mergeWindows } from "../domain/contact-windows";
import { preparedOnce } from "./prepared.server";

type Reader = Pick<Db, "select">;
type Writer = Pick<Db, "select" | "insert" | "update" | "delete">;

const SEGMENT_ORDER = { standard: 0, high_risk: 1, good_payer: 2 } as const;

export async function listPolicies(db: Reader, creditorId: number) {
  const policies = await db.select().from(cadencePolicies).where(eq(cadencePolicies.creditorId, creditorId));
  const steps = (
    await db
      .select({ step: cadenceSteps })
      .from(cadenceSteps)
      .innerJoin(cadencePolicies, eq(cadencePolicies.id, cadenceSteps.policyId))
      .where(eq(cadencePolicies.creditorId, creditorId))
      .orderBy(asc(cadenceSteps.position))
  ).map((r) => r.step);
  return policies.sort((a, b) => SEGMENT_ORDER[a.segment] - SEGMENT_ORDER[b.segment]).map((policy) => ({ ...policy, steps: steps.filter((s) => s.policyId === policy.id) }));
}

export async function getPolicy(db: Reader, creditorId: number, policyId: number) {
  return first(
    await db
      .select()
      .from(cadencePolicies)
      .where(and(eq(cadencePolicies.id, policyId), eq(cadencePolicies.creditorId, creditorId))),
  );
}

/** The steps are replaced as a whole: their order is the ladder's. False if the policy is not this creditor's. */
export async function replacePolicy(tx: Writer, creditorId: number, policyId: number, policy: ValidPolicy): Promise<boolean> {
  const { steps, ...limits } = policy;
  const updated = await tx
    .update(cadencePolicies)
    .set(limits)
    .where(and(eq(cadencePolicies.id, policyId), eq(cadencePolicies.creditorId, creditorId)))
    .returning({ id: cadencePolicies.id });
  if (updated.length !== 1) return false;
  await tx.delete(cadenceSteps).where(eq(cadenceSteps.policyId, policyId));
  await tx.insert(cadenceSteps).values(steps.map((step, position) => ({ ...step, policyId, position })));
  return true;
}

function parseWeekdays(text: string): number[] {
  return [...text].map(Number).filter((d) => d >= 1 && d <= 7);
}

const creditorWindows = preparedOnce((db: Reader) =>
  db
    .select()
    .from(contactWindowSettings)
    .where(eq(contactWindowSettings.creditorId, sql.placeholder("creditorId")))
    .prepare(),
);

export async function loadContactWindows(db: Reader, creditorId: number): Promise<ContactWindows> {
  const rows = await creditorWindows(db).execute({ creditorId });
  return mergeWindows(rows.map((r) => ({ ...r, weekdays: parseWeekdays(r.weekdays) })));
}

/** Every creditor's windows, one object each, for a planning pass. */
export async function loadAllContactWindows(db: Reader): Promise<Map<number, ContactWindows>> {
  const rows = await db.select().from(contactWindowSettings);
  const byCreditor = new Map<number, typeof rows>();
  for (const row of rows) byCreditor.set(row.creditorId, [...(byCreditor.get(row.creditorId) ?? []), row]);
  return new Map([...byCreditor].map(([creditorId, own]) => [creditorId, mergeWindows(own.map((r) => ({ ...r, weekdays: parseWeekdays(r.weekdays) })))]));
}

export async function saveContactWindows(tx: Writer, creditorId: number, windows: ContactWindows, now: Date) {
  for (const channel of Object.keys(windows) as ContactChannel[]) {
    const window = windows[channel];
    const values = { weekdays: window.weekdays.join(""), startMinute: window.startMinute, endMinute: window.endMinute, updatedAt: now };
    await tx
      .insert(contactWindowSettings)
      .values({ creditorId, channel, ...values })
      .onConflictDoUpdate({ target: [contactWindowSettings.creditorId, contactWindowSettings.channel], set: values });
  }
}

export type TemplateKey = { step: string; channel: "email" | "sms"; locale: "fr" | "en" };

/** Read for every email the outbox composes: prepared once per connection. */
const template = preparedOnce((db: Reader) =>
  db
    .select({ subject: messageTemplates.subject, body: messageTemplates.body })
    .from(messageTemplates)
    .where(
      and(
        eq(messageTemplates.creditorId, sql.placeholder("creditorId")),
        eq(messageTemplates.step, sql.placeholder("step")),
        eq(messageTemplates.channel, sql.placeholder("channel")),
        eq(messageTemplates.locale, sql.placeholder("locale")),
      ),
    )
    .prepare(),
);

export async function getMessageTemplate(db: Reader, creditorId: number, key: TemplateKey) {
  return first(await template(db).execute({ creditorId, ...key })) ?? null;
}

export async function listMessageTemplates(db: Reader, creditorId: number) {
  return await db.select().from(messageTemplates).where(eq(messageTemplates.creditorId, creditorId));
}

export async function saveMessageTemplate(tx: Writer, creditorId: number, key: TemplateKey, content: { subject: string | null; body: string }, now: Date) {
  await tx
    .insert(messageTemplates)
    .values({ creditorId, ...key, ...content, updatedAt: now })
    .onConflictDoUpdate({
      target: [messageTemplates.creditorId, messageTemplates.step, messageTemplates.channel, messageTemplates.locale],
      set: { ...content, updatedAt: now },
    });
}

export async function deleteMessageTemplate(tx: Writer, creditorId: number, key: TemplateKey): Promise<boolean> {
  return (
    (
      await tx
        .delete(messageTemplates)
        .where(
          and(eq(messageTemplates.creditorId, creditorId), eq(messageTemplates.step, key.step), eq(messageTemplates.channel, key.channel), eq(messageTemplates.locale, key.locale)),
        )
        .returning({ id: messageTemplates.id })
    ).length > 0
  );
}

/** Business days staff have to decide on a plan under review (app/domain/pauses.ts). */
export async function getPlanReviewBusinessDays(db: Reader, creditorId: number): Promise<number> {
  return first(await db.select({ days: creditors.planReviewBusinessDays }).from(creditors).where(eq(creditors.id, creditorId)))?.days ?? 5;
}

export async function setPlanReviewBusinessDays(db: Writer, creditorId: number, days: number) {
  await db.update(creditors).set({ planReviewBusinessDays: days }).where(eq(creditors.id, creditorId));
}
