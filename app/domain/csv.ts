/**
 * CSV that opens safely in a spreadsheet: a cell a spreadsheet would read as a formula (=, +, -, @,
 * tab, carriage return first) is prefixed with an apostrophe (OWASP "CSV injection"); every cell is
 * quoted, quotes doubled; lines end with CRLF (RFC 4180) and the file starts with a BOM so Excel reads UTF-8.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return '""';
  // Numbers are ours (amounts in euros): a negative one must stay a number, not become text; a
  // decimal comma, as French spreadsheets expect.
  const text = typeof value === "number" ? String(value).replace(".", ",") : FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return "\ufeff" + [header, ...rows].map((row) => row.map(csvCell).join(";")).join("\r\n") + "\r\n";
}
