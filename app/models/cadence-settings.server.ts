import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cadencePolicies, cadenceSteps, contactWindowSettings, creditors, messageTemplates } from "../../db/schema";
import type { ContactChannel, ContactWindows } from "../domain/business-calendar";
import type { ValidPolicy } from "../domain/cadence-policy";
import { mergeWindows } from "../domain/contact-windows";
import { preparedOnce } from "./prepared.server";

type Reader = Pick<Db, "select">;
type Writer = Pick<Db, "select" | "insert" | "update" | "delete">;

const SEGMENT_ORDER = { standard: 0, high_risk: 1, good_payer: 2 } as const;

export function listPolicies(db: Reader, creditorId: number) {
  const policies = db.select().from(cadencePolicies).where(eq(cadencePolicies.creditorId, creditorId)).all();
  const steps = db
    .select({ step: cadenceSteps })
    .from(cadenceSteps)
    .innerJoin(cadencePolicies, eq(cadencePolicies.id, cadenceSteps.policyId))
    .where(eq(cadencePolicies.creditorId, creditorId))
    .orderBy(asc(cadenceSteps.position))
    .all()
    .map((r) => r.step);
  return policies
    .sort((a, b) => SEGMENT_ORDER[a.segment] - SEGMENT_ORDER[b.segment])
    .map((policy) => ({ ...policy, steps: steps.filter((s) => s.policyId === policy.id) }));
}

export function getPolicy(db: Reader, creditorId: number, policyId: number) {
  return db.select().from(cadencePolicies).where(and(eq(cadencePolicies.id, policyId), eq(cadencePolicies.creditorId, creditorId))).get();
}

/** The steps are replaced as a whole: their order is the ladder's. False if the policy is not this creditor's. */
export function replacePolicy(tx: Writer, creditorId: number, policyId: number, policy: ValidPolicy): boolean {
  const { steps, ...limits } = policy;
  const updated = tx.update(cadencePolicies).set(limits).where(and(eq(cadencePolicies.id, policyId), eq(cadencePolicies.creditorId, creditorId))).run();
  if (updated.changes !== 1) return false;
  tx.delete(cadenceSteps).where(eq(cadenceSteps.policyId, policyId)).run();
  tx.insert(cadenceSteps)
    .values(steps.map((step, position) => ({ ...step, policyId, position })))
    .run();
  return true;
}

function parseWeekdays(text: string): number[] {
  return [...text].map(Number).filter((d) => d >= 1 && d <= 7);
}

const creditorWindows = preparedOnce((db: Reader) => db.select().from(contactWindowSettings).where(eq(contactWindowSettings.creditorId, sql.placeholder("creditorId"))).prepare());

export function loadContactWindows(db: Reader, creditorId: number): ContactWindows {
  const rows = creditorWindows(db).all({ creditorId });
  return mergeWindows(rows.map((r) => ({ ...r, weekdays: parseWeekdays(r.weekdays) })));
}

/** Every creditor's windows, one object each, for a planning pass. */
export function loadAllContactWindows(db: Reader): Map<number, ContactWindows> {
  const rows = db.select().from(contactWindowSettings).all();
  const byCreditor = new Map<number, typeof rows>();
  for (const row of rows) byCreditor.set(row.creditorId, [...(byCreditor.get(row.creditorId) ?? []), row]);
  return new Map([...byCreditor].map(([creditorId, own]) => [creditorId, mergeWindows(own.map((r) => ({ ...r, weekdays: parseWeekdays(r.weekdays) })))]));
}

export function saveContactWindows(tx: Writer, creditorId: number, windows: ContactWindows, now: Date) {
  for (const channel of Object.keys(windows) as ContactChannel[]) {
    const window = windows[channel];
    const values = { weekdays: window.weekdays.join(""), startMinute: window.startMinute, endMinute: window.endMinute, updatedAt: now };
    tx.insert(contactWindowSettings)
      .values({ creditorId, channel, ...values })
      .onConflictDoUpdate({ target: [contactWindowSettings.creditorId, contactWindowSettings.channel], set: values })
      .run();
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

export function getMessageTemplate(db: Reader, creditorId: number, key: TemplateKey) {
  return template(db).get({ creditorId, ...key }) ?? null;
}

export function listMessageTemplates(db: Reader, creditorId: number) {
  return db.select().from(messageTemplates).where(eq(messageTemplates.creditorId, creditorId)).all();
}

export function saveMessageTemplate(tx: Writer, creditorId: number, key: TemplateKey, content: { subject: string | null; body: string }, now: Date) {
  tx.insert(messageTemplates)
    .values({ creditorId, ...key, ...content, updatedAt: now })
    .onConflictDoUpdate({
      target: [messageTemplates.creditorId, messageTemplates.step, messageTemplates.channel, messageTemplates.locale],
      set: { ...content, updatedAt: now },
    })
    .run();
}

export function deleteMessageTemplate(tx: Writer, creditorId: number, key: TemplateKey): boolean {
  return (
    tx
      .delete(messageTemplates)
      .where(
        and(
          eq(messageTemplates.creditorId, creditorId),
          eq(messageTemplates.step, key.step),
          eq(messageTemplates.channel, key.channel),
          eq(messageTemplates.locale, key.locale),
        ),
      )
      .run().changes > 0
  );
}

/** Business days staff have to decide on a plan under review (app/domain/pauses.ts). */
export function getPlanReviewBusinessDays(db: Reader, creditorId: number): number {
  return db.select({ days: creditors.planReviewBusinessDays }).from(creditors).where(eq(creditors.id, creditorId)).get()?.days ?? 5;
}

export function setPlanReviewBusinessDays(db: Writer, creditorId: number, days: number) {
  db.update(creditors).set({ planReviewBusinessDays: days }).where(eq(creditors.id, creditorId)).run();
}
