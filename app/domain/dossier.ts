import type { EcbRate } from "./ecb-rates";
import type { CalendarDate } from "./dates";
import { computeLatePenalties, type PenaltyPeriod, type PenaltyTerms } from "./penalties";
import { totalsByCurrency, type Money } from "./money";

/**
 * The litigation dossier's claim: what is asked of the debtor, invoice by invoice. Principal is the
 * balance still owed; L441-10 interest and the 40 € indemnity are added for professionals only (L8).
 * An invoice under an open dispute is left out of the claim and listed apart (RELIABILITY L12).
 */
export type ClaimInvoice = {
  id: number;
  number: string;
  currency: string;
  balanceCents: number;
  dueDate: CalendarDate;
  status: "open" | "paid" | "cancelled" | "litigation";
  disputed: boolean;
};

export type ClaimLine = {
  invoiceId: number;
  number: string;
  currency: string;
  dueDate: CalendarDate;
  principalCents: number;
  daysLate: number;
  interestCents: number;
  indemnityCents: number;
  totalCents: number;
  periods: PenaltyPeriod[];
};

export type Claim = {
  lines: ClaimLine[];
  /** Invoices with a balance that are disputed: not claimed. */
  disputed: { invoiceId: number; number: string; currency: string; balanceCents: number }[];
  /** Invoices not yet due on the day of the dossier: owed, not yet claimable. */
  notDue: { invoiceId: number; number: string; currency: string; balanceCents: number; dueDate: CalendarDate }[];
  principal: Money[];
  interest: Money[];
  indemnity: Money[];
  total: Money[];
};

export function computeClaim(input: {
  invoices: readonly ClaimInvoice[];
  terms: PenaltyTerms;
  asOf: CalendarDate;
  /** The ECB table with rates added since the code's; absent: the code's own. */
  ecb?: { rates: readonly EcbRate[]; confirmedThrough: CalendarDate };
}): Claim {
  const owing = input.invoices.filter((i) => (i.status === "open" || i.status === "litigation") && i.balanceCents > 0);
  const lines = owing
    .filter((i) => !i.disputed && i.dueDate < input.asOf)
    .map((invoice): ClaimLine => {
      const penalties = computeLatePenalties({
        principalCents: invoice.balanceCents,
        dueDate: invoice.dueDate,
        asOf: input.asOf,
        terms: input.terms,
        ecbRates: input.ecb?.rates,
        ecbConfirmedThrough: input.ecb?.confirmedThrough,
      });
      return {
        invoiceId: invoice.id,
        number: invoice.number,
        currency: invoice.currency,
        dueDate: invoice.dueDate,
        principalCents: invoice.balanceCents,
        daysLate: penalties.daysLate,
        interestCents: penalties.interestCents,
        indemnityCents: penalties.indemnityCents,
        totalCents: invoice.balanceCents + penalties.totalCents,
        periods: penalties.periods,
      };
    });
  const sum = (pick: (l: ClaimLine) => number) => totalsByCurrency(lines.map((l) => ({ cents: pick(l), currency: l.currency })));
  return {
    lines,
    disputed: owing.filter((i) => i.disputed).map((i) => ({ invoiceId: i.id, number: i.number, currency: i.currency, balanceCents: i.balanceCents })),
    notDue: owing.filter((i) => !i.disputed && i.dueDate >= input.asOf).map((i) => ({ invoiceId: i.id, number: i.number, currency: i.currency, balanceCents: i.balanceCents, dueDate: i.dueDate })),
    principal: sum((l) => l.principalCents),
    interest: sum((l) => l.interestCents),
    indemnity: sum((l) => l.indemnityCents),
    total: sum((l) => l.totalCents),
  };
}

/** A dossier may be exported once the file is in litigation: escalated, or an invoice handed over. */
export function canExportDossier(debtor: { escalatedAt: Date | null }, invoices: readonly { status: string }[]): boolean {
  return debtor.escalatedAt !== null || invoices.some((i) => i.status === "litigation");
}

/** A name safe inside a ZIP and a Content-Disposition: ASCII letters, digits, dot, dash, underscore. */
export function safeFileName(value: string, fallback = "fichier"): string {
  const ascii = value
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/_+(?=\.)|^[._]+|_+$/g, "")
    .slice(0, 80);
  return ascii || fallback;
}

/** An event's data as a line a person reads ("clé : valeur · …"), the way the debtor file shows it. */
export function describeEventData(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([key, value]) => `${key} : ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");
}
