import { describe, expect, it } from "vitest";
import { contractRateFloorError, penaltyRateFloor } from "~/domain/legal-interest-rates";

describe("contractual penalty rate floor (L441-10: at least 3 × the legal interest rate)", () => {
  it.each([
    // 1st half-year 2026: legal rate 2,62 % (arrêté du 15 décembre 2025), floor 7,86 %.
    [786, "2026-03-15", null],
    [785, "2026-03-15", /au moins 7,86 % au 1er semestre 2026/],
    // 2nd half-year 2023: 4,22 % → 12,66 %.
    [1265, "2023-09-01", /au moins 12,66 % au 2d semestre 2023/],
    [1266, "2023-09-01", null],
  ] as const)("%i bp on %s", (rateBp, today, error) => {
    const result = contractRateFloorError(rateBp, today);
    if (error === null) expect(result).toBeNull();
    else expect(result).toMatch(error);
  });

  it("says when the half-year's legal rate is not recorded, and uses the latest known one", () => {
    const floor = penaltyRateFloor("2026-12-02");
    expect(floor).toMatchObject({ halfYear: "2026-07-01", floorBp: 786, published: false });
    expect(contractRateFloorError(700, "2026-12-02")).toMatch(/2d semestre 2026 n'est pas encore enregistré/);
  });
});
