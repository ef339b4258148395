import { describe, expect, it } from "vitest";
import {
  emailTemplates,
  renderEmail,
  type EmailInvoice,
  type EmailTemplate,
  type ReminderEmailProps,
} from "../../emails";

type Locale = ReminderEmailProps["locale"];

const LINK = "https://relance.example/l/tk_9fQ2mZ";
const PRIVACY = "https://relance.example/privacy";

// Penalties are non-zero on purpose: a consumer must not see them even if a caller passes them (L8).
const overdueInvoices: EmailInvoice[] = [
  {
    number: "F-2026-0142",
    amountCents: 123_456,
    currency: "EUR",
    dueDate: "2026-10-20",
    daysOverdue: 31,
    interestCents: 1_587,
    indemnityCents: 4_000,
  },
  {
    number: "F-2026-0157",
    amountCents: 48_000,
    currency: "EUR",
    dueDate: "2026-10-30",
    daysOverdue: 21,
    interestCents: 410,
    indemnityCents: 4_000,
  },
];
const upcomingInvoices: EmailInvoice[] = overdueInvoices.map((invoice, index) => ({
  ...invoice,
  dueDate: `2026-11-2${5 + index}`,
  daysOverdue: 0,
  interestCents: 0,
  indemnityCents: 0,
}));

const base: ReminderEmailProps = {
  locale: "fr",
  creditorName: "Atelier Dupont",
  creditorEmail: "compta@atelier-dupont.fr",
  debtorName: "Boulangerie Martin",
  debtorKind: "business",
  invoices: overdueInvoices,
  linkUrl: LINK,
  privacyUrl: PRIVACY,
  includePrivacyNotice: true,
  deadline: null,
  previousContacts: [],
};

// What intl prints: U+202F groups thousands and U+00A0 precedes the euro sign in French.
const amounts: Record<Locale, string[]> = {
  fr: ["1\u202f234,56\u00a0€", "480,00\u00a0€"],
  en: ["€1,234.56", "€480.00"],
};
const total: Record<Locale, string> = { fr: "1\u202f714,56\u00a0€", en: "€1,714.56" };

type Case = {
  template: EmailTemplate;
  props: Partial<ReminderEmailProps>;
  subject: Record<Locale, RegExp>;
  /** Text each locale's plain-text part must contain, beyond what every reminder shows. */
  shows: Record<Locale, string[]>;
  hasLink: boolean;
  listsInvoices: boolean;
};

const cases: Case[] = [
  {
    template: "pre_reminder",
    props: { invoices: upcomingInvoices },
    subject: { fr: /arrivent bientôt à échéance/, en: /are due soon/ },
    shows: { fr: ["Échéance : 25 novembre 2026"], en: ["Due: 25 November 2026"] },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "first_reminder",
    props: { deadline: "2026-11-27", previousContacts: [{ date: "2026-11-05", channel: "email" }] },
    subject: { fr: /rappel pour 2 factures échues/, en: /reminder about 2 overdue invoices/ },
    shows: {
      fr: ["d'ici le 27 novembre 2026", "31 jours de retard", "21 jours de retard"],
      en: ["by 27 November 2026", "31 days overdue", "21 days overdue"],
    },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "second_reminder",
    props: {
      deadline: "2026-11-27",
      previousContacts: [
        { date: "2026-11-05", channel: "email" },
        { date: "2026-11-15", channel: "sms" },
      ],
    },
    subject: { fr: /deuxième relance/, en: /second reminder/ },
    shows: {
      fr: [
        "Malgré notre e-mail du 5 novembre 2026 et notre SMS du 15 novembre 2026",
        "au plus tard le 27 novembre 2026",
        "échéancier",
      ],
      en: [
        "Despite our email of 5 November 2026 and our text message of 15 November 2026",
        "by 27 November 2026",
        "payment plan",
      ],
    },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "formal_notice",
    props: {
      deadline: "2026-12-05",
      previousContacts: [
        { date: "2026-11-05", channel: "email" },
        { date: "2026-11-15", channel: "sms" },
        { date: "2026-11-20", channel: "call" },
      ],
    },
    subject: { fr: /mise en demeure/, en: /formal notice/ },
    shows: {
      fr: [
        "lettre recommandée",
        "au plus tard le 5 décembre 2026",
        "notre appel du 20 novembre 2026",
        "procédure judiciaire",
      ],
      en: ["registered letter", "by 5 December 2026", "our call of 20 November 2026", "court action"],
    },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "broken_promise",
    props: { promise: { date: "2026-11-18", amountCents: 50_000 }, deadline: "2026-11-25" },
    subject: { fr: /règlement prévu le 18 novembre 2026/, en: /payment planned for 18 November 2026/ },
    shows: {
      fr: [
        "un règlement de 500,00\u00a0€ pour le 18 novembre 2026",
        "au plus tard le 25 novembre 2026",
        "nouvelle date",
      ],
      en: ["pay €500.00 by 18 November 2026", "by 25 November 2026 at the latest", "new date"],
    },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "installment_reminder",
    props: { installment: { dueDate: "2026-12-01", amountCents: 30_864, position: 2, count: 4 } },
    subject: { fr: /échéance 2\/4 de votre plan de paiement/, en: /instalment 2\/4 of your payment plan/ },
    shows: {
      fr: ["l'échéance 2 sur 4, d'un montant de 308,64\u00a0€, est à régler le 1er décembre 2026"],
      en: ["instalment 2 of 4, for €308.64, is due on 1 December 2026"],
    },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "thank_you",
    props: {},
    subject: { fr: /merci pour votre règlement/, en: /thank you for your payment/ },
    shows: {
      fr: ["nous avons bien reçu votre règlement", "Total réglé"],
      en: ["we have received your payment", "Total paid"],
    },
    hasLink: false,
    listsInvoices: true,
  },
  {
    template: "follow_up",
    props: {},
    subject: { fr: /où en êtes-vous \?/, en: /where do things stand\?/ },
    shows: { fr: ["Où en êtes-vous ?"], en: ["Where do things stand?"] },
    hasLink: true,
    listsInvoices: true,
  },
  {
    template: "new_link",
    props: { invoices: [] },
    subject: { fr: /votre nouveau lien d'accès/, en: /your new access link/ },
    shows: { fr: ["nouveau lien"], en: ["new link"] },
    hasLink: true,
    listsInvoices: false,
  },
  {
    template: "notice",
    props: { invoices: [], notice: { title: "Engagement enregistré", lines: ["Relances suspendues jusqu'au 12 mars 2027."] } },
    // The notice text comes from the action, already translated; the subject punctuation follows the locale.
    subject: { fr: /Dupont : Engagement/, en: /Dupont: Engagement/ },
    shows: { fr: ["Relances suspendues jusqu'au 12 mars 2027."], en: ["Relances suspendues jusqu'au 12 mars 2027."] },
    hasLink: true,
    listsInvoices: false,
  },
];

const locales: Locale[] = ["fr", "en"];
const matrix = cases.flatMap((c) => locales.map((locale) => [c.template, locale, c] as const));
const props = (c: Case, extra: Partial<ReminderEmailProps> = {}): ReminderEmailProps => ({
  ...base,
  ...c.props,
  ...extra,
});
const caseFor = (template: EmailTemplate) => cases.find((c) => c.template === template)!;

describe("debtor email templates", () => {
  it("has a template for every emailed step", () => {
    expect(emailTemplates.toSorted()).toEqual(cases.map((c) => c.template).toSorted());
  });

  it.each(matrix)("%s (%s): subject, debtor, invoices, link, sender", async (template, locale, c) => {
    const email = await renderEmail(template, props(c, { locale }));
    const other = locale === "fr" ? "en" : "fr";

    expect(email.subject).toMatch(c.subject[locale]);
    expect(email.subject).not.toMatch(c.subject[other]);
    expect(email.subject).toContain("Atelier Dupont");
    expect(email.html).toContain(`lang="${locale}"`);
    expect(email.text).toContain(locale === "fr" ? "Bonjour Boulangerie Martin," : "Hello Boulangerie Martin,");
    expect(email.text).toContain(
      locale === "fr" ? "Relance pour le compte d'Atelier Dupont" : "Sent by Relance on behalf of Atelier Dupont",
    );
    for (const expected of c.shows[locale]) expect(email.text).toContain(expected);

    if (c.listsInvoices) {
      for (const invoice of overdueInvoices) expect(email.text).toContain(invoice.number);
      for (const amount of amounts[locale]) expect(email.text).toContain(amount);
      expect(email.text).toContain(total[locale]);
    }
    if (c.hasLink) {
      expect(email.text).toContain(LINK);
      expect(email.html).toContain(`href="${LINK}"`);
    } else {
      expect(email.text).not.toContain(LINK);
      expect(email.html).not.toContain(LINK);
    }
  });

  it.each(matrix)(
    "%s (%s): a consumer never sees L441-10 penalties or the 40 € indemnity",
    async (template, locale, c) => {
      const email = await renderEmail(template, props(c, { locale, debtorKind: "consumer" }));
      for (const part of [email.subject, email.text]) {
        expect(part).not.toMatch(/L441-10|indemnit|\b40\b|Pénalités|late-payment interest/i);
      }
      expect(email.html).not.toMatch(/L441-10|40,00|€40/);
    },
  );

  it.each(locales)("a consumer's formal notice says it starts statutory interest instead (%s)", async (locale) => {
    const email = await renderEmail(
      "formal_notice",
      props(caseFor("formal_notice"), { locale, debtorKind: "consumer" }),
    );
    expect(email.text).toContain(locale === "fr" ? "intérêts au taux légal" : "interest at the statutory rate");
  });

  const perInvoice = {
    fr: [
      "Pénalités de retard à ce jour : 15,87\u00a0€",
      "Pénalités de retard à ce jour : 4,10\u00a0€",
      "Indemnité forfaitaire pour frais de recouvrement : 40,00\u00a0€",
      "article L441-10 du Code de commerce",
    ],
    en: [
      "Late-payment interest to date: €15.87",
      "Late-payment interest to date: €4.10",
      "Fixed compensation for recovery costs: €40.00",
      "Article L441-10 of the French Commercial Code",
    ],
  };
  const withPenalties = (["second_reminder", "formal_notice"] as const).flatMap((template) =>
    locales.map((locale) => [template, locale] as const),
  );

  it.each(withPenalties)(
    "%s (%s) shows a business each invoice's penalties, outside the amount to pay",
    async (template, locale) => {
      const email = await renderEmail(template, props(caseFor(template), { locale }));
      for (const expected of perInvoice[locale]) expect(email.text).toContain(expected);
      // 1 714,56 € owed; with the penalties it would be 1 814,53 €.
      expect(email.text).toContain(total[locale]);
      expect(email.text).not.toMatch(/1.814.53/);
    },
  );

  it.each(locales)("first_reminder mentions a business's penalties in one line (%s)", async (locale) => {
    const email = await renderEmail("first_reminder", props(caseFor("first_reminder"), { locale }));
    expect(email.text).toContain(
      locale === "fr"
        ? "à des pénalités de retard de 19,97\u00a0€ et à une indemnité forfaitaire pour frais de recouvrement par facture, soit 80,00\u00a0€ (article L441-10 du Code de commerce)"
        : "late-payment interest of €19.97 and fixed compensation for recovery costs on each invoice, €80.00 in all (Article L441-10 of the French Commercial Code)",
    );
    expect(email.text).not.toContain(perInvoice[locale][0]);
  });

  it.each(matrix.filter(([template]) => !["first_reminder", "second_reminder", "formal_notice"].includes(template)))(
    "%s (%s) never brings up penalties, even for a business",
    async (template, locale, c) => {
      const email = await renderEmail(template, props(c, { locale }));
      expect(email.text).not.toMatch(/L441-10|indemnit/i);
    },
  );

  it("shows no penalty line when nothing is owed yet", async () => {
    const noPenalties = overdueInvoices.map((invoice) => ({ ...invoice, interestCents: 0, indemnityCents: 0 }));
    for (const template of ["first_reminder", "second_reminder", "formal_notice"] as const) {
      const email = await renderEmail(template, props(caseFor(template), { invoices: noPenalties }));
      expect(email.text).not.toContain("L441-10");
    }
  });

  it.each(matrix)(
    "%s (%s): the GDPR notice only on the first message, the privacy link always",
    async (template, locale, c) => {
      const notice = locale === "fr" ? "Pourquoi recevez-vous ce message ?" : "Why are you receiving this?";
      const first = await renderEmail(template, props(c, { locale, includePrivacyNotice: true }));
      const later = await renderEmail(template, props(c, { locale, includePrivacyNotice: false }));
      expect(first.text).toContain(notice);
      expect(first.text).toContain(PRIVACY);
      expect(later.text).not.toContain(notice);
      expect(later.text).toContain(PRIVACY);
    },
  );

  it("states the last installment of a plan", async () => {
    const email = await renderEmail(
      "installment_reminder",
      props(caseFor("installment_reminder"), {
        installment: { dueDate: "2027-01-01", amountCents: 30_864, position: 4, count: 4 },
      }),
    );
    expect(email.text).toContain("C'est la dernière échéance de votre plan.");
  });

  it("words a single invoice and a promise without an amount", async () => {
    const email = await renderEmail(
      "broken_promise",
      props(caseFor("broken_promise"), {
        invoices: overdueInvoices.slice(0, 1),
        promise: { date: "2026-11-18", amountCents: null },
      }),
    );
    expect(email.text).toContain("Vous nous aviez indiqué un règlement pour le 18 novembre 2026.");
    expect(email.text).toContain("Merci de régler au plus tard le 25 novembre 2026");
    expect(email.text).not.toContain("Total");
  });

  it("keeps a sensible deadline sentence when the step sets none", async () => {
    const email = await renderEmail(
      "second_reminder",
      props(caseFor("second_reminder"), { deadline: null, previousContacts: [] }),
    );
    expect(email.text).toContain("Les factures ci-dessous restent impayées à ce jour.");
    expect(email.text).toContain("dans les meilleurs délais");
  });

  it.each([
    ["broken_promise", { promise: undefined }, /props\.promise/],
    ["installment_reminder", { installment: undefined }, /props\.installment/],
  ] as const)("refuses to render %s without its step data", async (template, extra, error) => {
    await expect(renderEmail(template, props(caseFor(template), extra))).rejects.toThrow(error);
  });

  it("elides the French preposition before a vowel only", async () => {
    const email = await renderEmail(
      "pre_reminder",
      props(caseFor("pre_reminder"), { creditorName: "Boulangerie Dupont" }),
    );
    expect(email.text).toContain("de la part de Boulangerie Dupont");
    expect(email.text).toContain("pour le compte de Boulangerie Dupont");
  });
});
