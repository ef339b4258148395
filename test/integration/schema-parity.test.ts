import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { runPostgresMigrations } from "../../db/migrate";
import { PG_SCHEMA_PATH, pgSchemaSource } from "../../scripts/generate-pg-schema";
import { freshDb } from "../support/db";
import { startPostgres, type PostgresCluster } from "../support/postgres";
import { testEnv } from "../support/env";

/**
 * Both engines migrated from an empty database must hold the same tables, columns, keys, indexes
 * and triggers. Types are compared by what SQLite stores: PostgreSQL's timestamptz and boolean are
 * SQLite integers (milliseconds, 0/1), jsonb is SQLite text.
 */
let cluster: PostgresCluster;
let client: pg.Client;
const sqlite = freshDb().db.$client;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("parity");
  await runPostgresMigrations(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await cluster?.stop();
});

const storedAs: Record<string, string> = { integer: "integer", "timestamp with time zone": "integer", boolean: "integer", text: "text", jsonb: "text" };

function normaliseDefault(value: string | null): string | null {
  if (value === null) return null;
  const bare = value
    .replace(/::[a-z ]+$/, "")
    .replace(/^'(.*)'$/, "$1")
    .replace(/^"(.*)"$/, "$1");
  return ({ true: "1", false: "0" } as Record<string, string>)[bare] ?? bare;
}

type Column = { name: string; type: string; notNull: boolean; default: string | null };

function sqliteTables(): string[] {
  return (
    sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name").all() as { name: string }[]
  ).map((r) => r.name);
}

async function pgRows<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await client.query(text, values)).rows as T[];
}

describe("the PostgreSQL schema and its migrations describe the SQLite one", () => {
  it("is generated from db/schema and committed up to date (npm run db:generate)", () => {
    expect(readFileSync(PG_SCHEMA_PATH, "utf8")).toBe(pgSchemaSource());
  });

  it("has the same tables", async () => {
    const pgTables = (await pgRows<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' order by table_name")).map(
      (r) => r.table_name,
    );
    expect(pgTables.length).toBeGreaterThan(30);
    expect(pgTables).toEqual(sqliteTables());
  });

  it("has the same columns, types, nullability and defaults", async () => {
    for (const table of sqliteTables()) {
      const expected: Column[] = (sqlite.prepare(`pragma table_info("${table}")`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[])
        .map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk === 1, default: normaliseDefault(c.dflt_value) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const actual: Column[] = (
        await pgRows<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
          "select column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' and table_name = $1",
          [table],
        )
      )
        .map((c) => ({ name: c.column_name, type: storedAs[c.data_type] ?? c.data_type, notNull: c.is_nullable === "NO", default: normaliseDefault(c.column_default) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect({ table, columns: actual }).toEqual({ table, columns: expected });
    }
  });

  it("has the same primary keys, indexes and unique indexes", async () => {
    for (const table of sqliteTables()) {
      const primary = (sqlite.prepare(`pragma table_info("${table}")`).all() as { name: string; pk: number }[])
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const indexes = (sqlite.prepare(`pragma index_list("${table}")`).all() as { name: string; unique: number; origin: string }[])
        .filter((ix) => ix.origin !== "pk")
        .map((ix) => ({ name: ix.name, unique: ix.unique === 1, columns: (sqlite.prepare(`pragma index_info("${ix.name}")`).all() as { name: string }[]).map((c) => c.name) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const pgIndexes = await pgRows<{ name: string; unique: boolean; primary: boolean; columns: string[] }>(
        `select i.relname as name, x.indisunique as unique, x.indisprimary as primary,
                array(select a.attname::text from unnest(x.indkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns
           from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
          where t.relname = $1 and t.relnamespace = 'public'::regnamespace`,
        [table],
      );
      expect({ table, primary: pgIndexes.find((ix) => ix.primary)?.columns ?? [] }).toEqual({ table, primary });
      const actual = pgIndexes
        .filter((ix) => !ix.primary)
        .map(({ name, unique, columns }) => ({ name, unique, columns }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect({ table, indexes: actual }).toEqual({ table, indexes });
    }
  });

  it("has the same foreign keys and their actions", async () => {
    const action: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };
    for (const table of sqliteTables()) {
      const expected = (sqlite.prepare(`pragma foreign_key_list("${table}")`).all() as { table: string; from: string; to: string; on_update: string; on_delete: string }[])
        .map((fk) => `${fk.from} -> ${fk.table}.${fk.to} on delete ${fk.on_delete} on update ${fk.on_update}`)
        .sort();
      const actual = (
        await pgRows<{ from: string; target: string; to: string; del: string; upd: string }>(
          `select a.attname as from, ft.relname as target, fa.attname as to, c.confdeltype as del, c.confupdtype as upd
             from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class ft on ft.oid = c.confrelid
             cross join lateral unnest(c.conkey, c.confkey) as k(col, fcol)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.col
             join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = k.fcol
            where c.contype = 'f' and t.relname = $1`,
          [table],
        )
      )
        .map((fk) => `${fk.from} -> ${fk.target}.${fk.to} on delete ${action[fk.del]} on update ${action[fk.upd]}`)
        .sort();
      expect({ table, foreignKeys: actual }).toEqual({ table, foreignKeys: expected });
    }
  });

  it("keeps the timeline append-only on both engines, but for clearing an anonymised debtor's data", async () => {
    const triggers = (sqlite.prepare("select name from sqlite_master where type = 'trigger' order by name").all() as { name: string }[]).map((r) => r.name);
    const pgTriggers = (await pgRows<{ tgname: string }>("select tgname from pg_trigger where not tgisinternal order by tgname")).map((r) => r.tgname);
    expect(pgTriggers).toEqual(triggers);

    await insertBoth("creditors", { id: 1 });
    await insertBoth("debtors", { id: 1, creditor_id: 1 });
    await insertBoth("timeline_events", { id: 1, creditor_id: 1, debtor_id: 1, invoice_id: null });
    const tryBoth = async (sqliteSql: string, pgSql = sqliteSql) => {
      let sqliteError = "";
      let pgError = "";
      try {
        sqlite.prepare(sqliteSql).run();
      } catch (e) {
        sqliteError = String(e);
      }
      try {
        await client.query(pgSql);
      } catch (e) {
        pgError = String(e);
      }
      return [sqliteError.includes("append-only"), pgError.includes("append-only")];
    };
    expect(await tryBoth("update timeline_events set type = 'other' where id = 1")).toEqual([true, true]);
    expect(await tryBoth("update timeline_events set data = '{}' where id = 1")).toEqual([true, true]);
    expect(await tryBoth("delete from timeline_events where id = 1")).toEqual([true, true]);
    sqlite.prepare("update debtors set anonymised_at = 1 where id = 1").run();
    await client.query("update debtors set anonymised_at = to_timestamp(1) where id = 1");
    expect(await tryBoth("update timeline_events set data = '{}' where id = 1")).toEqual([false, false]);
    expect(await tryBoth("delete from timeline_events where id = 1")).toEqual([true, true]);
  });
});

/** One row in each engine: the given values, and a filler for every other required column without a default. */
async function insertBoth(table: string, values: Record<string, number | null>) {
  const required = await pgRows<{ column_name: string; data_type: string }>(
    "select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = $1 and is_nullable = 'NO' and column_default is null and is_identity = 'NO'",
    [table],
  );
  const filler: Record<string, [string, string]> = {
    integer: ["1", "1"],
    text: ["'x'", "'x'"],
    jsonb: ["'{}'", "'{}'"],
    boolean: ["0", "false"],
    "timestamp with time zone": ["0", "to_timestamp(0)"],
  };
  const columns = [...new Set([...Object.keys(values), ...required.map((c) => c.column_name)])];
  const typeOf = new Map(required.map((c) => [c.column_name, c.data_type]));
  const literal = (column: string, engine: 0 | 1) => (column in values ? String(values[column] ?? "null") : filler[typeOf.get(column)!]![engine]);
  const statement = (engine: 0 | 1) => `insert into ${table} (${columns.join(", ")}) values (${columns.map((c) => literal(c, engine)).join(", ")})`;
  sqlite.prepare(statement(0)).run();
  await client.query(statement(1));
}

describe("npm run db:migrate with DATABASE_URL", () => {
  const tsx = join(process.cwd(), "node_modules/.bin/tsx");
  const run = (script: string, env: Record<string, string>) => spawnSync(tsx, [script], { env: { ...process.env, ...testEnv(env) }, encoding: "utf8", timeout: 60_000 });

  it("migrates an empty PostgreSQL database, then finds it up to date", async () => {
    const url = await cluster.createDatabase("cli");
    for (let i = 0; i < 2; i++) {
      const result = run("db/migrate.ts", { DATABASE_URL: url });
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/PostgreSQL 127\.0\.0\.1:\d+\/cli is up to date/);
    }
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query("select count(*)::int as n from drizzle.__drizzle_migrations");
    await check.end();
    expect(rows[0].n).toBe(readFileSync("db/migrations-pg/meta/_journal.json", "utf8").match(/"tag"/g)!.length);
  }, 60_000);

  it("refuses a DATABASE_URL that is not a PostgreSQL address, naming the variable", () => {
    const result = run("db/migrate.ts", { DATABASE_URL: "mysql://localhost/relance" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL/);
    expect(result.stderr).toMatch(/postgres:\/\//);
  }, 60_000);

  it("keeps the job off a PostgreSQL database that lacks migrations, then runs a pass on it once migrated, never touching DATABASE_PATH", async () => {
    const url = await cluster.createDatabase("job");
    const env = { DATABASE_URL: url, DATABASE_PATH: join(process.cwd(), ".data/never-created.db") };
    const refused = spawnSync(tsx, ["jobs/run.ts", "once"], { env: { ...process.env, ...testEnv(env) }, encoding: "utf8", timeout: 60_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/The database at 127\.0\.0\.1:\d+\/job lacks \d+ migration\(s\): run `npm run db:migrate` first\./);
    expect(run("db/migrate.ts", env).status).toBe(0);
    const pass = spawnSync(tsx, ["jobs/run.ts", "once", "--now", "2026-11-20T09:00:00Z"], { env: { ...process.env, ...testEnv(env) }, encoding: "utf8", timeout: 60_000 });
    expect(pass.stderr).toBe("");
    expect(pass.stdout).toMatch(/\[job\] 2026-11-20T09:00:00.000Z \{/);
    expect(existsSync(env.DATABASE_PATH)).toBe(false);
  }, 60_000);
});
