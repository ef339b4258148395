/**
 * Benchmark: one planning pass of the reminder job over 100,000 open invoices and 30,000 debtors.
 *
 *   npm run bench:cadence [-- --engine postgres]
 *
 * The book is seeded with yesterday's passes behind it, as a running job leaves it. Then, as the job
 * would meet them: the pass at the debtors' midnight (the day turns: debtors with a date on it are
 * decided again), the morning pass when the day's contacts come due (planning and claiming), the pass
 * right after (it re-decides the debtors that just acted and claims nothing), and a pass with nothing
 * changed and nothing due. Beside them, a bare SQLite scan of the open invoices plus an insert of as
 * many rows as the morning claimed (the floor). Each measured phase runs in its own process so its
 * peak RSS is its own, three times on fresh copies; medians are reported.
 * Targets (issue 14): nothing due ≤ 100 ms; morning pass ≤ 1.5 s and ≤ 250 MB; the pass after claims 0.
 * With `--engine postgres` the same book and passes run on a throwaway PostgreSQL cluster too, and the
 * figures are printed side by side with the ratio PostgreSQL / SQLite (the targets are SQLite's).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { closeConnection, openDatabase, openPostgres, rawRows, rawRun, sqliteClient, transaction, type Db } from "../db/client";
import { runMigrations, runPostgresMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed";
import { debtorContacts, debtors, invoices } from "../db/tables";
import { runCadence } from "../app/services/shared/cadence.server";
import { parseEnv } from "../app/env.server";
import { addDays } from "../app/domain/dates";
import { testEnv } from "../test/support/env";
import { reportFigures } from "./support/figures";
import { engineEnv, enginesFromArgs, isPostgresUrl, ratio, startBenchPostgres, type Engine } from "./support/engines";

const DEBTORS = 30_000;
const INVOICES = 100_000;
const TODAY = "2026-11-20";
/** 10:00 in Paris: the day's contacts are due. */
const NOW = new Date(`${TODAY}T09:00:00Z`);
/** Midnight in Paris, the night before. */
const MIDNIGHT = new Date(`${TODAY}T00:00:00+01:00`);
const ROUNDS = 3;
const env = parseEnv(testEnv());

type PhaseResult = { ms: number; peakMb: number; count: number };
/** A pass's count packs what it claimed and how many debtors it decided. */
const claimedBy = (r: PhaseResult) => Math.floor(r.count / 1_000_000);
const decidedBy = (r: PhaseResult) => r.count % 1_000_000;

async function measure(run: () => number | Promise<number>): Promise<PhaseResult> {
  const start = performance.now();
  const count = await run();
  return { ms: performance.now() - start, peakMb: process.resourceUsage().maxRSS / 1024, count };
}

/** A SQLite file or a PostgreSQL database, migrated. */
async function open(location: string): Promise<Db> {
  if (isPostgresUrl(location)) {
    await runPostgresMigrations(location);
    return openPostgres(location);
  }
  const db = openDatabase(location);
  runMigrations(db);
  return db;
}

const CHUNK = 1_000;

async function seed(location: string) {
  const db = await open(location);
  // The demo creditor and its cadence policies; then bulk debtors and invoices, a thousand rows a statement.
  await seedDemo(db, { today: TODAY, passwordHash: "unused" });
  const segments = ["standard", "high_risk", "good_payer"] as const;
  const createdAt = new Date(0);
  const debtorIds: number[] = [];
  await transaction(db, async (tx) => {
    for (let start = 0; start < DEBTORS; start += CHUNK) {
      const rows = Array.from({ length: Math.min(CHUNK, DEBTORS - start) }, (_, k) => {
        const d = start + k;
        return {
          creditorId: 1,
          kind: d % 10 === 9 ? ("consumer" as const) : ("business" as const),
          name: `Client ${d}`,
          addressLine: "1 rue de la Paix",
          postalCode: "69001",
          city: "Lyon",
          locale: "fr" as const,
          timeZone: "Europe/Paris",
          segment: segments[d % 3]!,
          createdAt,
        };
      });
      const ids = (await tx.insert(debtors).values(rows).returning({ id: debtors.id })).map((r) => r.id);
      await tx
        .insert(debtorContacts)
        .values(
          ids.map((debtorId, k) => ({ debtorId, email: `client${start + k}@example.fr`, phone: `+336${String(10_000_000 + start + k).slice(-8)}`, isPrimary: true, createdAt })),
        );
      debtorIds.push(...ids);
    }
    for (let start = 0; start < INVOICES; start += CHUNK) {
      const rows = Array.from({ length: Math.min(CHUNK, INVOICES - start) }, (_, k) => {
        const i = start + k;
        // Due dates spread from 120 days overdue to 30 days ahead.
        const due = addDays(TODAY, -120 + ((i * 37) % 151));
        const cents = 5_000 + ((i * 7919) % 2_000_000);
        return {
          creditorId: 1,
          debtorId: debtorIds[i % DEBTORS]!,
          number: `B-${i}`,
          amountCents: cents,
          balanceCents: cents,
          issueDate: addDays(due, -30),
          dueDate: due,
          paymentTermsDays: 30,
          status: "open" as const,
          createdAt,
        };
      });
      await tx.insert(invoices).values(rows);
    }
  });
  // Yesterday's passes (not measured) give every debtor the history a running job leaves: the first
  // decides the whole book, the next the debtors that acted.
  await runCadence({ db, env, now: new Date(NOW.getTime() - 86_400_000) });
  await runCadence({ db, env, now: new Date(NOW.getTime() - 86_400_000 + 60_000) });
  if (isPostgresUrl(location)) await rawRun(db, sql`vacuum analyze`);
  else sqliteClient(db)!.pragma("wal_checkpoint(TRUNCATE)");
  await closeConnection(db);
}

async function phase(name: string, location: string) {
  const db = isPostgresUrl(location) ? openPostgres(location) : openDatabase(location);
  let result: PhaseResult;
  const pass = (now: Date) => async () => {
    const report = await runCadence({ db, env, now });
    return report.claimed * 1_000_000 + report.debtors;
  };
  if (name === "midnight") result = await measure(pass(MIDNIGHT));
  else if (name === "job") result = await measure(pass(NOW));
  else if (name === "again") result = await measure(pass(NOW));
  else if (name === "quiet") result = await measure(pass(new Date(NOW.getTime() + 60_000)));
  else {
    // The floor: the open invoices read and as many rows inserted as the morning claimed, bare SQL.
    const claimed = Number(process.argv[4] ?? 0);
    result = await measure(async () => {
      const rows = await rawRows(db, sql`select id, debtor_id, due_date, balance_cents, status from invoices where status = 'open'`);
      await transaction(db, async (tx) => {
        await rawRun(tx, sql`create temp table scratch (debtor_id integer, key text unique)`);
        for (let start = 0; start < claimed; start += CHUNK) {
          const values = Array.from({ length: Math.min(CHUNK, claimed - start) }, (_, k) => sql`(${start + k}, ${`k${start + k}`})`);
          await rawRun(tx, sql`insert into scratch (debtor_id, key) values ${sql.join(values, sql`, `)}`);
        }
      });
      return rows.length;
    });
  }
  await closeConnection(db);
  process.stdout.write(JSON.stringify(result));
}

type Phase = "midnight" | "job" | "again" | "quiet" | "bare";
type EngineRun = { rounds: Record<Phase, PhaseResult>[]; median: Record<Phase, PhaseResult>; seedSeconds: number };

/** Seeds the book on one engine, then runs each phase ROUNDS times, each round on a fresh copy. */
async function benchEngine(engine: Engine, dir: string, postgres?: Awaited<ReturnType<typeof startBenchPostgres>>): Promise<EngineRun> {
  const seeded = engine === "postgres" ? await postgres!.cluster.createDatabase("seeded") : join(dir, "seeded.db");
  console.log(`[${engine}] seeding ${INVOICES.toLocaleString("en")} open invoices over ${DEBTORS.toLocaleString("en")} debtors in ${seeded}…`);
  // Every phase, the seed included, runs in a child of this small process: Linux carries a parent's
  // peak RSS over to the children it forks, which would blur each phase's own figure.
  const child = (name: string, location: string, claimed = 0) =>
    execFileSync(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, "--phase", name, String(claimed), location], {
      encoding: "utf8",
      env: engineEnv(location),
    });
  const seedStart = performance.now();
  child("seed", seeded);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(`[${engine}] seeded in ${seedSeconds.toFixed(1)} s (including yesterday's pass)`);
  const run = (name: Phase, location: string, claimed = 0): PhaseResult => JSON.parse(child(name, location, claimed));
  // Sub-second phases are noisy on a shared machine: each is run ROUNDS times, each time on a fresh
  // copy of the seeded database, and the median is reported.
  const rounds: Record<Phase, PhaseResult>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let location = join(dir, `round-${round}.db`);
    if (engine === "postgres") location = await postgres!.copy(seeded, `round_${round}`);
    else copyFileSync(seeded, location);
    const midnight = run("midnight", location);
    const job = run("job", location);
    const again = run("again", location);
    const quiet = run("quiet", location);
    rounds.push({ midnight, job, again, quiet, bare: run("bare", location, claimedBy(job)) });
  }
  const medianOf = (phase: Phase): PhaseResult => {
    const sorted = rounds.map((r) => r[phase]).sort((a, b) => a.ms - b.ms);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const median = Object.fromEntries((["midnight", "job", "again", "quiet", "bare"] as const).map((p) => [p, medianOf(p)])) as Record<Phase, PhaseResult>;
  return { rounds, median, seedSeconds };
}

function printEngine(engine: Engine, { rounds, median }: EngineRun) {
  const { midnight, job, again, quiet, bare } = median;
  const row = (label: string, r: PhaseResult, extra: string, target = "") =>
    console.log(`  ${label.padEnd(30)} ${(r.ms / 1000).toFixed(3).padStart(7)} s  ${r.peakMb.toFixed(0).padStart(5)} MB peak  ${extra.padEnd(44)} ${target}`);
  const decided = (r: PhaseResult) => `${decidedBy(r).toLocaleString("en")} debtors decided, ${claimedBy(r).toLocaleString("en")} claimed`;
  console.log(`\n${engine}: day ${TODAY}, ${DEBTORS.toLocaleString("en")} debtors, median of ${ROUNDS} rounds`);
  row("midnight pass (day turns)", midnight, decided(midnight));
  row("morning pass (contacts due)", job, decided(job), "target ≤ 1.5 s, ≤ 250 MB");
  row("the pass right after", again, decided(again), `target 0 claimed (worst round ${Math.max(...rounds.map((r) => claimedBy(r.again)))})`);
  row("nothing changed, nothing due", quiet, decided(quiet), "target ≤ 0.100 s");
  row("bare scan + insert (floor)", bare, `${bare.count.toLocaleString("en")} invoices scanned, ${claimedBy(job)} rows inserted`);
  console.log(`  morning times: ${rounds.map((r) => (r.job.ms / 1000).toFixed(2)).join(", ")} s; floor times: ${rounds.map((r) => (r.bare.ms / 1000).toFixed(2)).join(", ")} s`);
  console.log(`  ratio morning / floor (medians): ${(job.ms / bare.ms).toFixed(1)}×`);
}

/** Both engines' medians side by side: the same book, the same passes, one machine, one run. */
function printComparison(sqlite: EngineRun, postgres: EngineRun) {
  console.log(`\nPostgreSQL beside SQLite (medians; ratio PostgreSQL / SQLite):`);
  console.log(`  ${"phase".padEnd(30)} ${"SQLite".padStart(9)} ${"PostgreSQL".padStart(11)} ${"ratio".padStart(8)}   ${"peak MB".padStart(13)}`);
  const labels: Record<Phase, string> = {
    midnight: "midnight pass (day turns)",
    job: "morning pass (contacts due)",
    again: "the pass right after",
    quiet: "nothing changed, nothing due",
    bare: "bare scan + insert (floor)",
  };
  for (const phase of Object.keys(labels) as Phase[]) {
    const a = sqlite.median[phase];
    const b = postgres.median[phase];
    console.log(
      `  ${labels[phase].padEnd(30)} ${`${(a.ms / 1000).toFixed(3)} s`.padStart(9)} ${`${(b.ms / 1000).toFixed(3)} s`.padStart(11)} ${ratio(b.ms, a.ms).padStart(8)}   ${`${a.peakMb.toFixed(0)} / ${b.peakMb.toFixed(0)}`.padStart(13)}`,
    );
  }
  console.log(
    `  ${"seed (not measured above)".padEnd(30)} ${`${sqlite.seedSeconds.toFixed(1)} s`.padStart(9)} ${`${postgres.seedSeconds.toFixed(1)} s`.padStart(11)} ${ratio(postgres.seedSeconds, sqlite.seedSeconds).padStart(8)}`,
  );
}

if (process.argv[2] === "--phase" && process.argv[3] === "seed") {
  await seed(process.argv[5]!);
} else if (process.argv[2] === "--phase") {
  await phase(process.argv[3]!, process.argv[5]!);
} else {
  const engines = enginesFromArgs();
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-"));
  const postgres = engines.includes("postgres") ? await startBenchPostgres() : undefined;
  try {
    console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`);
    const runs = new Map<Engine, EngineRun>();
    for (const engine of engines) runs.set(engine, await benchEngine(engine, dir, postgres));
    for (const [engine, run] of runs) printEngine(engine, run);
    const sqlite = runs.get("sqlite")!;
    const pgRun = runs.get("postgres");
    if (pgRun) printComparison(sqlite, pgRun);
    const { job, quiet, midnight } = sqlite.median;
    reportFigures("cadence", [
      { name: "pass with nothing due", value: quiet.ms, unit: "ms", target: { atMost: 100 } },
      { name: "morning pass, time", value: job.ms / 1000, unit: "s", target: { atMost: 1.5 } },
      { name: "morning pass, peak RSS", value: job.peakMb, unit: "MB", target: { atMost: 250 } },
      { name: "pass right after, contacts claimed (worst)", value: Math.max(...sqlite.rounds.map((r) => claimedBy(r.again))), unit: "", target: { atMost: 0 } },
      { name: "midnight pass, time", value: midnight.ms / 1000, unit: "s" },
      ...(pgRun
        ? [
            { name: "PostgreSQL morning pass, time", value: pgRun.median.job.ms / 1000, unit: "s" },
            { name: "PostgreSQL pass with nothing due", value: pgRun.median.quiet.ms, unit: "ms" },
            { name: "PostgreSQL pass right after, claimed (worst)", value: Math.max(...pgRun.rounds.map((r) => claimedBy(r.again))), unit: "", target: { atMost: 0 } },
          ]
        : []),
    ]);
  } finally {
    await postgres?.cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
