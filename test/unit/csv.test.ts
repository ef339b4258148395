import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "~/domain/csv";

describe("CSV exports", () => {
  it.each([
    ["=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\""],
    ["+33 6 12 34 56 78", "\"'+33 6 12 34 56 78\""],
    ["-2+3", "\"'-2+3\""],
    ["@SUM(A1)", "\"'@SUM(A1)\""],
    ["\tcmd", "\"'\tcmd\""],
    ["Garage des Alpes; \"Lyon\"", "\"Garage des Alpes; \"\"Lyon\"\"\""],
    ["ligne 1\nligne 2", "\"ligne 1\nligne 2\""],
  ])("keeps %j from being run as a formula or breaking the row", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("leaves our own numbers as numbers, negative ones included", () => {
    expect(csvCell(-12.5)).toBe('"-12,5"');
    expect(csvCell(null)).toBe('""');
  });

  it("writes a BOM, a header and CRLF lines separated by semicolons (French spreadsheets)", () => {
    expect(toCsv(["a", "b"], [["x", 1]])).toBe('\ufeff"a";"b"\r\n"x";"1"\r\n');
  });
});
