/**
 * Contact details a debtor types in the portal: phone numbers to E.164, French habits accepted
 * (06 12 34 56 78, 0033 6…, +33 (0)6…).
 */

/** E.164 (+ and 8 to 15 digits), or null when it cannot be one. */
export function normalizePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()/]/g, "");
  if (compact === "") return null;
  let candidate = compact;
  if (/^\+330\d{9}$/.test(candidate)) candidate = `+33${candidate.slice(4)}`;
  else if (candidate.startsWith("00")) candidate = `+${candidate.slice(2)}`;
  else if (/^0[1-9]\d{8}$/.test(candidate)) candidate = `+33${candidate.slice(1)}`;
  if (!/^\+[1-9]\d{7,14}$/.test(candidate)) return null;
  // A French number has exactly 9 digits after +33 and never starts with 0.
  if (candidate.startsWith("+33") && !/^\+33[1-9]\d{8}$/.test(candidate)) return null;
  return candidate;
}

export const PREFERRED_CHANNELS = ["email", "sms", "letter", "phone"] as const;
export type PreferredChannel = (typeof PREFERRED_CHANNELS)[number];

export const DOCUMENT_KINDS = ["purchase_order", "delivery_note", "other"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A document request holds reminders this long (DESIGN.md: "asks for a document: paused 7 days"). */
export const DOCUMENT_REQUEST_PAUSE_DAYS = 7;
