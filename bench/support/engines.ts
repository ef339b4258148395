/**
 * The engines a benchmark runs on: SQLite always, PostgreSQL too with `--engine postgres`, so both
 * figures come from one run on one machine. PostgreSQL is a throwaway cluster (test/support/postgres),
 * and each measured copy is a database made from the seeded one as a template.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { startPostgres, type PostgresCluster } from "../../test/support/postgres";

export type Engine = "sqlite" | "postgres";

/** `--engine postgres` (or `--engine sqlite,postgres`): SQLite is always measured, as the reference. */
export function enginesFromArgs(args = process.argv.slice(2)): Engine[] {
  const { values } = parseArgs({ args, options: { engine: { type: "string", default: "sqlite" } }, strict: false });
  const asked = String(values.engine).split(",");
  const unknown = asked.filter((e) => e !== "sqlite" && e !== "postgres");
  if (unknown.length) throw new Error(`--engine: unknown engine ${unknown.join(", ")} (sqlite or postgres)`);
  return asked.includes("postgres") ? ["sqlite", "postgres"] : ["sqlite"];
}

export const isPostgresUrl = (location: string) => /^postgres(ql)?:/.test(location);

/** What a child process needs to open the database: db/tables picks the engine's tables from DATABASE_URL. */
export function engineEnv(location: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return isPostgresUrl(location) ? { ...env, DATABASE_URL: location } : env;
}

export type BenchPostgres = { cluster: PostgresCluster; copy: (from: string, name: string) => Promise<string> };

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const cluster = await startPostgres();
  return {
    cluster,
    /** A copy of the database at `from` (nobody connected to it), as a new database named `name`. */
    async copy(from, name) {
      const client = new pg.Client({ connectionString: cluster.url() });
      await client.connect();
      try {
        await client.query(`create database ${name} template ${new URL(from).pathname.slice(1)}`);
      } finally {
        await client.end();
      }
      return cluster.url(name);
    },
  };
}

/** "1.8×": how PostgreSQL's figure compares with SQLite's. */
export const ratio = (postgres: number, sqlite: number) => (sqlite > 0 ? `${(postgres / sqlite).toFixed(2)}×` : "n/a");
