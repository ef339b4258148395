import { describe, expect, it } from "vitest";
import { hasHiddenCharacters, mailbox } from "~/domain/text";

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

describe("the From mailbox", () => {
  it("keeps a plain name and drops what would add a header or an address", () => {
    expect(mailbox("Atelier Durand", "relances@atelier-durand.fr")).toBe("Atelier Durand <relances@atelier-durand.fr>");
    expect(mailbox("Atelier\r\nBcc: victim@example.com", "r@a.fr")).toBe("Atelier Bcc victim@example.com <r@a.fr>");
    expect(mailbox('Evil" <boss@bank.fr>, "x', "r@a.fr")).toBe("Evil boss@bank.fr x <r@a.fr>");
    expect(mailbox("\u0000\r\n", "r@a.fr")).toBe("r@a.fr");
  });
});
