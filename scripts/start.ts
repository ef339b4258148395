/**
 * `npm start`: everything a person needs to try Relance on one machine with no keys, in demo mode
 * (RELANCE_MODE=demo: the development outbox and checkout stand in for missing providers).
 * Writes a .env with fresh development keys if there is none, migrates, seeds an empty database,
 * builds, then runs the web server and the reminder job side by side until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(".env")) {
  const secret = randomBytes(32).toString("base64url");
  const kid = `dev-${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(
    ".env",
    [
      "# Written by `npm start` for local use. Never commit it.",
      "RELANCE_MODE=demo",
      "PUBLIC_BASE_URL=http://localhost:3000",
      "DATABASE_PATH=.data/relance.db",
      `LINK_SIGNING_KEYS=${kid}:${secret}`,
      "# Set RESEND_API_KEY to send real emails; without it they go to /dev/outbox.",
      "",
    ].join("\n"),
  );
  console.log("[start] wrote .env with a fresh link signing key");
}
process.loadEnvFile(".env");
// A .env written before modes existed has no RELANCE_MODE: `npm start` is the demo, so say so here;
// the server and the job inherit it. A mode set in the environment or the file wins.
process.env.RELANCE_MODE ??= "demo";
const { getEnv, EnvError } = await import("../app/env.server");
try {
  getEnv();
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}

const freshDatabase = !existsSync(getEnv().DATABASE_PATH);
run("npx", ["tsx", "db/migrate.ts"]);
run("npx", ["tsx", "db/seed.ts"]);
// A new demo gets a past: the last month of reminders, as the job would have sent them.
if (freshDatabase) run("npx", ["tsx", "scripts/demo-history.ts"]);
run("npx", ["remix", "vite:build"]);

const { PUBLIC_BASE_URL } = getEnv();
const children: ChildProcess[] = [
  spawn("npx", ["tsx", "scripts/serve.ts"], { stdio: "inherit" }),
  // React's production build for the job too (remix-serve sets it for the server): composing emails in
  // React's development build costs about twice the CPU.
  spawn("npx", ["tsx", "jobs/run.ts"], { stdio: "inherit", env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" } }),
];
const { DEMO_LOGIN } = await import("../db/seed");
console.log(`
  Relance is running.
    Back office   ${PUBLIC_BASE_URL}/backoffice   login ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}
${getEnv().RELANCE_MODE === "demo" ? `    Dev outbox    ${PUBLIC_BASE_URL}/dev/outbox   the emails and SMS debtors receive; their links open the portal
` : ""}    Portal        ${PUBLIC_BASE_URL}/portal       reached through a link from the outbox
  The reminder job runs every ${getEnv().JOB_INTERVAL_SECONDS}s. Ctrl-C stops both.
`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) {
  child.on("exit", (code) => {
    if (!stopping) console.error(`[start] a process stopped (exit ${code}); stopping the other`);
    stop();
    process.exitCode = code ?? 0;
  });
}
