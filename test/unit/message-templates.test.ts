import { describe, expect, it } from "vitest";
import { fillPlaceholders, paragraphs, placeholderError, validateEmailTemplate, validateSmsText } from "~/domain/message-templates";
import { renderEmail, type ReminderEmailProps } from "../../emails";
import { checkSmsBudget, renderSms, worstCaseSmsProps, type SmsProps } from "../../emails/sms";
import { gsm7Length } from "~/domain/sms-text";
import { withEmailTemplate } from "../../emails/templates";

const LINK = "http://localhost:4310/l/apercu_lien_fictif_000";

describe("placeholders in a creditor's text", () => {
  it.each([
    ["Bonjour {debtor}, {amount} restent dus depuis le {due_date}.", null],
    ["Réglez avant le {deadline} : {link}", null],
    ["Factures {invoices} de {creditor}", null],
    ["Merci de régler {montant}", /Variable inconnue : \{montant\}/],
    ["{Debtor}", /Variable inconnue : \{Debtor\}/],
    ["Total {amount", /Accolade sans variable/],
    ["Total amount}", /Accolade sans variable/],
    ["{}", /Variable inconnue : \{\}/],
  ])("%s", (text, expected) => {
    const error = placeholderError(text);
    if (expected === null) expect(error).toBeNull();
    else expect(error).toMatch(expected);
  });

  it("fills each placeholder and keeps paragraphs apart", () => {
    const values = { debtor: "Garage des Alpes", creditor: "Atelier Durand", amount: "1 200,00 €", due_date: "5 novembre 2026", deadline: "27 novembre 2026", invoices: "F-1 et F-2", link: LINK };
    expect(fillPlaceholders("{debtor} doit {amount} ({invoices})", values)).toBe("Garage des Alpes doit 1 200,00 € (F-1 et F-2)");
    expect(paragraphs("Un.\r\n\r\nDeux\nlignes.\n\n\n")).toEqual(["Un.", "Deux\nlignes."]);
  });
});

describe("checking a template on save", () => {
  it.each([
    [{ subject: "", body: "Bonjour" }, "subject", /objet/],
    [{ subject: "Rappel\nfacture", body: "Bonjour" }, "subject", /une ligne/],
    [{ subject: "x".repeat(151), body: "Bonjour" }, "subject", /150 caractères/],
    [{ subject: "Rappel {facture}", body: "Bonjour" }, "subject", /\{facture\}/],
    [{ subject: "Rappel", body: "  \n\n " }, "body", /au moins un paragraphe/],
    [{ subject: "Rappel", body: "Payez {total}" }, "body", /Variable inconnue : \{total\}/],
  ] as const)("refuses an email template %#", (input, field, message) => {
    const result = validateEmailTemplate(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(message);
  });

  it.each([
    ["", /texte du SMS/],
    ["Payez {amount} vite.", /doit garder \{link\}/],
    ["Payez {somme} : {link}", /Variable inconnue : \{somme\}/],
  ])("refuses the SMS text %j", (text, message) => {
    const result = validateSmsText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("counts a euro sign that would straddle the two segments as carriers do: 306 septets, yet three segments", () => {
    const worst = worstCaseSmsProps("fr", "Atelier Durand", LINK);
    const probe = checkSmsBudget("x{link}", worst);
    if (!probe.ok) throw new Error(probe.error);
    const prefix = gsm7Length(probe.body.slice(0, probe.body.indexOf("x")));
    const rest = gsm7Length(probe.body) - prefix - 1;
    const text = (before: number) => `${"a".repeat(before)}€${"b".repeat(306 - prefix - before - 2 - rest)}{link}`;
    // The euro's escape lands on septet 153, its character on 154: the carrier moves both to segment 2.
    const straddling = checkSmsBudget(text(152 - prefix), worst);
    expect(straddling.ok).toBe(false);
    if (!straddling.ok) expect(straddling.error).toMatch(/3 segments ; au plus 2/);
    expect(checkSmsBudget(text(151 - prefix), worst)).toMatchObject({ ok: true, segments: 2 });
  });

  it("measures an SMS text with the longest realistic values, folded into GSM-7", () => {
    const worst = worstCaseSmsProps("fr", "Atelier Durand", LINK);
    const short = checkSmsBudget("{amount} impayés depuis le {due_date}. Réglez avant le {deadline} : {link}", worst);
    expect(short).toMatchObject({ ok: true, segments: 2 });
    if (short.ok) expect(short.body).toContain("123 456,78 €");
    const long = checkSmsBudget(`${"Merci de bien vouloir régulariser la situation. ".repeat(5)}{link}`, worst);
    expect(long).toMatchObject({ ok: false });
    if (!long.ok) expect(long.error).toMatch(/3 segments ; au plus 2/);
    const emoji = checkSmsBudget("Payez 🙏 {link}", worst);
    if (!emoji.ok) expect(emoji.error).toMatch(/« 🙏 » n'existe pas en SMS/);
    expect(emoji.ok).toBe(false);
  });
});

describe("the privacy link on a first SMS (GDPR art. 14)", () => {
  const templates = ["second_reminder", "broken_promise", "installment_reminder", "formal_notice"] as const;
  it.each(templates.flatMap((t) => (["fr", "en"] as const).map((locale) => [t, locale] as const)))("%s (%s) carries it within two segments at worst", (template, locale) => {
    const worst = worstCaseSmsProps(locale, "Menuiserie Générale du Lyonnais", LINK);
    const sms = renderSms(template, worst);
    expect(sms.body).toContain(locale === "fr" ? "Vos données : http://localhost:4310/privacy" : "Your data: http://localhost:4310/privacy");
    expect(sms.segments).toBeLessThanOrEqual(2);
    expect(renderSms(template, { ...worst, privacyUrl: null }).body).not.toContain("/privacy");
  });

  it("counts in a creditor's text budget: a text that fits only without the link is refused", () => {
    const worst = worstCaseSmsProps("fr", "Atelier Durand", LINK);
    // 187 characters: inside two segments with the link and the STOP line, over them with the privacy line too.
    const text = `${"Merci de régler. ".repeat(11)}{link}`;
    expect(checkSmsBudget(text, { ...worst, privacyUrl: null })).toMatchObject({ ok: true });
    expect(checkSmsBudget(text, worst)).toMatchObject({ ok: false });
  });
});

const smsProps: SmsProps = {
  locale: "en",
  creditorName: "Atelier Durand",
  debtorName: "Thames Interiors Ltd",
  invoiceCount: 2,
  invoiceNumbers: ["F-2026-0031", "F-2026-0065"],
  totalCents: 1_234_56,
  currency: "EUR",
  oldestDueDate: "2026-10-22",
  deadline: "2026-11-27",
  linkUrl: LINK,
};

describe("rendering with a creditor's text", () => {
  it("an SMS keeps the creditor's name first and the STOP line last", () => {
    const { body, segments } = renderSms("second_reminder", { ...smsProps, customText: "{debtor}, {invoices}: {amount} by {deadline} please: {link}" });
    expect(body).toBe(`Atelier Durand: Thames Interiors Ltd, F-2026-0031, F-2026-0065: €1,234.56 by 27 November 2026 please: ${LINK}\nReply STOP to opt out`);
    expect(segments).toBe(2);
  });

  it("an SMS made too long by real values falls back to our text rather than fail", () => {
    const { body } = renderSms("second_reminder", { ...smsProps, debtorName: "x".repeat(30), customText: `${"y".repeat(250)} {debtor} {link}` });
    expect(body).toContain("2 unpaid invoices of €1,234.56, overdue since 22 October 2026");
  });

  it("an email replaces its subject and opening only: invoices, penalties and the link stay", async () => {
    const props: ReminderEmailProps = {
      locale: "fr",
      creditorName: "Atelier Durand",
      creditorEmail: "compta@atelier-durand.fr",
      debtorName: "Garage des Alpes SAS",
      debtorKind: "business",
      invoices: [{ number: "F-2026-0004", amountCents: 120_000, currency: "EUR", dueDate: "2026-10-05", daysOverdue: 46, interestCents: 1_850, indemnityCents: 4_000 }],
      linkUrl: LINK,
      privacyUrl: "http://localhost:4310/privacy",
      includePrivacyNotice: false,
      deadline: "2026-11-27",
      previousContacts: [{ date: "2026-10-10", channel: "email" }],
    };
    const email = await renderEmail("second_reminder", withEmailTemplate(props, { subject: "{creditor} — {invoices} impayée", body: "Cher {debtor},\n\nnous attendons toujours {amount}, échue le {due_date}." }));
    expect(email.subject).toBe("Atelier Durand — F-2026-0004 impayée");
    expect(email.text).toContain("Cher Garage des Alpes SAS,");
    expect(email.text).toMatch(/nous attendons toujours 1\s200,00\s€, échue le 5 octobre 2026\./);
    expect(email.text).not.toContain("Malgré notre e-mail");
    expect(email.text).toContain("Facture F-2026-0004");
    expect(email.text).toContain("Indemnité forfaitaire pour frais de recouvrement");
    expect(email.text).toContain("L441-10");
    expect(email.html).toContain(`href="${LINK}"`);
    expect(email.text).toContain("au plus tard le 27 novembre 2026");
  });
});
