import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, instant } from "./columns";
import { creditors } from "./creditors";

/**
 * A creditor's contact windows, one row per channel, read on the debtor's wall clock. No row: the
 * default windows of the business calendar. Saved only inside the conservative bounds of L10.
 */
export const contactWindowSettings = sqliteTable(
  "contact_window_settings",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    channel: text("channel", { enum: ["email", "sms", "call", "letter"] }).notNull(),
    /** ISO weekdays the channel is open, as digits: "12345" is Monday to Friday. */
    weekdays: text("weekdays").notNull(),
    startMinute: integer("start_minute").notNull(),
    endMinute: integer("end_minute").notNull(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [uniqueIndex("contact_window_settings_creditor_channel_unique").on(t.creditorId, t.channel)],
);

/**
 * A creditor's own wording for one step, channel and language: the email's subject and opening
 * paragraphs, or the SMS text, with placeholders. Invoice lines, legal mentions and the link are
 * always added by the template itself.
 */
export const messageTemplates = sqliteTable(
  "message_templates",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    step: text("step").notNull(),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    locale: text("locale", { enum: ["fr", "en"] }).notNull(),
    subject: text("subject"),
    /** Email: the opening paragraphs, separated by blank lines. SMS: the whole text. */
    body: text("body").notNull(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [uniqueIndex("message_templates_creditor_step_channel_locale_unique").on(t.creditorId, t.step, t.channel, t.locale)],
);
