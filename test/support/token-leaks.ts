/**
 * Token shapes that must never appear in a log (M10): a signed link (a JWT, `eyJ…`) anywhere, and a
 * 22-character SMS token after /l/ or /s/. Returns the offending lines, cut short.
 */
const SHAPES = [/eyJ[\w-]{4,}\.[\w-]+\.[\w-]+/, /\/(l|s)(\/|%2f)+[\w-]{22}(?![\w-])/i];

export function findTokenLeaks(log: string, file: string): string[] {
  return log
    .split("\n")
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => SHAPES.some((shape) => shape.test(line)))
    .map(({ line, index }) => `${file}:${index + 1}: ${line.slice(0, 160)}`);
}
