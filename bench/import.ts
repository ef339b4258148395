/**
 * Benchmark: the CSV import of 100,000 invoice lines over 30,000 debtors.
 *
 *   npm run bench:import
 *
 * Generates the file on disk, migrates a temporary SQLite file, then runs the real path of the back
 * office, each phase in a process of its own (bench/import-phase.ts, built to plain JavaScript and
 * run by node, as in production) so that each peak RSS is that phase's: the preview
 * (sniff the file, stream it, decide every row, write none), the import (sniff again, stream it,
 * chunks of 1,000 rows per transaction), and the same file imported again (everything unchanged).
 * Prints seconds, rows/s and the peak RSS of each, beside the targets: preview and import each
 * ≤ 250 MB, preview + import ≤ 8 s.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus as cpuCount, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import { openDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { creditors } from "../db/tables";
import { PHASES, type Figures, type Phase } from "./import-phase";
import { addDays } from "../app/domain/dates";
import { reportFigures } from "./support/figures";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const DEBTORS = Math.round(ROWS * 0.3);
const TODAY = "2026-11-20";
const PEAK_TARGET_MB = 250;
const TIME_TARGET_S = 8;

/** Written line by line: the benchmark itself must not hold the file in memory either. */
async function generate(path: string) {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(line + "\r\n")) await once(out, "drain");
  };
  await write("ref_client;nom_client;type_client;email;telephone;code_postal;ville;numero_facture;montant;date_facture;delai_jours");
  for (let i = 0; i < ROWS; i++) {
    const d = i % DEBTORS;
    const euros = 50 + ((i * 7919) % 15000);
    const issue = addDays(TODAY, -((i * 13) % 300));
    const [y, m, day] = issue.split("-");
    await write(
      `C${String(d).padStart(6, "0")};Client ${d} SARL;${d % 10 === 0 ? "particulier" : "professionnel"};compta${d}@client${d}.fr;06 ${String(10 + (d % 90))} ${String(d % 100).padStart(2, "0")} 34 56;69${String(d % 1000).padStart(3, "0")};Lyon;F2026-${String(i).padStart(7, "0")};${euros >= 1000 ? `${Math.floor(euros / 1000)} ${String(euros % 1000).padStart(3, "0")}` : euros},${String(i % 100).padStart(2, "0")};${day}/${m}/${y};${[30, 45, 60][i % 3]}`,
    );
  }
  out.end();
  await once(out, "finish");
}

const PHASE_BUILD = "node_modules/.cache/relance-bench";

/** The phase runner as plain JavaScript (its packages stay in node_modules), built once per run. */
async function buildPhase(): Promise<string> {
  await build({
    configFile: false,
    logLevel: "warn",
    build: {
      ssr: "bench/import-phase.ts",
      target: "node20",
      outDir: PHASE_BUILD,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { entryFileNames: "import-phase.mjs" } },
    },
  });
  return join(process.cwd(), PHASE_BUILD, "import-phase.mjs");
}

function inChild(script: string, phase: Phase, dir: string): Figures {
  // BENCH_CPU_PROF=dir leaves a V8 profile of each phase there.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawnSync(process.execPath, [...profile, script, "--phase", phase, "--dir", dir], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`phase ${phase} failed:\n${child.stderr}${child.stdout}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Figures;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-import-"));
  try {
    const db = openDatabase(join(dir, "bench.db"));
    runMigrations(db);
    await db.insert(creditors).values({ legalName: "Bench SARL", addressLine: "1 rue", postalCode: "69001", city: "Lyon", email: "bench@example.fr" });
    db.$client.close();
    await generate(join(dir, "import.csv"));
    console.log(`file: ${ROWS} lines, ${DEBTORS} debtors, ${(statSync(join(dir, "import.csv")).size / 1024 / 1024).toFixed(1)} MB; each phase in its own process`);
    const script = await buildPhase();
    const loadBefore = loadavg();
    const [baseline, preview, imported, again] = PHASES.map((phase) => inChild(script, phase, dir)) as [Figures, Figures, Figures, Figures];
    const met = (ok: boolean) => (ok ? "met" : "MISSED");
    const line = (label: string, f: Figures) =>
      `  ${label.padEnd(38)} ${(f.ms / 1000).toFixed(2).padStart(6)} s  ${Math.round(ROWS / (f.ms / 1000))
        .toLocaleString("en")
        .padStart(
          8,
        )} rows/s  (CPU ${(f.cpuMs / 1000).toFixed(2)} s)  peak RSS ${f.peakMb.toFixed(0).padStart(4)} MB (target ≤ ${PEAK_TARGET_MB} MB: ${met(f.peakMb <= PEAK_TARGET_MB)})`;
    console.log(`  ${"runtime alone (node, modules, database)".padEnd(38)} peak RSS ${baseline.peakMb.toFixed(0)} MB, included in each figure below`);
    console.log(line("preview (stream, decide, write none)", preview));
    console.log(line("import (chunks of 1,000 rows)", imported));
    console.log(line("same file again (all unchanged)", again));
    const total = (preview.ms + imported.ms) / 1000;
    console.log(`  preview + import: ${total.toFixed(2)} s (target ≤ ${TIME_TARGET_S} s: ${met(total <= TIME_TARGET_S)})`);
    console.log(
      `  load average: ${loadBefore.map((l) => l.toFixed(1)).join(" ")} before, ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} after, on ${cpuCount().length} cores`,
    );
    console.log(`  preview counts: ${JSON.stringify(preview.counts)}`);
    console.log(`  import counts:  ${JSON.stringify(imported.counts)}`);
    console.log(`  again counts:   ${JSON.stringify(again.counts)}`);
    const check = openDatabase(join(dir, "bench.db"));
    console.log(`  invoices stored: ${(check.$client.prepare("select count(*) as n from invoices").get() as { n: number }).n}`);
    check.$client.close();
    reportFigures("import", [
      { name: "preview + import, 100,000 lines", value: total, unit: "s", target: { atMost: TIME_TARGET_S } },
      { name: "preview, peak RSS", value: preview.peakMb, unit: "MB", target: { atMost: PEAK_TARGET_MB } },
      { name: "import, peak RSS", value: imported.peakMb, unit: "MB", target: { atMost: PEAK_TARGET_MB } },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
