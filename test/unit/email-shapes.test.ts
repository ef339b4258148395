import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { emailTemplates, renderEmail, renderEmailDirect, type EmailInvoice, type EmailTemplate, type ReminderEmailProps } from "../../emails";
import { renderDirect, renderEmailElement, renderStats } from "../../emails/render";
import { renderStaffEmail, renderStaffEmailDirect, type StaffEmailProps } from "../../emails/staff";
import { withEmailTemplate } from "../../emails/templates";

type Locale = ReminderEmailProps["locale"];

// Every character React escapes, accents, and the whitespace html-to-text folds, in names, numbers and links.
const invoice = (number: string, extra: Partial<EmailInvoice> = {}): EmailInvoice => ({
  number,
  amountCents: 123_456,
  currency: "EUR",
  dueDate: "2026-10-20",
  daysOverdue: 31,
  interestCents: 1_587,
  indemnityCents: 4_000,
  ...extra,
});
const threeInvoices = [
  invoice("F-2026/0142 <A&B>"),
  invoice(`F-"0157"'bis'`, { amountCents: 48_000, dueDate: "2026-11-01", daysOverdue: 1, interestCents: 0, interestUnpublishedFrom: "2026-07-01" }),
  invoice("Fàç-ÉÈ  0160", { amountCents: 9_99, dueDate: "2026-11-19", daysOverdue: 0, interestCents: 0, indemnityCents: 0 }),
];

const base: ReminderEmailProps = {
  locale: "fr",
  creditorName: `Élan & "Fils" <Lyon>`,
  creditorEmail: "compta+relance@élan-fils.fr",
  debtorName: "Boulangerie L'Épi d'Or <SARL> & Cie",
  debtorKind: "business",
  invoices: threeInvoices,
  linkUrl: "https://relance.example/l/tk_9fQ2mZ?x=1&y='2'",
  privacyUrl: "https://relance.example/privacy?from=\"mail\"",
  includePrivacyNotice: true,
  deadline: "2026-12-01",
  previousContacts: [
    { date: "2026-11-01", channel: "email" },
    { date: "2026-11-10", channel: "sms" },
    { date: "2026-11-15", channel: "call" },
  ],
  promise: { date: "2026-11-18", amountCents: 50_000 },
  installment: { dueDate: "2026-12-01", amountCents: 30_864, position: 2, count: 4 },
  notice: { title: `Engagement "enregistré" <ici> & là`, lines: ["Relances suspendues jusqu'au 12 mars 2027.", "Code : <123> & 'ok'"] },
};

/** Props that change the structure of a message: list lengths, optional sections, plural forms, options. */
const variants: [string, Partial<ReminderEmailProps>][] = [
  ["three invoices, one due, penalties, history", {}],
  ["one invoice", { invoices: threeInvoices.slice(0, 1) }],
  ["two invoices in two currencies", { invoices: [threeInvoices[0]!, { ...threeInvoices[1]!, currency: "USD" }] }],
  ["no invoice", { invoices: [] }],
  ["a consumer, no deadline, no history, not the first message", { debtorKind: "consumer", deadline: null, previousContacts: [], includePrivacyNotice: false }],
  ["a creditor name that takes de, an accent band", { creditorName: "Hôtel Bellevue", accentColor: "#aa3300", debtorName: "  Café   du\nPort\t 🙂" }],
  ["a promise without an amount, the last installment", { promise: { date: "2026-11-01", amountCents: null }, installment: { dueDate: "2027-01-01", amountCents: 1, position: 4, count: 4 } }],
  ["a notice without a link, one line", { linkUrl: "", notice: { title: "Code", lines: [" 12 34 "] } }],
  ["a link html-to-text rewrites", { linkUrl: "mailto:compta@example.fr" }],
];

const locales: Locale[] = ["fr", "en"];

describe("emails filled from a cached render of their shape", () => {
  const matrix = emailTemplates.flatMap((template) => locales.flatMap((locale) => variants.map(([name, extra]) => [template, locale, name, extra] as const)));

  it.each(matrix)("%s (%s), %s: the same subject, HTML and text as React's render", async (template, locale, _name, extra) => {
    const props = { ...base, ...extra, locale };
    // Twice: the first render of a shape fills its cache entry, the second is filled from it.
    for (const round of [1, 2]) {
      const before = { ...renderStats };
      const fast = await renderEmail(template, { ...props, debtorName: `${props.debtorName} ${round}` });
      const direct = await renderEmailDirect(template, { ...props, debtorName: `${props.debtorName} ${round}` });
      expect(fast.subject).toBe(direct.subject);
      expect(fast.html).toBe(direct.html);
      expect(fast.text).toBe(direct.text);
      expect(renderStats.filled - before.filled).toBe(1);
      if (round === 2) expect(renderStats.shapes).toBe(before.shapes);
    }
  });

  it.each(locales)("the creditor's own subject and opening paragraphs, with specials and line breaks (%s)", async (locale) => {
    const template = { subject: "{creditor} — {invoices} <impayées> & \"dues\"", body: "Cher {debtor},\n\nnous attendons {amount} depuis le {due_date}.\nMerci d'agir avant le {deadline} : {link}" };
    for (const step of ["first_reminder", "second_reminder", "formal_notice", "pre_reminder"] as const) {
      const props = withEmailTemplate({ ...base, locale }, template);
      const fast = await renderEmail(step, props);
      const direct = await renderEmailDirect(step, props);
      expect(fast).toEqual(direct);
      expect(fast.text).toContain("Cher Boulangerie L'Épi d'Or <SARL> & Cie,");
    }
  });

  const staff: StaffEmailProps[] = [
    { kind: "code", staffName: "Zoé <Admin> & 'co'", creditorName: `Élan & "Fils"`, code: "012345", purpose: "sign_in", minutes: 10 },
    { kind: "code", staffName: "", creditorName: "", code: "000000", purpose: "password", minutes: 10 },
    { kind: "welcome", staffName: "Zoé", creditorName: "Atelier  Dupont", invitedBy: "Marc <owner>", loginUrl: "https://relance.example/backoffice/login?x=1&y=2" },
    { kind: "alert", staffName: "Élan", creditorName: "Élan", title: "Échéancier de <Client> non examiné", lines: ["Ligne 1 & 2", "Ouvrez sa fiche : https://relance.example/d/1"] },
    { kind: "commitment_copy", staffName: "Élan", creditorName: "Élan", title: `Promesse "ferme"`, lines: ["Montant : 1\u202f200,00\u00a0€", "IP : 203.0.113.9"] },
  ];

  it.each(staff.map((props) => [props.kind, props] as const))("back-office email (%s): the same as React's two renders", async (_kind, props) => {
    for (const round of [1, 2]) {
      const named = { ...props, staffName: `${props.staffName}${round}` };
      const before = { ...renderStats };
      expect(await renderStaffEmail(named)).toEqual(await renderStaffEmailDirect(named));
      expect(renderStats.filled - before.filled).toBe(1);
      if (round === 2) expect(renderStats.shapes).toBe(before.shapes);
    }
  });

  it("escapes every value in the HTML and keeps it readable in the text", async () => {
    const before = renderStats.filled;
    const email = await renderEmail("first_reminder", { ...base, debtorName: `<script>alert("x")</script> & 'co'` });
    expect(renderStats.filled).toBe(before + 1);
    expect(email.html).toContain("Bonjour &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;co&#x27;,");
    expect(email.html).not.toContain("<script>");
    expect(email.text).toContain(`Bonjour <script>alert("x")</script> & 'co',`);
    expect(email.html).toContain(`href="https://relance.example/l/tk_9fQ2mZ?x=1&amp;y=&#x27;2&#x27;"`);
    expect(email.text).toContain("https://relance.example/l/tk_9fQ2mZ?x=1&y='2'");
  });

  it("renders a message the fill cannot reproduce through React, with the same result", async () => {
    // A lone surrogate is replaced when React encodes the stream: the fill would keep it.
    const props = { ...base, debtorName: "Client \uD800 cassé" };
    const before = renderStats.direct;
    const fast = await renderEmail("second_reminder", props);
    expect(renderStats.direct).toBe(before + 1);
    expect(fast).toEqual(await renderEmailDirect("second_reminder", props));
  });

  it.each([
    ["an address", "https://relance.example/l/abc"],
    ["a mail address", "mailto:compta@example.fr"],
  ])("leaves a link whose words spell %s to React, which hides the address in the text", async (_name, href) => {
    const element = createElement("p", null, "Écrivez-nous : ", createElement("a", { href }, href.replace(/^mailto:/, "")));
    const before = renderStats.direct;
    const fast = await renderEmailElement(element);
    expect(renderStats.direct).toBe(before + 1);
    expect(fast).toEqual(await renderDirect(element));
    expect(fast.text).toBe(`Écrivez-nous : ${href.replace(/^mailto:/, "")}`);
  });

  it("fails as React does when a template cannot render", async () => {
    const props = { ...base, notice: undefined, override: { subject: "Objet", opening: [] } };
    await expect(renderEmail("notice", props)).rejects.toThrow(/needs its notice text/);
  });

  it("fills every message of a run, whatever its words and list lengths", async () => {
    const before = { ...renderStats };
    const templates: EmailTemplate[] = ["first_reminder", "notice"];
    for (let i = 0; i < 50; i++) {
      for (const template of templates) await renderEmail(template, { ...base, debtorName: `Client ${i}`, invoices: threeInvoices.slice(0, 1 + (i % 3)) });
    }
    expect(renderStats.filled - before.filled).toBe(100);
    expect(renderStats.direct - before.direct).toBe(0);
    // One shape per template and list length.
    expect(renderStats.shapes - before.shapes).toBeLessThanOrEqual(6);
  });
});
