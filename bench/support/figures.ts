/**
 * Each benchmark ends with its headline figures beside their targets (issue 14). When run by
 * `npm run bench` (bench/all.ts), they are also appended as JSON lines to BENCH_FIGURES, so that one
 * table can show every benchmark's figures at the end.
 */
import { appendFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

export type Figure = {
  name: string;
  value: number;
  unit: string;
  /** At most (≤) or at least (≥) this value; none for a figure printed for context. */
  target?: { atMost: number } | { atLeast: number };
};

export function met(figure: Figure): boolean | null {
  if (!figure.target) return null;
  return "atMost" in figure.target ? figure.value <= figure.target.atMost : figure.value >= figure.target.atLeast;
}

const targetText = (figure: Figure) => (!figure.target ? "" : "atMost" in figure.target ? `≤ ${figure.target.atMost} ${figure.unit}` : `≥ ${figure.target.atLeast} ${figure.unit}`);

export function figureRows(bench: string, figures: readonly Figure[]): string[] {
  return figures.map((f) => {
    const verdict = met(f);
    const value = `${Number.isInteger(f.value) ? f.value.toLocaleString("en") : f.value.toFixed(f.value < 10 ? 3 : 1)} ${f.unit}`;
    return `  ${bench.padEnd(9)} ${f.name.padEnd(46)} ${value.padStart(14)}   ${targetText(f).padEnd(14)} ${verdict === null ? "" : verdict ? "met" : "MISSED"}`;
  });
}

export function machineLine(): string {
  return `${cpus().length} cores, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}, ${new Date().toISOString().slice(0, 16)}Z`;
}

/** Prints the figures with their targets, and hands them to `npm run bench` when it is the caller. */
export function reportFigures(bench: string, figures: readonly Figure[]) {
  console.log(`\nFigures (${machineLine()}):`);
  for (const row of figureRows(bench, figures)) console.log(row);
  const file = process.env.BENCH_FIGURES;
  if (file) appendFileSync(file, figures.map((f) => JSON.stringify({ bench, ...f })).join("\n") + "\n");
}
