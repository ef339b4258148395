/**
 * A creditor's own wording for a message: plain text with placeholders such as `{amount}`, filled
 * with the debtor's values when the message is rendered. Only the opening of an email (and its
 * subject) or the text of an SMS can change: invoice lines, legal mentions and the link are always
 * added by the template itself.
 */

import { hiddenCharacterProblem, neutraliseMultiline } from "./text";
export const PLACEHOLDERS = ["debtor", "creditor", "amount", "due_date", "deadline", "invoices", "link"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

export const PLACEHOLDER_HELP: Record<Placeholder, string> = {
  debtor: "le nom du client",
  creditor: "votre nom commercial",
  amount: "le total restant dû",
  due_date: "la plus ancienne échéance",
  deadline: "la nouvelle date limite de l'étape",
  invoices: "les numéros des factures",
  link: "le lien personnel vers l'espace de paiement",
};

/** The steps whose messages a creditor can reword, per channel (SMS: those with an SMS text). */
export const EMAIL_TEMPLATE_STEPS = [
  "pre_reminder",
  "first_reminder",
  "second_reminder",
  "formal_notice",
  "broken_promise",
  "follow_up",
  "installment_reminder",
  "thank_you",
] as const;
export const SMS_TEMPLATE_STEPS = ["first_reminder", "second_reminder", "formal_notice", "broken_promise", "installment_reminder"] as const;
export type EmailTemplateStep = (typeof EMAIL_TEMPLATE_STEPS)[number];
export type SmsTemplateStep = (typeof SMS_TEMPLATE_STEPS)[number];

export const MAX_SUBJECT_LENGTH = 150;
export const MAX_EMAIL_OPENING_LENGTH = 2000;
export const MAX_SMS_TEXT_LENGTH = 306;

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);
const allowed = PLACEHOLDERS.map((p) => `{${p}}`).join(", ");

/** The first problem with the placeholders of a text, in words staff can act on; null when none. */
export function placeholderError(text: string): string | null {
  const names = [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  const unknown = names.find((name) => !isPlaceholder(name));
  if (unknown !== undefined) return `Variable inconnue : {${unknown}}. Variables possibles : ${allowed}.`;
  const stray = text.replace(/\{[^{}]*\}/g, "");
  if (/[{}]/.test(stray)) return `Accolade sans variable : écrivez par exemple {amount}. Variables possibles : ${allowed}.`;
  return null;
}

export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole));
}

/** Paragraphs are separated by a blank line; single line breaks stay inside a paragraph. */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

export type TemplateErrors = Partial<Record<"subject" | "body", string>>;

export function validateEmailTemplate(input: { subject: string; body: string }): { ok: true; subject: string; body: string } | { ok: false; errors: TemplateErrors } {
  const errors: TemplateErrors = {};
  const subject = input.subject.trim();
  const body = paragraphs(neutraliseMultiline(input.body)).join("\n\n");
  const hidden = hiddenCharacterProblem(subject);
  if (subject === "") errors.subject = "Saisissez l'objet de l'e-mail.";
  else if (/[\r\n]/.test(subject)) errors.subject = "L'objet tient sur une ligne.";
  else if (hidden) errors.subject = hidden;
  else if (subject.length > MAX_SUBJECT_LENGTH) errors.subject = `L'objet dépasse ${MAX_SUBJECT_LENGTH} caractères.`;
  else {
    const problem = placeholderError(subject);
    if (problem) errors.subject = problem;
  }
  if (body === "") errors.body = "Saisissez au moins un paragraphe d'introduction.";
  else if (body.length > MAX_EMAIL_OPENING_LENGTH) errors.body = `L'introduction dépasse ${MAX_EMAIL_OPENING_LENGTH} caractères.`;
  else {
    const problem = placeholderError(body);
    if (problem) errors.body = problem;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, subject, body };
}

/**
 * The SMS text's own rules; its length in segments, with the creditor's name, the STOP line and
 * realistic values, is checked where the SMS is rendered (emails/sms.ts).
 */
export function validateSmsText(input: string): { ok: true; body: string } | { ok: false; error: string } {
  const body = input.replace(/\r\n?/g, "\n").trim();
  if (body === "") return { ok: false, error: "Saisissez le texte du SMS." };
  if (body.length > MAX_SMS_TEXT_LENGTH) return { ok: false, error: `Le texte dépasse ${MAX_SMS_TEXT_LENGTH} caractères.` };
  const problem = placeholderError(body);
  if (problem) return { ok: false, error: problem };
  if (!body.includes("{link}")) return { ok: false, error: "Un SMS doit garder {link} : c'est le seul moyen pour le client de payer ou de répondre." };
  return { ok: true, body };
}
