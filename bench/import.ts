/**
 * Benchmark: the CSV import of 100,000 invoice lines over 30,000 debtors.
 *
 *   npm run bench:import
 *
 * Generates the file, migrates a temporary SQLite file, then runs the real path of the back office:
 * read the file (encoding, separator, header), preview (decide every row, write nothing), import in
 * chunks of 1,000 rows per transaction, and import the same file again (everything unchanged).
 * Prints rows/s, seconds and the peak RSS. Target: the import ≤ 10 s.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus as cpuCount, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { creditors } from "../db/schema";
import { IntakeSession, IntakeTally } from "../app/services/shared/intake.server";
import { importFile, parseImportFile, IMPORT_CHUNK_ROWS } from "../app/services/backoffice/imports.server";
import { rowRecords } from "../app/domain/csv-import";
import { addDays } from "../app/domain/dates";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const DEBTORS = Math.round(ROWS * 0.3);
const TODAY = "2026-11-20";

function generate(): Uint8Array {
  const lines = ["ref_client;nom_client;type_client;email;telephone;code_postal;ville;numero_facture;montant;date_facture;delai_jours"];
  for (let i = 0; i < ROWS; i++) {
    const d = i % DEBTORS;
    const euros = 50 + ((i * 7919) % 15000);
    const issue = addDays(TODAY, -((i * 13) % 300));
    const [y, m, day] = issue.split("-");
    lines.push(
      `C${String(d).padStart(6, "0")};Client ${d} SARL;${d % 10 === 0 ? "particulier" : "professionnel"};compta${d}@client${d}.fr;06 ${String(10 + (d % 90))} ${String(d % 100).padStart(2, "0")} 34 56;69${String(d % 1000).padStart(3, "0")};Lyon;F2026-${String(i).padStart(7, "0")};${euros >= 1000 ? `${Math.floor(euros / 1000)} ${String(euros % 1000).padStart(3, "0")}` : euros},${String(i % 100).padStart(2, "0")};${day}/${m}/${y};${[30, 45, 60][i % 3]}`,
    );
  }
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n");
}

const mb = () => process.memoryUsage().rss / 1024 / 1024;
const peakMb = () => process.resourceUsage().maxRSS / 1024;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-import-"));
  try {
    const db = openDatabase(join(dir, "bench.db"));
    runMigrations(db);
    const creditorId = db.insert(creditors).values({ legalName: "Bench SARL", addressLine: "1 rue", postalCode: "69001", city: "Lyon", email: "bench@example.fr" }).returning().get().id;
    const bytes = generate();
    console.log(`file: ${ROWS} lines, ${DEBTORS} debtors, ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB; rss before ${mb().toFixed(0)} MB`);
    const options = { creditorId, today: TODAY, at: new Date(`${TODAY}T09:00:00Z`) };

    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    let cpuStart = cpu();
    const cpus: number[] = [];
    const lap = () => {
      const now = cpu();
      cpus.push(now - cpuStart);
      cpuStart = now;
    };
    let start = performance.now();
    const parsed = parseImportFile(bytes);
    if (!parsed.ok) throw new Error(parsed.message);
    const parseMs = performance.now() - start;
    lap();

    start = performance.now();
    const preview = new IntakeSession(options, false);
    const tally = new IntakeTally();
    for (let from = 0; from < parsed.lines.length; from += IMPORT_CHUNK_ROWS) {
      const rows = parsed.lines.slice(from, from + IMPORT_CHUNK_ROWS).map((cells, i) => ({ rowNumber: from + i + 2, ...rowRecords(parsed.columns, cells) }));
      for (const outcome of preview.run(db, rows)) tally.add(outcome);
    }
    const previewMs = performance.now() - start;
    lap();

    start = performance.now();
    const counts = await importFile(db, options, parsed);
    const importMs = performance.now() - start;
    lap();

    start = performance.now();
    const again = await importFile(db, options, parsed);
    const againMs = performance.now() - start;
    lap();

    const stored = db.$client.prepare("select count(*) as n from invoices").get() as { n: number };
    const line = (label: string, ms: number, cpuMs: number) =>
      `  ${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${Math.round(ROWS / (ms / 1000)).toLocaleString("en").padStart(8)} rows/s  (CPU ${(cpuMs / 1000).toFixed(2)} s)`;
    console.log(line("read file (decode, parse, header)", parseMs, cpus[0]!));
    console.log(line("preview (decide all, write none)", previewMs, cpus[1]!));
    console.log(line("import (chunks of 1,000 rows)", importMs, cpus[2]!));
    console.log(line("same file again (all unchanged)", againMs, cpus[3]!));
    console.log(`  load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpuCount().length} cores`);
    console.log(`  preview counts: ${JSON.stringify(tally.counts())}`);
    console.log(`  import counts:  ${JSON.stringify(counts)}`);
    console.log(`  again counts:   ${JSON.stringify(again)}`);
    console.log(`  invoices stored: ${stored.n}; peak RSS ${peakMb().toFixed(0)} MB; target: import ≤ 10 s → ${importMs <= 10_000 ? "met" : "MISSED"}`);
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
