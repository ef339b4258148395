import { type CalendarDate } from "./dates";
import { formatRatePercent } from "./creditor-settings";

/**
 * The French legal interest rate (taux de l'intérêt légal, C. mon. fin. L313-2), fixed each
 * half-year by arrêté, "pour tous les autres cas" (a creditor that is not a private individual: the
 * B2B rate), in basis points. Only half-years whose arrêté we have read are listed; any other one is
 * "not published" rather than guessed. L441-10: a contractual late-payment rate may not be lower
 * than three times this rate.
 */
export type LegalInterestRate = { halfYearStart: CalendarDate; rateBp: number; source: string };

/** Oldest first; each entry is the start of its half-year (1 January or 1 July). */
export const LEGAL_INTEREST_RATES: readonly LegalInterestRate[] = Object.freeze([
  { halfYearStart: "2023-01-01", rateBp: 206, source: "Arrêté ECOT2317028A du 27 juin 2023 (JO du 30), rappel du 1er semestre 2023" },
  { halfYearStart: "2023-07-01", rateBp: 422, source: "Arrêté ECOT2317028A du 27 juin 2023, JO du 30 juin 2023" },
  { halfYearStart: "2024-01-01", rateBp: 507, source: "Arrêté de décembre 2023 fixant le taux du 1er semestre 2024" },
  { halfYearStart: "2024-07-01", rateBp: 492, source: "Arrêté de juin 2024 fixant le taux du 2nd semestre 2024 (table de service-public.fr, F20688)" },
  { halfYearStart: "2025-01-01", rateBp: 371, source: "Arrêté de décembre 2024 (rappelé par l'arrêté ECOT2516925A du 19 juin 2025)" },
  { halfYearStart: "2025-07-01", rateBp: 276, source: "Arrêté ECOT2516925A du 19 juin 2025, JO du 24 juin 2025" },
  { halfYearStart: "2026-01-01", rateBp: 262, source: "Arrêté du 15 décembre 2025, JORF n°0302 du 26 décembre 2025" },
]);

export function halfYearStart(date: CalendarDate): CalendarDate {
  return `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? "01" : "07"}-01`;
}

/** "1er semestre 2026" / "2d semestre 2026". */
export function halfYearLabel(start: CalendarDate): string {
  return `${start.slice(5, 7) === "01" ? "1er" : "2d"} semestre ${start.slice(0, 4)}`;
}

export type PenaltyRateFloor = {
  /** The half-year the floor is for (the one containing `today`). */
  halfYear: CalendarDate;
  floorBp: number;
  /** False: no rate is recorded for this half-year yet; the floor is that of the latest one known. */
  published: boolean;
  basedOn: LegalInterestRate;
};

/** Three times the legal rate of today's half-year (L441-10 II), or of the latest known one, said so. */
export function penaltyRateFloor(today: CalendarDate, rates: readonly LegalInterestRate[] = LEGAL_INTEREST_RATES): PenaltyRateFloor {
  const halfYear = halfYearStart(today);
  const exact = rates.find((r) => r.halfYearStart === halfYear);
  const latest = [...rates].filter((r) => r.halfYearStart <= halfYear).sort((a, b) => a.halfYearStart.localeCompare(b.halfYearStart)).at(-1);
  const basedOn = exact ?? latest;
  if (!basedOn) throw new RangeError(`No legal interest rate known on or before ${today}`);
  return { halfYear, floorBp: 3 * basedOn.rateBp, published: exact !== undefined, basedOn };
}

/** What staff read next to the field, and in the refusal. */
export function describeFloor(floor: PenaltyRateFloor): string {
  const percent = `${formatRatePercent(floor.floorBp)} %`;
  const legal = `${formatRatePercent(floor.basedOn.rateBp)} %`;
  return floor.published
    ? `au moins ${percent} au ${halfYearLabel(floor.halfYear)} (3 fois le taux d'intérêt légal de ${legal}, art. L441-10 du Code de commerce)`
    : `au moins ${percent} : le taux d'intérêt légal du ${halfYearLabel(floor.halfYear)} n'est pas encore enregistré ; plancher calculé sur celui du ${halfYearLabel(floor.basedOn.halfYearStart)} (${legal}), art. L441-10 du Code de commerce`;
}

/** Null when the contractual rate respects the floor; else the refusal, with the floor. */
export function contractRateFloorError(rateBp: number, today: CalendarDate, rates: readonly LegalInterestRate[] = LEGAL_INTEREST_RATES): string | null {
  const floor = penaltyRateFloor(today, rates);
  if (rateBp >= floor.floorBp) return null;
  return `Taux trop bas : le taux contractuel doit être ${describeFloor(floor)}.`;
}
