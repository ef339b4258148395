import Database from "better-sqlite3";
import type { Logger, SQL } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { drizzle, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import pg from "pg";
import * as schema from "./schema";
import * as pgSchema from "./schema-pg";
import { tablesEngine } from "./tables";

/**
 * The database as every query sees it: asynchronous, whichever engine runs underneath. Queries are
 * awaited builders (never drizzle's synchronous `.all()`, `.get()`, `.run()`), so the same code runs on
 * SQLite and on PostgreSQL; `transaction`, `first` and the raw-SQL helpers below are the rest.
 */
export type Db = SqliteRemoteDatabase<typeof schema>;

/** The SQLite database with its better-sqlite3 handle, for what only SQLite has (pragmas, backups, checkpoints). */
export type SqliteDb = Db & { $client: Database.Database };

export const BUSY_TIMEOUT_MS = 5000;

/** Handles opened here on SQLite: the connection, its statement cache and its transaction lock. */
type SqliteEngine = { sqlite: Database.Database; lock: ConnectionLock; run: Executor; inTransaction: Db };
const sqliteEngines = new WeakMap<object, SqliteEngine>();

/**
 * The one place that opens SQLite. The web server and the job share the file, so every
 * connection gets WAL, foreign keys and a busy timeout (R1), and we check they took.
 */
export function openDatabase(path: string): SqliteDb {
  const sqlite = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // NORMAL is durable across application crashes in WAL mode and avoids an fsync per commit.
  sqlite.pragma("synchronous = NORMAL");
  assertPragmas(sqlite, path);
  return wrapSqlite(sqlite);
}

/** A drizzle database over an open better-sqlite3 handle (a backup's copy, a test's second connection). */
export function wrapSqlite(sqlite: Database.Database, { lockTimeoutMs = BUSY_TIMEOUT_MS } = {}): SqliteDb {
  assertTables("sqlite");
  const lock = new ConnectionLock(lockTimeoutMs);
  const run = executor(sqlite);
  // Outside a transaction a statement waits for the one in progress, so it never runs inside it.
  const root = drizzle(async (query, params, method) => (lock.idle ? run(query, params, method) : lock.around(() => run(query, params, method))), { schema });
  const inTransaction = drizzle(
    async (query, params, method) => {
      if (lock.idle) throw new Error("A transaction's handle was used after its transaction ended");
      return run(query, params, method);
    },
    { schema },
  );
  const engine = { sqlite, lock, run, inTransaction };
  sqliteEngines.set(root, engine);
  sqliteEngines.set(inTransaction, engine);
  return Object.assign(root, { $client: sqlite });
}

/** The queries use the tables this process loaded (db/tables.ts): a database of the other engine would misread them. */
function assertTables(engine: typeof tablesEngine) {
  if (tablesEngine !== engine) throw new Error(`This process loaded the ${tablesEngine} tables (DATABASE_URL decides when it starts): it cannot open ${engine}`);
}

/** A PostgreSQL database and its pool, for what only it has (closing the pool). */
export type PostgresDb = Db & { $client: pg.Pool };

/**
 * PostgreSQL through drizzle's node-postgres driver, over the schema generated from db/schema
 * (db/schema-pg.ts: same table and column names, so every query is written once, against `Db`).
 */
export function openPostgres(url: string, { max = 10, logger }: { max?: number; logger?: Logger } = {}): PostgresDb {
  assertTables("postgres");
  // A lock held longer than SQLite's busy timeout fails the same way (55P03): the request answers 503, the job retries.
  const pool = new pg.Pool({ connectionString: url, max, options: `-c lock_timeout=${BUSY_TIMEOUT_MS}` });
  const db = drizzlePostgres(pool, { schema: pgSchema, logger });
  postgresDatabases.add(db);
  return db as unknown as PostgresDb;
}

const postgresDatabases = new WeakSet<object>();

/** The better-sqlite3 handle under a SQLite database; undefined on PostgreSQL. */
/** Closes a connection opened by openDatabase or openPostgres. */
export async function closeConnection(db: Db): Promise<void> {
  const sqlite = sqliteClient(db);
  if (sqlite) sqlite.close();
  else await (db as PostgresDb).$client.end();
}

export function sqliteClient(db: Db): Database.Database | undefined {
  return sqliteEngines.get(db)?.sqlite;
}

type Method = "run" | "all" | "values" | "get";
type Executor = (query: string, params: unknown[], method: Method) => { rows: unknown[] };

/**
 * Runs drizzle's statements on better-sqlite3, each prepared once per connection and kept while it
 * is in use: drizzle hands over rows as arrays, in the order of its selected fields.
 */
function executor(sqlite: Database.Database): Executor {
  const statements = new Map<string, Database.Statement>();
  return (query, params, method) => {
    let statement = statements.get(query);
    if (statement) statements.delete(query);
    else statement = sqlite.prepare(query);
    statements.set(query, statement);
    if (statements.size > 500) statements.delete(statements.keys().next().value!);
    if (method === "run" || !statement.reader) return { rows: [], ...statement.run(...params) };
    statement.raw(true);
    return { rows: method === "get" ? statement.get(...params) : statement.all(...params) } as { rows: unknown[] };
  };
}

/**
 * One transaction at a time on a connection, first come first served. A statement or transaction
 * that waits longer than SQLite's own busy timeout fails as SQLite would ("database is locked")
 * rather than wait forever: the usual cause is a query inside a transaction that used `db`, not `tx`.
 */
class ConnectionLock {
  private queue: (() => void)[] = [];
  private held = false;

  constructor(private readonly timeoutMs: number) {}

  get idle() {
    return !this.held && this.queue.length === 0;
  }

  async around<T>(work: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.queue = this.queue.filter((waiting) => waiting !== grant);
        // SQLite's own code for it: the pages answer 503 and the job retries, as for a busy file (R4).
        reject(Object.assign(new Error(`database is locked: waited ${this.timeoutMs} ms for a transaction on this connection`), { code: "SQLITE_BUSY" }));
      }, this.timeoutMs);
      this.queue.push(grant);
    });
  }

  private release() {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

let savepoints = 0;

/**
 * Runs `work` atomically: all of it commits or none of it does. On SQLite it holds the write lock from
 * the start (BEGIN IMMEDIATE), as the job and the web server write the same file; a transaction inside
 * a transaction is a savepoint. Only database work belongs inside: never a provider call.
 */
export async function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const engine = sqliteEngines.get(db);
  if (!engine) return postgresTransaction(db, work);
  const { sqlite, lock, inTransaction } = engine;
  if (db === inTransaction) {
    const name = `sp${++savepoints}`;
    sqlite.exec(`savepoint ${name}`);
    try {
      const result = await work(inTransaction);
      sqlite.exec(`release ${name}`);
      return result;
    } catch (error) {
      sqlite.exec(`rollback to ${name}; release ${name}`);
      throw error;
    }
  }
  return lock.around(async () => {
    sqlite.exec("begin immediate");
    try {
      const result = await work(inTransaction);
      sqlite.exec("commit");
      return result;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec("rollback");
      throw error;
    }
  });
}

type PostgresHandle = { transaction: <T>(work: (tx: Db) => Promise<T>, config?: { isolationLevel: "serializable" }) => Promise<T> };

/** PostgreSQL's codes for "run it again": a serialization failure, a deadlock. */
const RETRY_CODES = new Set(["40001", "40P01"]);
const TRANSACTION_ATTEMPTS = 10;

/**
 * On PostgreSQL a transaction is SERIALIZABLE, so it means what BEGIN IMMEDIATE means on SQLite: as if
 * it ran alone (a read-then-write cannot lose another's update). Where PostgreSQL cannot keep that
 * promise it aborts one transaction, which runs again: the work is database work only, so it can.
 * Inside a transaction, drizzle's own nested transaction is a savepoint.
 */
async function postgresTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const handle = db as unknown as PostgresHandle;
  if (!postgresDatabases.has(db)) return handle.transaction(work);
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.transaction(work, { isolationLevel: "serializable" });
    } catch (error) {
      if (attempt >= TRANSACTION_ATTEMPTS || !RETRY_CODES.has(errorCode(error) ?? "")) throw error;
      // Backs off exponentially with jitter, so transactions that keep meeting spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 2 ** attempt * 2)));
    }
  }
}

/** The engine's error code under drizzle's "Failed query" wrapper, if any. */
export function errorCode(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** The first row of a query's result, if any: what drizzle's synchronous `.get()` returned. */
export function first<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}

/** Rows of a raw SQL query, as objects keyed by column name, on either engine. */
export async function rawRows<T>(db: Db, query: SQL): Promise<T[]> {
  const engine = sqliteEngines.get(db);
  if (!engine) return (await (db as unknown as { execute: (query: SQL) => Promise<{ rows: T[] }> }).execute(query)).rows;
  const built = dialectOf(db).sqlToQuery(query);
  const run = () => engine.sqlite.prepare(built.sql).all(...built.params) as T[];
  return engine.lock.idle || db === engine.inTransaction ? run() : engine.lock.around(run);
}

/** The first row of a raw SQL query, if any. */
export async function rawRow<T>(db: Db, query: SQL): Promise<T | undefined> {
  return first(await rawRows<T>(db, query));
}

/** Runs a raw SQL statement for its effect. */
export async function rawRun(db: Db, query: SQL): Promise<void> {
  if (sqliteEngines.has(db)) await db.run(query);
  else await (db as unknown as { execute: (query: SQL) => Promise<unknown> }).execute(query);
}

function dialectOf(db: Db) {
  return (db as unknown as { dialect: { sqlToQuery: (query: SQL) => { sql: string; params: unknown[] } } }).dialect;
}

function assertPragmas(sqlite: Database.Database, path: string) {
  const journal = sqlite.pragma("journal_mode", { simple: true });
  const foreignKeys = sqlite.pragma("foreign_keys", { simple: true });
  if ((path !== ":memory:" && journal !== "wal") || foreignKeys !== 1) {
    throw new Error(`SQLite at ${path} refused its settings (journal_mode=${String(journal)}, foreign_keys=${String(foreignKeys)}); is it on a network filesystem?`);
  }
}

/** The one row an insert returned: an insert that returns nothing here is a defect, not a case to handle. */
export function one<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error("Expected a row, the statement returned none");
  return row;
}
