import type { TestProject } from "vitest/node";
import { runPostgresMigrations } from "../../db/migrate";
import { startPostgres } from "../support/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** The postgres project's database: a throwaway cluster for the run, migrated from empty. */
export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  const url = await cluster.createDatabase("relance");
  await runPostgresMigrations(url);
  project.provide("postgresUrl", url);
  return () => cluster.stop();
}
