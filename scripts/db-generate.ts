/**
 * `npm run db:generate -- --name <name>`: regenerates the PostgreSQL schema from db/schema, then
 * writes the next migration for each engine (db/migrations, db/migrations-pg) with the same arguments.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { PG_SCHEMA_PATH, pgSchemaSource } from "./generate-pg-schema";

writeFileSync(PG_SCHEMA_PATH, pgSchemaSource());
const args = process.argv.slice(2);
for (const config of ["drizzle.config.ts", "drizzle.pg.config.ts"]) {
  const result = spawnSync("npx", ["drizzle-kit", "generate", "--config", config, ...args], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
