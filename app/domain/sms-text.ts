/**
 * GSM 03.38: the 7-bit alphabet an SMS uses unless one character forces UCS-2, which would cut a
 * segment from 153 to 67 characters. French text is folded into it before counting.
 */
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/** Characters of the extension table: each costs two septets (escape + char). */
const EXTENSION = "^{}\\[~]|€\f";

const FOLD: Record<string, string> = {
  â: "a", á: "a", ã: "a", ê: "e", ë: "e", î: "i", ï: "i", í: "i", ô: "o", ó: "o", õ: "o", û: "u", ú: "u", ç: "c",
  À: "A", Â: "A", È: "E", Ê: "E", Ë: "E", Î: "I", Ï: "I", Ô: "O", Ù: "U", Û: "U", œ: "oe", Œ: "OE",
  "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "«": '"', "»": '"', "\u2013": "-", "\u2014": "-",
  "\u00a0": " ", "\u202f": " ", "\u2026": "...",
};

/** Folds accents and typographic characters the GSM alphabet lacks into their closest ASCII form. */
export function toGsm7(text: string): string {
  // French guillemets carry inner spaces ("« cher »"); straight quotes do not.
  const quoted = text.replace(/«[\s\u00a0\u202f]*/g, "«").replace(/[\s\u00a0\u202f]*»/g, "»");
  return [...quoted].map((char) => FOLD[char] ?? char).join("");
}

export function isGsm7(text: string): boolean {
  return [...text].every((char) => BASIC.includes(char) || EXTENSION.includes(char));
}

/** Septets used, counting extension characters twice. Throws on a character outside GSM-7. */
export function gsm7Length(text: string): number {
  let length = 0;
  for (const char of text) {
    if (BASIC.includes(char)) length += 1;
    else if (EXTENSION.includes(char)) length += 2;
    else throw new RangeError(`"${char}" (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) is not in the GSM-7 alphabet`);
  }
  return length;
}

/**
 * 160 septets fit one SMS; longer texts are split into segments of 153 (7 go to the joining header).
 * Carriers never split an extension character from its escape, so one that would straddle a boundary
 * starts the next segment and leaves a septet unused.
 */
export function gsm7Segments(text: string): number {
  if (gsm7Length(text) <= 160) return 1;
  let segments = 1;
  let used = 0;
  for (const char of text) {
    const cost = EXTENSION.includes(char) ? 2 : 1;
    if (used + cost > 153) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}
