/**
 * Characters a person cannot see but a screen obeys: C0/C1 controls (NUL, escape, CR/LF where one
 * line is expected) and the bidirectional overrides and isolates that reorder what staff read
 * ("Trojan Source"). A text that carries them is refused, not silently cleaned: what is stored is
 * what was typed.
 */
const HIDDEN_SINGLE_LINE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
/** The same where a text may span lines: tab and line breaks are allowed. */
const HIDDEN_MULTILINE = /(?![\t\n\r])[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

export function hasHiddenCharacters(text: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? HIDDEN_MULTILINE : HIDDEN_SINGLE_LINE).test(text);
}

/**
 * "Name <address>" for an email's From: the display name is the creditor's free text, so line breaks
 * (a second header), angle brackets and quotes (another address) are removed before it gets there.
 */
export function mailbox(name: string, address: string): string {
  const display = name.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069<>"\\,;:]/gu, " ").replace(/\s+/g, " ").trim();
  return display ? `${display} <${address}>` : address;
}
