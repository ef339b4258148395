import type { TestProject } from "vitest/node";
import { runPostgresMigrations } from "../../db/migrate";
import pg from "pg";
import { POSTGRES_TEMPLATE, startPostgres } from "../support/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * The postgres project's databases: a throwaway cluster for the run, a template migrated from empty
 * (copied by test/support/db.ts freshDb, which needs it idle) and the database DATABASE_URL names.
 */
export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  await runPostgresMigrations(await cluster.createDatabase(POSTGRES_TEMPLATE));
  const client = new pg.Client({ connectionString: cluster.url() });
  await client.connect();
  await client.query(`create database relance template ${POSTGRES_TEMPLATE}`);
  await client.end();
  project.provide("postgresUrl", cluster.url("relance"));
  return () => cluster.stop();
}
