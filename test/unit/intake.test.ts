import { describe, expect, it } from "vitest";
import { checkDebtor, checkInvoice, invoiceChange, parseDate, termsWarning, type InvoiceRecord, type StoredInvoice } from "~/domain/intake";

const TODAY = "2026-11-20";
const invoice = (fields: Record<string, string | number | null>) => checkInvoice({ number: "F-1", debtorRef: "C-1", amount: "100", issueDate: "2026-10-01", termsDays: 30, ...fields }, TODAY);
const errorOf = (result: ReturnType<typeof checkInvoice> | ReturnType<typeof checkDebtor>) => (result.ok ? null : result.errors.map((e) => `${e.field}: ${e.message}`).join(" | "));

describe("invoice amounts", () => {
  it.each([
    ["1 234,56", 123456],
    ["1234.56", 123456],
    ["1234,5", 123450],
    ["1.234,56", 123456],
    ["1,234.56", 123456],
    ["1 234,56 €", 123456],
    ["42", 4200],
  ])("reads %s as %i cents", (amount, cents) => {
    const result = invoice({ amount });
    expect(result.ok && result.value.amountCents).toBe(cents);
  });

  it.each([
    ["-12,00", /positif/],
    ["0", /nul/],
    ["0,00", /nul/],
    ["10000000,01", /10 000 000/],
    ["12,345", /illisible/],
    ["douze", /illisible/],
    ["", /obligatoire/],
  ])("refuses %s", (amount, message) => {
    expect(errorOf(invoice({ amount }))).toMatch(message);
  });

  it("takes integer cents from a program, and refuses fractions of a cent", () => {
    const ok = checkInvoice({ number: "F-1", debtorRef: "C-1", amountCents: 1999, issueDate: "2026-10-01", termsDays: 30 }, TODAY);
    expect(ok.ok && ok.value.amountCents).toBe(1999);
    expect(errorOf(checkInvoice({ number: "F-1", debtorRef: "C-1", amountCents: 19.5, issueDate: "2026-10-01", termsDays: 30 }, TODAY))).toMatch(/entier/);
  });

  it("accepts only euros", () => {
    expect(invoice({ currency: "eur" }).ok).toBe(true);
    expect(errorOf(invoice({ currency: "USD" }))).toMatch(/euro/);
  });
});

describe("invoice dates and terms", () => {
  it.each([
    ["20/11/2026", "2026-11-20"],
    ["1/2/2026", "2026-02-01"],
    ["20.11.2026", "2026-11-20"],
    ["2026-11-20", "2026-11-20"],
    ["2026-11-20T00:00:00Z", "2026-11-20"],
    ["31/02/2026", null],
    ["2026/11/20", null],
    ["11-20", null],
  ])("parses %s as %s", (text, date) => {
    expect(parseDate(text)).toBe(date);
  });

  it("computes the due date from the terms, with or without end of month", () => {
    const net = invoice({ termsDays: 30 });
    expect(net.ok && [net.value.dueDate, net.value.paymentTermsDays]).toEqual(["2026-10-31", 30]);
    const eom = invoice({ termsDays: null, terms: "45 jours fin de mois" });
    expect(eom.ok && [eom.value.dueDate, eom.value.endOfMonth45]).toEqual(["2026-11-30", true]);
    const given = invoice({ termsDays: null, dueDate: "15/12/2026" });
    expect(given.ok && [given.value.dueDate, given.value.paymentTermsDays]).toEqual(["2026-12-15", 75]);
  });

  it.each([
    [{ issueDate: "31/12/1999" }, /antérieure à l'an 2000/],
    [{ issueDate: "2026-12-01" }, /dans le futur/],
    [{ dueDate: "2029-01-01", termsDays: null }, /plus de 2 ans/],
    [{ dueDate: "2026-09-01", termsDays: null }, /antérieure à la date de facture/],
    [{ termsDays: null }, /échéance ou le délai/],
    [{ termsDays: "trente" }, /en jours/],
    [{ termsDays: 400 }, /365/],
    [{ issueDate: "" }, /date de facture est obligatoire/],
  ])("refuses %o", (fields, message) => {
    expect(errorOf(invoice(fields))).toMatch(message);
  });

  it.each([
    ["2026-01-10", "2026-03-11", false, "business", false], // 60 days: the limit itself
    ["2026-01-10", "2026-03-12", false, "business", true], // 61 days
    ["2026-01-10", "2026-02-28", true, "business", false], // 45 days end of month, stated
    ["2026-01-31", "2026-03-31", true, "business", false], // 59 days anyway
    ["2026-01-10", "2026-03-31", true, "business", true], // beyond 45 days end of month
    // The other reading the administration accepts: end of the month, then 45 days (31 Jan + 45).
    ["2026-01-01", "2026-03-17", true, "business", false],
    ["2026-01-01", "2026-03-18", true, "business", true],
    ["2026-01-01", "2026-03-17", false, "business", true], // not stated: 60 days only
    ["2026-01-10", "2026-04-30", false, "consumer", false], // L441-10 binds professionals
  ] as const)("terms %s → %s (45 EOM %s, %s) flagged: %s", (issue, due, eom, kind, flagged) => {
    expect(termsWarning(issue, due, eom, kind) !== null).toBe(flagged);
  });
});

describe("texts", () => {
  it.each([
    ["Dupont\u0000SA", /contrôle/],
    ["Dupont\nSA", /contrôle/],
    ["Facture \u202Efdp.exe", /inversion/],
    ["<script>alert(1)</script>", /HTML/],
    ["<img src=x onerror=alert(1)>", /HTML/],
    ["x".repeat(201), /200 caractères/],
  ])("refuses the name %j", (name, message) => {
    expect(errorOf(checkDebtor({ externalRef: "C-1", name }))).toMatch(message);
  });

  it("keeps a formula-looking name as plain text (the export neutralises it)", () => {
    const result = checkDebtor({ externalRef: "C-1", name: '=HYPERLINK("http://evil.example","clic")' });
    expect(result.ok && result.value.name).toBe('=HYPERLINK("http://evil.example","clic")');
  });

  it("accepts ordinary punctuation, accents and a less-than sign followed by a space", () => {
    expect(checkDebtor({ externalRef: "C-1", name: "Société L'Étoile & Fils (< 10 salariés)" }).ok).toBe(true);
  });

  it.each([
    ["C 001/ab#2", true],
    ["=cmd", false],
    ["a".repeat(65), false],
    ["réf-é", true],
  ])("reference %j accepted: %s", (ref, ok) => {
    expect(checkDebtor({ externalRef: ref, name: "X" }).ok).toBe(ok);
  });
});

describe("debtor records", () => {
  it("normalises contacts, kind, locale, segment, country, SIREN", () => {
    const result = checkDebtor({
      externalRef: " C-1 ",
      name: "Menuiserie Lefèvre",
      kind: "Particulier",
      email: "Compta@Lefevre.FR",
      phone: "06 12 34 56 78",
      siren: "123 456 789",
      country: "be",
      locale: "Anglais",
      segment: "Bon payeur",
      timeZone: "Europe/Brussels",
    });
    expect(result).toEqual({
      ok: true,
      value: {
        externalRef: "C-1",
        name: "Menuiserie Lefèvre",
        kind: "consumer",
        email: "compta@lefevre.fr",
        phone: "+33612345678",
        siren: "123456789",
        country: "BE",
        locale: "en",
        segment: "good_payer",
        timeZone: "Europe/Brussels",
      },
    });
  });

  it.each([
    [{ email: "pas-un-email" }, /nom@domaine/],
    [{ phone: "12" }, /numéro valide/],
    [{ siren: "1234" }, /9 chiffres/],
    [{ kind: "alien" }, /Type de client/],
    [{ timeZone: "Mars/Olympus" }, /Fuseau/],
    [{ country: "France" }, /2 lettres/],
    [{ externalRef: "" }, /référence client est obligatoire/],
  ])("refuses %o", (fields, message) => {
    expect(errorOf(checkDebtor({ externalRef: "C-1", name: "X", ...fields }))).toMatch(message);
  });
});

describe("what changes on a known invoice", () => {
  const stored: StoredInvoice = {
    debtorRef: "C-1",
    number: "F-1",
    amountCents: 10000,
    balanceCents: 10000,
    currency: "EUR",
    issueDate: "2026-10-01",
    dueDate: "2026-10-31",
    paymentTermsDays: 30,
    status: "open",
    termsWarning: null,
    hasPayments: false,
  };
  const record: InvoiceRecord = { externalRef: "F-1", number: "F-1", debtorRef: "C-1", amountCents: 10000, currency: "EUR", issueDate: "2026-10-01", dueDate: "2026-10-31", paymentTermsDays: 30, endOfMonth45: false };

  it("is unchanged when the same data comes again", () => {
    expect(invoiceChange(stored, record, null)).toEqual({ kind: "unchanged" });
  });

  it("updates the amount and the balance while nothing is paid", () => {
    expect(invoiceChange(stored, { ...record, amountCents: 12000 }, null)).toEqual({ kind: "updated", set: { amountCents: 12000, balanceCents: 12000 } });
  });

  it("refuses a new amount once a payment exists, and a change of debtor", () => {
    const paid = invoiceChange({ ...stored, hasPayments: true, balanceCents: 4000 }, { ...record, amountCents: 12000 }, null);
    expect(paid.kind === "refused" && paid.error.message).toMatch(/paiement a déjà été enregistré/);
    const moved = invoiceChange(stored, { ...record, debtorRef: "C-2" }, null);
    expect(moved.kind === "refused" && moved.error.field).toBe("invoice.debtorRef");
  });

  it("still updates dates on a partly paid invoice", () => {
    expect(invoiceChange({ ...stored, hasPayments: true, balanceCents: 4000 }, { ...record, dueDate: "2026-11-15", paymentTermsDays: 45 }, null)).toEqual({
      kind: "updated",
      set: { dueDate: "2026-11-15", paymentTermsDays: 45 },
    });
  });
});
