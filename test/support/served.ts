/**
 * The built product as it runs in production, for load tests, benchmarks and server-level specs: a
 * migrated, seeded SQLite file; the web server (`scripts/serve.ts`, remix-serve over the build) on an
 * ephemeral port of 127.0.0.1; the real job loop; and debtor sessions opened by exchanging real links.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asc, eq } from "drizzle-orm";
import { closeConnection, openDatabase, openPostgres, type Db } from "../../db/client";
import { runMigrations, runPostgresMigrations } from "../../db/migrate";
import { seedDemo } from "../../db/seed";
import { invoices } from "../../db/tables";
import { parseEnv } from "../../app/env.server";
import { insertLink, signLink } from "../../app/services/shared/links.server";
import { testEnv } from "./env";
import { databaseEnv, openTestDatabase } from "./db";

const tsx = join(process.cwd(), "node_modules/.bin/tsx");

/** A port the OS just gave us on 127.0.0.1 (remix-serve cannot report the one it gets for PORT=0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * A fresh database file in a temporary folder, migrated and seeded with the demo around `today`; or,
 * given an empty PostgreSQL database's URL (in a process whose DATABASE_URL names PostgreSQL, so that
 * db/tables maps values for it), that database.
 */
export async function preparedDatabase(today: string, postgresUrl?: string): Promise<string> {
  const location = postgresUrl ?? join(mkdtempSync(join(tmpdir(), "relance-served-")), "relance.db");
  let db: Db;
  if (postgresUrl) {
    await runPostgresMigrations(postgresUrl);
    db = openPostgres(postgresUrl);
  } else {
    const file = openDatabase(location);
    runMigrations(file);
    db = file;
  }
  await seedDemo(db, { today, passwordHash: "scrypt$131072$8$1$unused$unused" });
  await closeConnection(db);
  return location;
}

export type Child = {
  process: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  stop: () => Promise<void>;
};

/** Where every child's output is also kept, so that the suite's log scan reads it (no token in any log). */
export const SERVED_LOG_DIR = ".data/logs";

export function startChild(args: string[], env: Record<string, string>, command = tsx, cwd = process.cwd()): Child {
  // Its own process group, so that stopping it also stops what it started (npx, remix-serve).
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  mkdirSync(SERVED_LOG_DIR, { recursive: true });
  const logFile = join(SERVED_LOG_DIR, `${basename(args.find((arg) => arg.endsWith(".ts") || arg.endsWith(".js")) ?? "child")}-${child.pid}.log`);
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    appendFileSync(logFile, chunk);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid!, "SIGTERM");
      const timeout = sleep(10_000).then(() => "timeout");
      if ((await Promise.race([exited, timeout])) === "timeout") process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
  };
}

export type ServedApp = Child & { url: string; env: Record<string, string> };

export function servedEnv(database: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return testEnv({
    NODE_ENV: "production",
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    ...databaseEnv(database),
    ...extra,
  });
}

/**
 * The built web server (run `npm run build` first) on an ephemeral port, once it answers. With
 * `nodeFlags` (profiling: `--cpu-prof`, which NODE_OPTIONS refuses), the same server runs under node
 * itself with tsx as a loader, so that the profile holds all of it, the log redaction included.
 */
export async function startServer(
  databasePath: string,
  extra: Record<string, string> | ((port: number) => Record<string, string>) = {},
  nodeFlags: string[] = [],
): Promise<ServedApp> {
  const port = await freePort();
  const env = servedEnv(databasePath, port, typeof extra === "function" ? extra(port) : extra);
  const child = nodeFlags.length > 0 ? startChild([...nodeFlags, "--import", "tsx", "scripts/serve.ts"], env, process.execPath) : startChild(["scripts/serve.ts"], env);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.process.exitCode !== null) throw new Error(`the server stopped:\n${child.output()}`);
    const up = await fetch(`${url}/privacy`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { ...child, url, env };
    await sleep(100);
  }
  await child.stop();
  throw new Error(`the server did not answer within a minute:\n${child.output()}`);
}

/** The real job loop (`jobs/run.ts`), a pass every `intervalSeconds`. */
export function startJob(databasePath: string, port: number, intervalSeconds = 1, extra: Record<string, string> = {}): Child {
  return startChild(["jobs/run.ts"], servedEnv(databasePath, port, { JOB_INTERVAL_SECONDS: String(intervalSeconds), ...extra }));
}

/** The job's completed passes, from its log. */
export function jobPasses(output: string): number {
  return output.split("\n").filter((line) => /^\[job\] \S+ \{/.test(line)).length;
}

/** Signed email links for `count` debtors with open invoices (round robin), as the job would issue them. */
export async function issueLinks(app: Pick<ServedApp, "env">, count: number): Promise<string[]> {
  const env = parseEnv(app.env);
  // Issued at the server's own clock, which tests may freeze.
  const now = env.TEST_FIXED_NOW ? new Date(env.TEST_FIXED_NOW) : new Date();
  const db = openTestDatabase(app.env.DATABASE_URL ?? app.env.DATABASE_PATH!);
  try {
    const open = await db.selectDistinct({ id: invoices.debtorId }).from(invoices).where(eq(invoices.status, "open")).orderBy(asc(invoices.debtorId));
    const debtorIds = open.map((row) => row.id);
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) {
      const debtorId = debtorIds[i % debtorIds.length]!;
      tokens.push(await signLink(env, await insertLink(db, env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now })));
    }
    return tokens;
  } finally {
    await closeConnection(db);
  }
}

/**
 * Presses "Continuer" on a link, as a browser would: a POST from our own origin. Each exchange comes
 * from its own client address (X-Forwarded-For), as many debtors behind a proxy would.
 */
export async function exchangeLink(app: Pick<ServedApp, "url" | "env">, token: string, client = "198.51.100.1"): Promise<Response> {
  return fetch(`${app.url}/l/${token}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: app.env.PUBLIC_BASE_URL!, "X-Forwarded-For": client, "Content-Type": "application/x-www-form-urlencoded" },
    body: "",
  });
}

/** Debtor sessions (`__Host-sid=…` cookie pairs) opened through real link exchanges. */
export async function openSessions(app: ServedApp, count: number): Promise<string[]> {
  const tokens = await issueLinks(app, count);
  const cookies: string[] = [];
  for (const [i, token] of tokens.entries()) {
    const response = await exchangeLink(app, token, `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    const cookie = response.headers.get("set-cookie")?.split(";")[0];
    if (response.status !== 303 || !cookie) throw new Error(`link exchange answered ${response.status}`);
    cookies.push(cookie);
  }
  return cookies;
}

export function removeDatabase(path: string) {
  rmSync(join(path, ".."), { recursive: true, force: true });
}
