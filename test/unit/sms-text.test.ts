import { describe, expect, it } from "vitest";
import { gsm7Length, gsm7Segments, isGsm7, toGsm7 } from "~/domain/sms-text";
import { renderSms, type SmsTemplate } from "../../emails/sms";

describe("GSM-7", () => {
  it.each([
    ["Relancé à Lyon", "Relancé à Lyon"],
    ["Échéance reçue", "Échéance recue"],
    ["l’été : 1\u202f234,56\u00a0€", "l'été : 1 234,56 €"],
    ["ça coûte « cher »", 'ca coute "cher"'],
  ])("folds %j into the GSM alphabet as %j", (input, folded) => {
    expect(toGsm7(input)).toBe(folded);
    expect(isGsm7(toGsm7(input))).toBe(true);
  });

  it("counts the euro sign as two septets and refuses characters outside the alphabet", () => {
    expect(gsm7Length("10 €")).toBe(5);
    expect(() => gsm7Length("ç")).toThrow(/not in the GSM-7 alphabet/);
  });

  it.each([
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])("%i septets take %i segment(s)", (length, segments) => {
    expect(gsm7Segments("a".repeat(length))).toBe(segments);
  });

  // Every text below but the single SMS is 306 septets, which naive counting puts in two segments.
  it.each([
    ["€ ending segment 1 exactly", "a".repeat(151) + "€" + "a".repeat(153), 2],
    ["€ straddling septets 153/154 moves to segment 2", "a".repeat(152) + "€" + "a".repeat(152), 3],
    ["{ straddling the boundary", "a".repeat(152) + "{" + "a".repeat(152), 3],
    ["\\ straddling the boundary", "a".repeat(152) + "\\" + "a".repeat(152), 3],
    ["two escapes, neither straddling", "a".repeat(151) + "[]" + "a".repeat(151), 2],
    ["a single SMS still holds 160 septets with extensions", "a".repeat(158) + "~", 1],
  ])("%s", (_case, text, segments) => {
    expect(gsm7Segments(text)).toBe(segments);
  });
});

describe("SMS templates", () => {
  const worst = {
    creditorName: "Établissements Menuiserie Générale du Rhône et de l'Ain SARL",
    invoiceCount: 12,
    totalCents: 123_456_789_00,
    currency: "EUR",
    oldestDueDate: "2026-09-30",
    linkUrl: "https://paiement.relance-recouvrement.fr/l/AbCdEfGhIjKlMnOpQrStUv",
    deadline: "2026-12-31",
  } as const;

  it.each(
    (["fr", "en"] as const).flatMap((locale) =>
      (["second_reminder", "broken_promise", "installment_reminder", "formal_notice"] as SmsTemplate[]).map((t) => [locale, t] as const),
    ),
  )("%s %s stays in GSM-7 and two segments with the link, even with a long name and a large total", (locale, template) => {
    const { body, segments } = renderSms(template, { ...worst, locale });
    expect(isGsm7(body)).toBe(true);
    expect(segments).toBeLessThanOrEqual(2);
    expect(body).toContain(worst.linkUrl);
    expect(body).toContain(locale === "fr" ? "STOP" : "STOP");
  });

  it("names the creditor, the amount and the oldest due date in the debtor's language", () => {
    const fr = renderSms("second_reminder", { ...worst, locale: "fr", creditorName: "Atelier Durand", invoiceCount: 2, totalCents: 1_234_56 });
    expect(fr.body).toMatch(/^Atelier Durand : 2 factures impayées de 1 234,56 €, échue depuis le 30 septembre 2026\./);
    const en = renderSms("second_reminder", { ...worst, locale: "en", creditorName: "Atelier Durand", invoiceCount: 1, totalCents: 99_00 });
    expect(en.body).toMatch(/^Atelier Durand: Unpaid invoice of €99\.00, overdue since 30 September 2026\./);
  });
});
