import { defineConfig } from "drizzle-kit";

/** PostgreSQL's migrations, from the schema generated out of db/schema (scripts/generate-pg-schema.ts). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema-pg.ts",
  out: "./db/migrations-pg",
});
