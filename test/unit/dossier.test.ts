import { describe, expect, it } from "vitest";
import { canExportDossier, computeClaim, safeFileName, type ClaimInvoice } from "~/domain/dossier";
import { computeLatePenalties, type PenaltyTerms } from "~/domain/penalties";

const pro: PenaltyTerms = { debtorKind: "business", rateMode: "ecb_plus_10", contractRateBp: null, indemnityEnabled: true };
const invoice = (id: number, over: Partial<ClaimInvoice> = {}): ClaimInvoice => ({ id, number: `F-${id}`, currency: "EUR", balanceCents: 100_000, dueDate: "2026-09-30", status: "open", disputed: false, ...over });

describe("the dossier's claim", () => {
  it("adds L441-10 interest and the 40 € indemnity per invoice for a professional, on the balance still owed", () => {
    const claim = computeClaim({ invoices: [invoice(1), invoice(2, { balanceCents: 50_000, status: "litigation" })], terms: pro, asOf: "2026-11-20" });
    const expected = computeLatePenalties({ principalCents: 100_000, dueDate: "2026-09-30", asOf: "2026-11-20", terms: pro });
    expect(claim.lines[0]).toMatchObject({ principalCents: 100_000, interestCents: expected.interestCents, indemnityCents: 4000, totalCents: 100_000 + expected.totalCents, daysLate: 51 });
    expect(claim.indemnity).toEqual([{ cents: 8000, currency: "EUR" }]);
    expect(claim.total[0]!.cents).toBe(150_000 + claim.interest[0]!.cents + 8000);
  });

  it("claims neither interest nor indemnity from a consumer (L8)", () => {
    const claim = computeClaim({ invoices: [invoice(1)], terms: { ...pro, debtorKind: "consumer" }, asOf: "2026-11-20" });
    expect(claim.lines[0]).toMatchObject({ interestCents: 0, indemnityCents: 0, totalCents: 100_000 });
    expect(claim.total).toEqual([{ cents: 100_000, currency: "EUR" }]);
  });

  it("leaves disputed invoices out and lists them apart (L12), with invoices not yet due; paid and cancelled ones are not owed", () => {
    const claim = computeClaim({
      invoices: [invoice(1), invoice(2, { disputed: true }), invoice(3, { dueDate: "2026-12-31" }), invoice(4, { status: "paid", balanceCents: 0 }), invoice(5, { status: "cancelled" })],
      terms: pro,
      asOf: "2026-11-20",
    });
    expect(claim.lines.map((l) => l.number)).toEqual(["F-1"]);
    expect(claim.disputed.map((d) => d.number)).toEqual(["F-2"]);
    expect(claim.notDue.map((d) => d.number)).toEqual(["F-3"]);
  });

  it("never adds amounts in different currencies together", () => {
    const claim = computeClaim({ invoices: [invoice(1), invoice(2, { currency: "CHF" })], terms: { ...pro, indemnityEnabled: false }, asOf: "2026-11-20" });
    expect(claim.principal).toEqual([
      { cents: 100_000, currency: "EUR" },
      { cents: 100_000, currency: "CHF" },
    ]);
  });
});

describe("dossier helpers", () => {
  it("exports only a file in litigation", () => {
    expect(canExportDossier({ escalatedAt: null }, [{ status: "open" }])).toBe(false);
    expect(canExportDossier({ escalatedAt: new Date() }, [])).toBe(true);
    expect(canExportDossier({ escalatedAt: null }, [{ status: "litigation" }])).toBe(true);
  });

  it("keeps file names to safe ASCII, whatever a debtor typed", () => {
    expect(safeFileName("Boulangerie Martin & Fils")).toBe("Boulangerie_Martin_Fils");
    expect(safeFileName("../../etc/passwd")).toBe("etc_passwd");
    expect(safeFileName('facture"\r\nSet-Cookie: x=1.pdf')).toBe("facture_Set-Cookie_x_1.pdf");
    expect(safeFileName("\u202eexe.pdf")).toBe("exe.pdf");
    expect(safeFileName("")).toBe("fichier");
  });
});
