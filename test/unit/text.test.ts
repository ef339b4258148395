import { describe, expect, it } from "vitest";
import { hasHiddenCharacters } from "~/domain/text";

describe("hidden characters", () => {
  it.each([
    ["Léa Fournier", false, false],
    ["محمد Ünal 李", false, false],
    ["Nom\u0000caché", true, true],
    ["Nom\r\nBcc: x@evil.example", true, false],
    ["facture\u202Efdp.exe", true, true],
    ["\u2066isolé\u2069", true, true],
    ["\u001b[31mrouge", true, true],
    ["ligne 1\n\tligne 2", true, false],
    ["\u0085 NEL", true, true],
  ])("%j: single line %s, multiline %s", (text, single, multi) => {
    expect(hasHiddenCharacters(text)).toBe(single);
    expect(hasHiddenCharacters(text, { multiline: true })).toBe(multi);
  });
});
