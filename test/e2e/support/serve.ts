/**
 * The end-to-end server: a fresh SQLite file, migrated and seeded for the fixed day, then the built
 * app under remix-serve through the same log-redacting wrapper as production.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { openDatabase } from "../../../db/client";
import { runMigrations } from "../../../db/migrate";
import { DEMO_LOGIN, seedDemo } from "../../../db/seed";
import { hashPassword } from "../../../app/services/auth/passwords.server";
import { E2E_DATABASE, E2E_SERVER_LOG, E2E_TODAY } from "./env";

for (const suffix of ["", "-wal", "-shm"]) rmSync(`${E2E_DATABASE}${suffix}`, { force: true });
mkdirSync(dirname(E2E_DATABASE), { recursive: true });
const db = openDatabase(E2E_DATABASE);
runMigrations(db);
await seedDemo(db, { today: E2E_TODAY, passwordHash: await hashPassword(DEMO_LOGIN.password) });
db.$client.close();

rmSync(E2E_SERVER_LOG, { force: true });
const server = spawn("npx", ["tsx", "scripts/serve.ts"], {
  stdio: "inherit",
  env: { ...process.env, SERVER_LOG_FILE: E2E_SERVER_LOG },
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
