/**
 * Characters a person cannot see but a screen obeys: C0/C1 controls (NUL, escape, CR/LF where one
 * line is expected), zero-width characters, and the bidirectional overrides and isolates that reorder what staff read
 * ("Trojan Source"). A text that carries them is refused, not silently cleaned: what is stored is
 * what was typed.
 */
const HIDDEN_SINGLE_LINE = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060-\u2064\u061c\ufeff\u2028\u2029]/u;
/** The same where a text may span lines: tab and line breaks are allowed. */
const HIDDEN_MULTILINE = /(?![\t\n\r])[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060-\u2064\u061c\ufeff\u2028\u2029]/u;
/** Zero-width characters (spaces, joiners, marks, BOM): invisible, yet they make two names look alike. */
const ZERO_WIDTH = /[\u200b-\u200f\u2060-\u2064\u061c\ufeff]/u;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u;
const LINE_BREAK = /[\r\n\u2028\u2029\u0085]/u;

export function hasHiddenCharacters(text: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? HIDDEN_MULTILINE : HIDDEN_SINGLE_LINE).test(text);
}

const hex = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Why a typed text is refused, in words staff and debtors can act on (French, the product's first
 * language), or null when it is clean. The first offending character is named by its code point.
 */
export function hiddenCharacterProblem(text: string, options: { multiline?: boolean } = {}): string | null {
  const found = (options.multiline ? HIDDEN_MULTILINE : HIDDEN_SINGLE_LINE).exec(text)?.[0];
  if (!found) return null;
  if (LINE_BREAK.test(found)) return "Ce champ tient sur une ligne : retirez le retour à la ligne.";
  if (BIDI.test(found)) return `Ce texte contient un caractère qui inverse le sens de lecture (${hex(found)}) : retapez-le sans copier-coller.`;
  if (ZERO_WIDTH.test(found)) return `Ce texte contient un caractère invisible (${hex(found)}) : retapez-le sans copier-coller.`;
  return `Ce texte contient un caractère de contrôle (${hex(found)}) : retapez-le.`;
}

/** Every hidden character removed, line breaks included: for names we build ourselves, such as a stored file's. */
export function withoutHiddenCharacters(text: string): string {
  return text.replace(new RegExp(HIDDEN_SINGLE_LINE.source, "gu"), "");
}

/**
 * For free text where refusing would lose a person's words (notes, messages): line breaks stay (as
 * \n), tabs become spaces, every other hidden character is removed.
 */
export function neutraliseMultiline(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/gu, "\n")
    .replace(/\t/g, " ")
    .replace(new RegExp(HIDDEN_MULTILINE.source, "gu"), "");
}

/**
 * "Name <address>" for an email's From: the display name is the creditor's free text, so line breaks
 * (a second header), angle brackets and quotes (another address) are removed before it gets there.
 */
export function mailbox(name: string, address: string): string {
  const display = name.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060-\u2064\u061c\ufeff\u2028\u2029<>"\\,;:]/gu, " ").replace(/\s+/g, " ").trim();
  return display ? `${display} <${address}>` : address;
}
