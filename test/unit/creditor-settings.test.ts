import { describe, expect, it } from "vitest";
import {
  checkIban,
  checkSenderEmail,
  checkVatNumber,
  formatIban,
  formatRatePercent,
  isHexColor,
  isValidBic,
  isValidSiren,
  isValidSmsSenderId,
  parseContractRatePercent,
  passesLuhn,
} from "~/domain/creditor-settings";

describe("SIREN (9 digits, Luhn key)", () => {
  it.each([
    ["732829320", true],
    ["732 829 320", true],
    ["552100554", true],
    ["443061841", true],
    ["732829321", false],
    ["123456789", false],
    ["73282932", false],
    ["7328293200", false],
    ["73282932A", false],
    ["", false],
  ])("%j → %s", (siren, valid) => {
    expect(isValidSiren(siren)).toBe(valid);
  });

  it("Luhn refuses anything but digits", () => {
    expect(passesLuhn("79927398713")).toBe(true);
    expect(passesLuhn("79927398710")).toBe(false);
    expect(passesLuhn("7992-7398")).toBe(false);
  });
});

describe("VAT number", () => {
  it.each([
    ["FR44732829320", "732829320", { ok: true, vat: "FR44732829320" }],
    ["fr 44 732 829 320", null, { ok: true, vat: "FR44732829320" }],
    ["FR45732829320", "732829320", { ok: false, reason: "key" }],
    ["FR96552100554", "732829320", { ok: false, reason: "siren_mismatch" }],
    ["FR4473282932", null, { ok: false, reason: "format" }],
    ["DE123456789", "732829320", { ok: true, vat: "DE123456789" }],
    ["12345678901", null, { ok: false, reason: "format" }],
  ])("%j with SIREN %j", (vat, siren, expected) => {
    expect(checkVatNumber(vat, siren)).toEqual(expected);
  });
});

describe("IBAN (ISO 13616 mod-97)", () => {
  it.each([
    ["FR7630006000011234567890189", { ok: true, iban: "FR7630006000011234567890189" }],
    ["fr76 3000 6000 0112 3456 7890 189", { ok: true, iban: "FR7630006000011234567890189" }],
    ["GB82WEST12345698765432", { ok: true, iban: "GB82WEST12345698765432" }],
    ["DE89370400440532013000", { ok: true, iban: "DE89370400440532013000" }],
    ["FR7630006000011234567890188", { ok: false, reason: "checksum" }],
    ["FR763000600001123456789018", { ok: false, reason: "length" }],
    ["GB82WEST1234569876543", { ok: false, reason: "length" }],
    ["7630006000011234567890189", { ok: false, reason: "format" }],
    ["FR76-3000", { ok: false, reason: "format" }],
  ])("%j", (iban, expected) => {
    expect(checkIban(iban)).toEqual(expected);
  });

  it("is shown in groups of 4", () => {
    expect(formatIban("FR7630006000011234567890189")).toBe("FR76 3000 6000 0112 3456 7890 189");
    expect(formatIban("de89 3704 0044 0532 0130 00")).toBe("DE89 3704 0044 0532 0130 00");
  });
});

describe("BIC (ISO 9362)", () => {
  it.each([
    ["BNPAFRPP", true],
    ["BNPAFRPPXXX", true],
    ["agri fr pp 882", true],
    ["DEUTDEFF500", true],
    ["BNPAFRP", false],
    ["BNPAFRPPXX", false],
    ["BNP1FRPP", false],
    ["BNPA12PP", false],
  ])("%j → %s", (bic, valid) => {
    expect(isValidBic(bic)).toBe(valid);
  });
});

describe("accent colour", () => {
  it.each([
    ["#1d4ed8", true],
    ["#A0B1C2", true],
    ["#fff", false],
    ["1d4ed8", false],
    ["#1d4ed8ff", false],
    ["#1d4eg8", false],
    ["red", false],
  ])("%j → %s", (colour, valid) => {
    expect(isHexColor(colour)).toBe(valid);
  });
});

describe("SMS sender id", () => {
  it.each([
    ["DURAND", true],
    ["Atelier2", true],
    ["ABC", true],
    ["AB", false],
    ["AtelierDuran", false],
    ["12345678", false],
    ["Atelier D", false],
    ["Atelier-D", false],
    ["Ébéniste", false],
  ])("%j → %s", (id, valid) => {
    expect(isValidSmsSenderId(id)).toBe(valid);
  });
});

describe("sender email", () => {
  it.each([
    ["Relances@Atelier-Durand.fr", { ok: true, email: "relances@atelier-durand.fr", domain: "atelier-durand.fr" }],
    ["compta@mail.atelier-durand.fr", { ok: true, email: "compta@mail.atelier-durand.fr", domain: "mail.atelier-durand.fr" }],
    ["atelier.durand@gmail.com", { ok: false, reason: "public_mailbox" }],
    ["durand@orange.fr", { ok: false, reason: "public_mailbox" }],
    ["relances@localhost", { ok: false, reason: "domain" }],
    ["relances@atelier_durand.fr", { ok: false, reason: "domain" }],
    ["relances@-durand.fr", { ok: false, reason: "domain" }],
    ["relances@durand.f1", { ok: false, reason: "domain" }],
    ["relances", { ok: false, reason: "format" }],
    ["rel ances@durand.fr", { ok: false, reason: "format" }],
  ])("%j", (email, expected) => {
    expect(checkSenderEmail(email)).toEqual(expected);
  });
});

describe("contract penalty rate", () => {
  it.each([
    ["12,5", 1250],
    ["12.50 %", 1250],
    ["10", 1000],
    ["0,01", 1],
    ["50", 5000],
    ["50,01", null],
    ["0", null],
    ["-3", null],
    ["12,345", null],
    ["douze", null],
    ["", null],
  ])("%j → %s bp", (typed, bp) => {
    expect(parseContractRatePercent(typed)).toBe(bp);
  });

  it("reads back in French", () => {
    expect(formatRatePercent(1250)).toBe("12,5");
    expect(formatRatePercent(1205)).toBe("12,05");
    expect(formatRatePercent(1000)).toBe("10");
  });
});
