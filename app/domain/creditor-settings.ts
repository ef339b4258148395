/**
 * The rules a creditor's settings are checked against: identifiers (SIREN, VAT, IBAN, BIC), colours,
 * SMS sender ids, sender domains, the contract penalty rate. Pure functions, no I/O.
 */

/** The name debtors see: the branding's display name, else the trade name, else the legal name. */
export function creditorDisplayName(c: { displayName: string | null; tradeName: string | null; legalName: string }): string {
  return c.displayName ?? c.tradeName ?? c.legalName;
}

/** Spaces, dots and dashes people type inside identifiers. */
export function compactIdentifier(value: string): string {
  return value.replace(/[\s.-]/g, "").toUpperCase();
}

/** Luhn over a string of digits: doubling every second digit from the right, the sum is a multiple of 10. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A SIREN is 9 digits whose Luhn key holds (INSEE). */
export function isValidSiren(value: string): boolean {
  const siren = compactIdentifier(value);
  return /^\d{9}$/.test(siren) && passesLuhn(siren);
}

/** The French VAT key of a SIREN: (12 + 3 × (SIREN mod 97)) mod 97, two digits. */
export function frenchVatKey(siren: string): string {
  return String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, "0");
}

export type VatCheck = { ok: true; vat: string } | { ok: false; reason: "format" | "key" | "siren_mismatch" };

/**
 * An EU VAT number: two letters and 2 to 12 characters. A French one (FR + key + SIREN) must carry
 * the key computed from its SIREN and, when the creditor's SIREN is known, that SIREN.
 */
export function checkVatNumber(value: string, siren: string | null): VatCheck {
  const vat = compactIdentifier(value);
  if (!/^[A-Z]{2}[A-Z0-9]{2,12}$/.test(vat)) return { ok: false, reason: "format" };
  if (!vat.startsWith("FR")) return { ok: true, vat };
  const french = /^FR(\d{2})(\d{9})$/.exec(vat);
  if (!french) return { ok: false, reason: "format" };
  if (frenchVatKey(french[2]!) !== french[1]) return { ok: false, reason: "key" };
  if (siren !== null && compactIdentifier(siren) !== french[2]) return { ok: false, reason: "siren_mismatch" };
  return { ok: true, vat };
}

/** IBAN lengths by country (ISO 13616 registry), for the countries a French creditor's bank may be in. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27,
  GB: 22, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31,
  NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27,
};

/** The IBAN without spaces, upper case. */
export function normalizeIban(value: string): string {
  return value.replace(/\s/g, "").toUpperCase();
}

/**
 * ISO 13616 / ISO 7064 mod-97: move the first four characters to the end, letters to numbers
 * (A = 10 … Z = 35), the number modulo 97 is 1. Computed piecewise: the number is too long for a double.
 */
export function passesIbanMod97(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

export type IbanCheck = { ok: true; iban: string } | { ok: false; reason: "format" | "length" | "checksum" };

export function checkIban(value: string): IbanCheck {
  const iban = normalizeIban(value);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return { ok: false, reason: "format" };
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length !== undefined && iban.length !== length) return { ok: false, reason: "length" };
  if (!passesIbanMod97(iban)) return { ok: false, reason: "checksum" };
  return { ok: true, iban };
}

/** FR76 3000 6000 0112 3456 7890 189: groups of 4, as printed on a RIB. */
export function formatIban(iban: string): string {
  return normalizeIban(iban).replace(/(.{4})(?=.)/g, "$1 ");
}

/** ISO 9362: 4 letters (bank), 2 letters (country), 2 letters or digits (place), optionally 3 for the branch. */
export function isValidBic(value: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(compactIdentifier(value));
}

/** `#rrggbb` only: what CSS and email clients all read the same. */
export function isHexColor(value: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(value);
}

/** An alphanumeric SMS sender id: 3 to 11 letters or digits, at least one letter (operators refuse all-digit ids). */
export function isValidSmsSenderId(value: string): boolean {
  return /^[A-Za-z0-9]{3,11}$/.test(value) && /[A-Za-z]/.test(value);
}

/**
 * Mailbox providers whose domains nobody can authenticate (SPF, DKIM) for their own sends: an email
 * "from" them through our provider would be refused or land in spam.
 */
const PUBLIC_MAILBOX_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "hotmail.com", "hotmail.fr", "outlook.com", "outlook.fr",
  "live.com", "live.fr", "msn.com", "icloud.com", "me.com", "aol.com", "orange.fr", "wanadoo.fr", "free.fr",
  "sfr.fr", "laposte.net", "gmx.fr", "gmx.com", "proton.me", "protonmail.com",
]);

export type SenderEmailCheck = { ok: true; email: string; domain: string } | { ok: false; reason: "format" | "domain" | "public_mailbox" };

/** A sender address must be on a real domain the creditor can authenticate, not a public mailbox. */
export function checkSenderEmail(value: string): SenderEmailCheck {
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf("@");
  if (at < 1 || !/^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+$/.test(email.slice(0, at))) return { ok: false, reason: "format" };
  const domain = email.slice(at + 1);
  const labels = domain.split(".");
  const validLabels = labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  if (domain.length > 253 || labels.length < 2 || !validLabels || !/^[a-z]{2,63}$/.test(labels.at(-1)!)) {
    return { ok: false, reason: "domain" };
  }
  if (PUBLIC_MAILBOX_DOMAINS.has(domain)) return { ok: false, reason: "public_mailbox" };
  return { ok: true, email, domain };
}

export const MAX_CONTRACT_RATE_BP = 5000;

/**
 * A rate typed in percent ("12,5", "12.50 %") to basis points; null when it is not a number with at
 * most two decimals, or not in (0, 50 %].
 */
export function parseContractRatePercent(value: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(value.replace(/\s|%/g, ""));
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return bp > 0 && bp <= MAX_CONTRACT_RATE_BP ? bp : null;
}

/** 1250 → "12,5" (French decimal comma), for the form. */
export function formatRatePercent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const cents = bp % 100;
  return cents === 0 ? String(whole) : `${whole},${String(cents).padStart(2, "0").replace(/0$/, "")}`;
}
