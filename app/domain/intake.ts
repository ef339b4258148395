/**
 * The one intake path for what a creditor sends us (CSV import, JSON API): a debtor record and an
 * invoice record are checked and normalised here, and compared with what is stored to decide what
 * changes. Refusals are values, in French, naming the field; absurd values never reach the database.
 */
import { addDays, daysBetween, isCalendarDate, isValidTimeZone, type CalendarDate } from "./dates";
import { normalizePhone } from "./contact-details";
import { parseAmountToCents } from "./payments";

export const MAX_AMOUNT_CENTS = 10_000_000_00; // 10 M€
export const EARLIEST_DATE = "2000-01-01";
export const MAX_YEARS_AHEAD = 2;
/** L3 (L441-10 I, Code de commerce): 60 days from the invoice date, or 45 days end of month if agreed. */
export const LEGAL_TERMS_DAYS = 60;

export type DebtorField =
  | "externalRef"
  | "name"
  | "kind"
  | "email"
  | "phone"
  | "siren"
  | "addressLine"
  | "postalCode"
  | "city"
  | "country"
  | "locale"
  | "timeZone"
  | "segment";
export type InvoiceField = "externalRef" | "number" | "debtorRef" | "amount" | "currency" | "issueDate" | "dueDate" | "termsDays" | "terms";

export type RawDebtor = Partial<Record<DebtorField, string | null>>;
export type RawInvoice = Partial<Record<Exclude<InvoiceField, "amount" | "termsDays">, string | null>> & {
  /** Typed by a person: "1 234,56", "1234.56", "1234,56 €". */
  amount?: string | null;
  /** From a program: integer cents. */
  amountCents?: number | null;
  termsDays?: string | number | null;
};

export type DebtorKind = "business" | "consumer";
export type DebtorRecord = {
  externalRef: string;
  name: string;
  /** Optional fields: undefined means "not given", which never erases what is stored. */
  kind?: DebtorKind;
  email?: string;
  phone?: string;
  siren?: string;
  addressLine?: string;
  postalCode?: string;
  city?: string;
  country?: string;
  locale?: "fr" | "en";
  timeZone?: string;
  segment?: "standard" | "high_risk" | "good_payer";
};

export type InvoiceRecord = {
  externalRef: string;
  number: string;
  debtorRef: string;
  amountCents: number;
  currency: "EUR";
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  paymentTermsDays: number;
  /** Stated terms "45 jours fin de mois": the other legal limit applies. */
  endOfMonth45: boolean;
};

export type Issue = { field: string; message: string };
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: Issue[] };

/** French column names for reports ("Colonne"), shared by the CSV import and the API's problem details. */
export const FIELD_LABELS: Record<string, string> = {
  "debtor.externalRef": "Réf. client",
  "debtor.name": "Nom du client",
  "debtor.kind": "Type de client",
  "debtor.email": "E-mail",
  "debtor.phone": "Téléphone",
  "debtor.siren": "SIREN",
  "debtor.addressLine": "Adresse",
  "debtor.postalCode": "Code postal",
  "debtor.city": "Ville",
  "debtor.country": "Pays",
  "debtor.locale": "Langue",
  "debtor.timeZone": "Fuseau horaire",
  "debtor.segment": "Profil",
  "invoice.externalRef": "Réf. facture",
  "invoice.number": "N° de facture",
  "invoice.debtorRef": "Réf. client",
  "invoice.amount": "Montant",
  "invoice.currency": "Devise",
  "invoice.issueDate": "Date de facture",
  "invoice.dueDate": "Échéance",
  "invoice.termsDays": "Délai (jours)",
  "invoice.terms": "Conditions de paiement",
};

const LIMITS = { ref: 64, name: 200, email: 254, address: 300, postalCode: 10, city: 100, terms: 100 } as const;

// C0 and C1 controls (tab and newlines included: no field is multi-line), and the bidirectional
// overrides that make "fdp.exe" read "exe.pdf" (Trojan Source).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const MARKUP = /<\s*\/?\s*[a-z!?]/i;
const REF = /^[\p{L}\p{N}][\p{L}\p{N} ._\-/#:]*$/u;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[a-z]{2,}$/i;

/** Refuses what no field of ours may hold; the text is trimmed. Returns the message or null. */
export function textProblem(text: string, max: number): string | null {
  if (CONTROL.test(text)) return "contient des caractères de contrôle (tabulation, retour à la ligne…) ; retirez-les.";
  if (BIDI.test(text)) return "contient des caractères invisibles d'inversion du sens d'écriture ; retirez-les.";
  if (MARKUP.test(text)) return "contient du balisage HTML (< suivi d'une lettre) ; saisissez du texte simple.";
  if (text.length > max) return `dépasse ${max} caractères (${text.length}).`;
  return null;
}

function given(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.replace(/^[\s\u00a0\ufeff]+|[\s\u00a0]+$/g, "");
  return trimmed === "" ? undefined : trimmed;
}

class Collector {
  readonly errors: Issue[] = [];
  constructor(private readonly prefix: string) {}
  add(field: string, message: string) {
    this.errors.push({ field: `${this.prefix}.${field}`, message });
  }
  /** The trimmed text, or undefined (absent, or refused: then an error is recorded). */
  text(field: string, value: string | null | undefined, max: number, label: string): string | undefined {
    const text = given(value);
    if (text === undefined) return undefined;
    const problem = textProblem(text, max);
    if (problem) {
      this.add(field, `${label} ${problem}`);
      return undefined;
    }
    return text;
  }
  ref(field: string, value: string | null | undefined, label: string): string | undefined {
    const text = this.text(field, value, LIMITS.ref, label);
    if (text !== undefined && !REF.test(text)) {
      this.add(field, `${label} : seuls les lettres, chiffres, espaces et . _ - / # : sont acceptés.`);
      return undefined;
    }
    return text;
  }
  oneOf<T extends string>(field: string, value: string | null | undefined, choices: Record<string, T>, message: string): T | undefined {
    const text = given(value);
    if (text === undefined) return undefined;
    const key = fold(text);
    const found = choices[key];
    if (!found) this.add(field, message);
    return found;
  }
}

/** Lower case, without accents, spaces or punctuation: how headers and choices are compared. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

const KINDS: Record<string, DebtorKind> = {
  business: "business",
  professionnel: "business",
  pro: "business",
  entreprise: "business",
  societe: "business",
  b2b: "business",
  consumer: "consumer",
  particulier: "consumer",
  consommateur: "consumer",
  b2c: "consumer",
};
const LOCALES: Record<string, "fr" | "en"> = { fr: "fr", francais: "fr", french: "fr", en: "en", anglais: "en", english: "en" };
const SEGMENTS: Record<string, "standard" | "high_risk" | "good_payer"> = {
  standard: "standard",
  highrisk: "high_risk",
  risque: "high_risk",
  risqueeleve: "high_risk",
  aurisque: "high_risk",
  goodpayer: "good_payer",
  bonpayeur: "good_payer",
};

export function checkDebtor(raw: RawDebtor): Checked<DebtorRecord> {
  const c = new Collector("debtor");
  const externalRef = c.ref("externalRef", raw.externalRef, "La référence client");
  if (given(raw.externalRef) === undefined) c.add("externalRef", "La référence client est obligatoire : c'est elle qui relie les factures au client.");
  const name = c.text("name", raw.name, LIMITS.name, "Le nom du client");
  if (given(raw.name) === undefined) c.add("name", "Le nom du client est obligatoire.");
  const record: DebtorRecord = { externalRef: externalRef ?? "", name: name ?? "" };
  record.kind = c.oneOf("kind", raw.kind, KINDS, "Type de client inconnu : « professionnel » ou « particulier » (business / consumer).");
  const email = c.text("email", raw.email, LIMITS.email, "L'e-mail");
  if (email !== undefined) {
    if (EMAIL.test(email)) record.email = email.toLowerCase();
    else c.add("email", "L'e-mail n'a pas la forme nom@domaine.fr.");
  }
  const phone = c.text("phone", raw.phone, 40, "Le téléphone");
  if (phone !== undefined) {
    const e164 = normalizePhone(phone);
    if (e164) record.phone = e164;
    else c.add("phone", "Le téléphone n'est pas un numéro valide (06 12 34 56 78 ou +33 6 12 34 56 78).");
  }
  const siren = c.text("siren", raw.siren, 20, "Le SIREN");
  if (siren !== undefined) {
    const digits = siren.replace(/[\s.]/g, "");
    if (/^\d{9}$/.test(digits)) record.siren = digits;
    else c.add("siren", "Le SIREN doit compter 9 chiffres.");
  }
  record.addressLine = c.text("addressLine", raw.addressLine, LIMITS.address, "L'adresse");
  record.postalCode = c.text("postalCode", raw.postalCode, LIMITS.postalCode, "Le code postal");
  record.city = c.text("city", raw.city, LIMITS.city, "La ville");
  const country = c.text("country", raw.country, 60, "Le pays");
  if (country !== undefined) {
    if (/^[a-z]{2}$/i.test(country)) record.country = country.toUpperCase();
    else c.add("country", "Le pays s'écrit en code à 2 lettres (FR, BE…).");
  }
  record.locale = c.oneOf("locale", raw.locale, LOCALES, "Langue inconnue : « fr » ou « en ».");
  const timeZone = c.text("timeZone", raw.timeZone, 64, "Le fuseau horaire");
  if (timeZone !== undefined) {
    if (isValidTimeZone(timeZone)) record.timeZone = timeZone;
    else c.add("timeZone", "Fuseau horaire inconnu : par exemple Europe/Paris.");
  }
  record.segment = c.oneOf("segment", raw.segment, SEGMENTS, "Profil inconnu : standard, « risque élevé » ou « bon payeur ».");
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  // Only the fields given: an absent one never erases what is stored.
  const value = {} as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) if (v !== undefined) value[key] = v;
  return { ok: true, value: value as DebtorRecord };
}

/** "20/11/2026", "20-11-2026", "20.11.2026", "2026-11-20" or an ISO instant's date. */
export function parseDate(text: string): CalendarDate | null {
  const french = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  const date = french ? `${french[3]}-${french[2]!.padStart(2, "0")}-${french[1]!.padStart(2, "0")}` : iso ? `${iso[1]}-${iso[2]}-${iso[3]}` : null;
  return date && isCalendarDate(date) ? date : null;
}

export function endOfMonth(date: CalendarDate): CalendarDate {
  const [y, m] = date.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return addDays(next, -1);
}

/** "30 jours", "60 days", "45 jours fin de mois", "45 j FDM", "net 30". */
function parseTerms(text: string): { days: number; endOfMonth: boolean } | null {
  const folded = text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  const match = /(\d{1,3})/.exec(folded);
  if (!match) return null;
  const endOfMonth = /fin\s*de\s*mois|\bfdm\b|end\s*of\s*(the\s*)?month|\beom\b/.test(folded);
  return { days: Number(match[1]), endOfMonth };
}

/** L3: null when the terms are within the law, else the warning shown in the back office. */
export function termsWarning(issueDate: CalendarDate, dueDate: CalendarDate, endOfMonth45: boolean, kind: DebtorKind | undefined): string | null {
  // The limits of L441-10 bind professionals; a consumer's terms are the parties' business.
  if (kind === "consumer") return null;
  const days = daysBetween(issueDate, dueDate);
  if (days <= LEGAL_TERMS_DAYS) return null;
  // The administration accepts both readings of "45 jours fin de mois" (DGCCRF): the end of the
  // month then 45 days, or 45 days then the end of that month; the later one is the limit.
  if (endOfMonth45 && (dueDate <= endOfMonth(addDays(issueDate, 45)) || dueDate <= addDays(endOfMonth(issueDate), 45))) return null;
  return `Délai de paiement de ${days} jours : au-delà de la limite légale (60 jours après la date de facture, ou 45 jours fin de mois si c'est stipulé ; art. L441-10 du Code de commerce).`;
}

export function checkInvoice(raw: RawInvoice, today: CalendarDate): Checked<InvoiceRecord> {
  const c = new Collector("invoice");
  const number = c.ref("number", raw.number, "Le numéro de facture");
  if (given(raw.number) === undefined) c.add("number", "Le numéro de facture est obligatoire.");
  const externalRef = c.ref("externalRef", raw.externalRef, "La référence de facture") ?? number;
  const debtorRef = c.ref("debtorRef", raw.debtorRef, "La référence client");
  if (given(raw.debtorRef) === undefined) c.add("debtorRef", "La référence client de la facture est obligatoire.");

  let amountCents: number | undefined;
  if (raw.amountCents !== undefined && raw.amountCents !== null) {
    if (!Number.isSafeInteger(raw.amountCents)) c.add("amount", "Le montant en centimes doit être un nombre entier.");
    else amountCents = raw.amountCents;
  } else {
    const text = given(raw.amount);
    if (text === undefined) c.add("amount", "Le montant est obligatoire.");
    else if (/^-/.test(text.replace(/\s/g, ""))) c.add("amount", "Le montant doit être positif : un avoir ne s'importe pas comme une facture.");
    else {
      const cents = text.length > 30 ? null : parseAmountToCents(text);
      if (cents === null) c.add("amount", "Montant illisible : écrivez par exemple 1 234,56 ou 1234.56.");
      else amountCents = cents;
    }
  }
  if (amountCents !== undefined) {
    if (amountCents < 0) c.add("amount", "Le montant doit être positif : un avoir ne s'importe pas comme une facture.");
    else if (amountCents === 0) c.add("amount", "Le montant ne peut pas être nul.");
    else if (amountCents > MAX_AMOUNT_CENTS) c.add("amount", "Le montant dépasse 10 000 000 € : vérifiez la colonne (centimes ou séparateur décimal ?).");
  }

  const currencyText = given(raw.currency);
  if (currencyText !== undefined && !["eur", "€"].includes(currencyText.toLowerCase())) c.add("currency", "Seul l'euro (EUR) est accepté.");

  const latest = addDays(today, 365 * MAX_YEARS_AHEAD + 1);
  const date = (field: "issueDate" | "dueDate", label: string): CalendarDate | undefined => {
    const text = given(raw[field]);
    if (text === undefined) return undefined;
    const parsed = text.length > 40 ? null : parseDate(text);
    if (!parsed) c.add(field, `${label} illisible : jj/mm/aaaa ou aaaa-mm-jj.`);
    else if (parsed < EARLIEST_DATE) c.add(field, `${label} est antérieure à l'an 2000.`);
    else if (parsed > latest) c.add(field, `${label} est à plus de ${MAX_YEARS_AHEAD} ans.`);
    else return parsed;
    return undefined;
  };
  const issueDate = date("issueDate", "La date de facture");
  if (given(raw.issueDate) === undefined) c.add("issueDate", "La date de facture est obligatoire.");
  if (issueDate !== undefined && issueDate > today) c.add("issueDate", "La date de facture est dans le futur.");
  let dueDate = date("dueDate", "L'échéance");

  const termsText = c.text("terms", raw.terms, LIMITS.terms, "Les conditions de paiement");
  const terms = termsText !== undefined ? parseTerms(termsText) : null;
  let termsDays: number | undefined;
  const rawDays = typeof raw.termsDays === "number" ? String(raw.termsDays) : given(raw.termsDays);
  if (rawDays !== undefined) {
    if (!/^\d{1,3}$/.test(rawDays)) c.add("termsDays", "Le délai de paiement s'écrit en jours (0 à 365).");
    else if (Number(rawDays) > 365) c.add("termsDays", "Le délai de paiement dépasse 365 jours.");
    else termsDays = Number(rawDays);
  }
  if (dueDate === undefined && issueDate !== undefined && given(raw.dueDate) === undefined) {
    if (termsDays !== undefined) dueDate = terms?.endOfMonth ? endOfMonth(addDays(issueDate, termsDays)) : addDays(issueDate, termsDays);
    else if (terms) dueDate = terms.endOfMonth ? endOfMonth(addDays(issueDate, terms.days)) : addDays(issueDate, terms.days);
    else c.add("dueDate", "Indiquez l'échéance ou le délai de paiement (en jours).");
  }
  if (dueDate !== undefined && issueDate !== undefined && dueDate < issueDate) c.add("dueDate", "L'échéance est antérieure à la date de facture.");
  if (dueDate !== undefined && issueDate !== undefined && daysBetween(issueDate, dueDate) > 365) c.add("dueDate", "L'échéance est à plus d'un an de la date de facture.");

  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return {
    ok: true,
    value: {
      externalRef: externalRef!,
      number: number!,
      debtorRef: debtorRef!,
      amountCents: amountCents!,
      currency: "EUR",
      issueDate: issueDate!,
      dueDate: dueDate!,
      paymentTermsDays: daysBetween(issueDate!, dueDate!),
      endOfMonth45: Boolean(terms?.endOfMonth && terms.days === 45),
    },
  };
}

/** What is stored of a debtor, as far as intake compares it. */
export type StoredDebtor = { kind: DebtorKind; name: string } & Partial<Record<Exclude<DebtorField, "externalRef" | "name" | "kind" | "email" | "phone">, string | null>>;

const DEBTOR_COLUMNS = ["name", "kind", "siren", "addressLine", "postalCode", "city", "country", "locale", "timeZone", "segment"] as const;

/** The columns of the debtors row that change (given and different); contacts are compared apart. */
export function debtorChanges(stored: StoredDebtor, record: DebtorRecord): Partial<DebtorRecord> {
  const changes: Record<string, string> = {};
  for (const column of DEBTOR_COLUMNS) {
    const value = record[column];
    if (value !== undefined && value !== (stored[column] ?? undefined)) changes[column] = value;
  }
  return changes as Partial<DebtorRecord>;
}

export type StoredInvoice = {
  debtorRef: string | null;
  number: string;
  amountCents: number;
  balanceCents: number;
  currency: string;
  issueDate: string;
  dueDate: string;
  paymentTermsDays: number;
  status: "open" | "paid" | "cancelled" | "litigation";
  termsWarning: string | null;
  hasPayments: boolean;
};

export type InvoiceChange =
  | { kind: "unchanged" }
  | { kind: "updated"; set: Partial<Pick<StoredInvoice, "number" | "amountCents" | "balanceCents" | "issueDate" | "dueDate" | "paymentTermsDays" | "termsWarning">> }
  | { kind: "refused"; error: Issue };

/**
 * Only safe fields change on an invoice already known: its number, dates and terms; the amount only
 * while nothing was paid on it (the balance follows); never its debtor or currency.
 */
export function invoiceChange(stored: StoredInvoice, record: InvoiceRecord, warning: string | null): InvoiceChange {
  if (stored.debtorRef !== record.debtorRef)
    return { kind: "refused", error: { field: "invoice.debtorRef", message: `Cette facture est déjà enregistrée pour un autre client (réf. ${stored.debtorRef ?? "—"}) ; elle ne peut pas changer de client.` } };
  if (stored.currency !== record.currency) return { kind: "refused", error: { field: "invoice.currency", message: "La devise d'une facture enregistrée ne peut pas changer." } };
  const set: Extract<InvoiceChange, { kind: "updated" }>["set"] = {};
  if (record.amountCents !== stored.amountCents) {
    if (stored.hasPayments || stored.status !== "open" || stored.balanceCents !== stored.amountCents)
      return {
        kind: "refused",
        error: { field: "invoice.amount", message: "Le montant ne peut plus changer : un paiement a déjà été enregistré sur cette facture (ou elle est close). Émettez un avoir ou contactez le support." },
      };
    set.amountCents = record.amountCents;
    set.balanceCents = record.amountCents;
  }
  if (record.number !== stored.number) set.number = record.number;
  if (record.issueDate !== stored.issueDate) set.issueDate = record.issueDate;
  if (record.dueDate !== stored.dueDate) set.dueDate = record.dueDate;
  if (record.paymentTermsDays !== stored.paymentTermsDays) set.paymentTermsDays = record.paymentTermsDays;
  if (warning !== stored.termsWarning) set.termsWarning = warning;
  return Object.keys(set).length === 0 ? { kind: "unchanged" } : { kind: "updated", set };
}
