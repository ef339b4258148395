/**
 * `npm run bench`: every benchmark, one after the other (each on a machine to itself as far as it
 * can be), then one table of their headline figures beside the targets. Builds the app first (the
 * portal benchmark serves the build). Takes about ten minutes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { figureRows, machineLine, met, type Figure } from "./support/figures";

const BENCHES = ["bench:cadence", "bench:portal", "bench:dispatch", "bench:import"];
const dir = mkdtempSync(join(tmpdir(), "relance-bench-all-"));
const figuresFile = join(dir, "figures.jsonl");
const env = { ...process.env, BENCH_FIGURES: figuresFile };

const build = spawnSync("npm", ["run", "build"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);
const failed: string[] = [];
for (const bench of BENCHES) {
  console.log(`\n=== npm run ${bench}`);
  const run = spawnSync("npm", ["run", bench], { stdio: "inherit", env });
  if (run.status !== 0) failed.push(bench);
}

let figures: (Figure & { bench: string })[] = [];
try {
  figures = readFileSync(figuresFile, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Figure & { bench: string });
} catch {
  // No benchmark reported: the failures below say why.
}
rmSync(dir, { recursive: true, force: true });
console.log(`\nAll benchmarks (${machineLine()}):`);
for (const bench of [...new Set(figures.map((f) => f.bench))]) for (const row of figureRows(bench, figures.filter((f) => f.bench === bench))) console.log(row);
const missed = figures.filter((f) => met(f) === false).length;
console.log(`\n${figures.filter((f) => met(f) !== null).length - missed} targets met, ${missed} missed${failed.length ? `; failed to run: ${failed.join(", ")}` : ""}`);
if (failed.length) process.exitCode = 1;
