/**
 * One phase of `npm run bench:import`, in a process of its own so that its peak RSS is its own.
 * bench/import.ts builds this file to plain JavaScript and runs it with node, as the server runs in
 * production (no TypeScript loader in the figures). Prints its figures as one JSON line.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { openDatabase, first } from "../db/client";
import { creditors } from "../db/tables";
import { importFile, previewFile, sniffImportFile } from "../app/services/backoffice/import-file.server";

export const PHASES = ["baseline", "preview", "import", "again"] as const;
export type Phase = (typeof PHASES)[number];
export type Figures = { phase: Phase; ms: number; cpuMs: number; peakMb: number; counts?: unknown };

const TODAY = "2026-11-20";

async function runPhase(phase: Phase, dir: string) {
  const db = openDatabase(join(dir, "bench.db"));
  const creditorId = first(await db.select().from(creditors))!.id;
  const options = { creditorId, today: TODAY, at: new Date(`${TODAY}T09:00:00Z`) };
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const cpuStart = cpu();
  const start = performance.now();
  let counts: unknown;
  if (phase !== "baseline") {
    const sniffed = await sniffImportFile(join(dir, "import.csv"));
    if (!sniffed.ok) throw new Error(sniffed.message);
    const outcome = phase === "preview" ? await previewFile(db, options, sniffed.file) : await importFile(db, options, sniffed.file);
    if (!outcome.ok) throw new Error(outcome.message);
    counts = outcome.counts;
  }
  const figures: Figures = { phase, ms: performance.now() - start, cpuMs: cpu() - cpuStart, peakMb: process.resourceUsage().maxRSS / 1024, counts };
  db.$client.close();
  console.log(JSON.stringify(figures));
}

const { values } = parseArgs({ options: { phase: { type: "string" }, dir: { type: "string" } }, strict: false });
if (typeof values.phase === "string" && typeof values.dir === "string") void runPhase(values.phase as Phase, values.dir);
