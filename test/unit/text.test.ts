import { describe, expect, it } from "vitest";
import { hasHiddenCharacters, hiddenCharacterProblem, mailbox, neutraliseMultiline } from "~/domain/text";

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

describe("what a refused text is told, and what a note keeps", () => {
  it.each([
    ["Atelier\r\nBcc: x@evil.example", /une ligne/],
    ["Atelier\u2028Durand", /une ligne/],
    ["Atelier\u202EDurand", /sens de lecture \(U\+202E\)/],
    ["Ate\u200Blier", /caractère invisible \(U\+200B\)/],
    ["\uFEFFAtelier", /caractère invisible \(U\+FEFF\)/],
    ["Ate\u0007lier", /caractère de contrôle \(U\+0007\)/],
  ])("%j is refused with a message naming the problem", (text, message) => {
    expect(hiddenCharacterProblem(text)).toMatch(message);
  });

  it("accepts clean text in any script, and line breaks where lines are allowed", () => {
    expect(hiddenCharacterProblem("Société Générale — محمد 李")).toBeNull();
    expect(hiddenCharacterProblem("ligne 1\nligne 2", { multiline: true })).toBeNull();
    expect(hasHiddenCharacters("Ate\u200Dlier")).toBe(true);
  });

  it("neutralises a multi-line text: line breaks kept as \\n, every other hidden character gone", () => {
    expect(neutraliseMultiline("Bonjour\r\nà\u202E vous\u200B\u0000\tmerci\u2028fin")).toBe("Bonjour\nà vous merci\nfin");
  });

  it("keeps zero-width characters out of a From display name", () => {
    expect(mailbox("Ate\u200Blier\u2028Durand", "a@b.fr")).toBe("Ate lier Durand <a@b.fr>");
  });
});
