import type { PDFFont } from "pdf-lib";

// Latin-1 plus the few WinAnsi extras: what pdf-lib's standard fonts can draw.
const WIN_ANSI_EXTRAS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

/**
 * Text the standard PDF fonts (WinAnsi) can draw: Intl's (narrow) no-break spaces become spaces, a
 * character Helvetica lacks loses its accent, or becomes "?" — rather than the whole PDF failing
 * on one debtor's name.
 */
export function winAnsi(text: string): string {
  return [...text.replace(/[\u202f\u00a0]/g, " ")]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.includes(ch)) return ch;
      const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      return base.length === 1 && base.codePointAt(0)! < 0x7f ? base : "?";
    })
    .join("");
}

/** Greedy word wrap to a width in points. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  return lines;
}
