import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, createdAt } from "./columns";
import { creditors } from "./creditors";

export const cadencePolicies = sqliteTable(
  "cadence_policies",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    name: text("name").notNull(),
    segment: text("segment", { enum: ["standard", "high_risk", "good_payer"] }).notNull(),
    minDaysBetweenContacts: integer("min_days_between_contacts").notNull().default(7),
    maxDaysWithoutContact: integer("max_days_without_contact").notNull().default(10),
    brokenPromisesBeforeLitigation: integer("broken_promises_before_litigation")
      .notNull()
      .default(2),
    promiseGraceDays: integer("promise_grace_days").notNull().default(3),
    maxPromiseDays: integer("max_promise_days").notNull().default(30),
    maxPlanMonths: integer("max_plan_months").notNull().default(6),
    minInstallmentCents: integer("min_installment_cents").notNull().default(5000),
    autoAcceptPlanMonths: integer("auto_accept_plan_months").notNull().default(3),
    /** After an unanswered email or SMS reminder, the next one goes by the other channel. */
    alternateChannelsAfterUnanswered: integer("alternate_channels_after_unanswered", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("cadence_policies_creditor_segment_unique").on(t.creditorId, t.segment)],
);

export const cadenceSteps = sqliteTable(
  "cadence_steps",
  {
    id: id(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => cadencePolicies.id),
    /** Stable name used in message keys and templates: pre_reminder, first_reminder… */
    kind: text("kind", {
      enum: [
        "pre_reminder",
        "first_reminder",
        "second_reminder",
        "call",
        "formal_notice",
        "litigation",
        "broken_promise",
        "installment_reminder",
        "thank_you",
      ],
    }).notNull(),
    /** Calendar days from the due date, for 30-day terms; scaled for longer terms. */
    offsetDays: integer("offset_days").notNull(),
    channel: text("channel", { enum: ["email", "sms", "letter", "call"] }).notNull(),
    tone: text("tone", { enum: ["friendly", "cordial", "formal", "legal"] }).notNull(),
    position: integer("position").notNull(),
  },
  (t) => [uniqueIndex("cadence_steps_policy_kind_channel_unique").on(t.policyId, t.kind, t.channel)],
);
