/**
 * Runs the built app (scripts/http-server.ts: remix-serve's stack plus the socket's address for the
 * app), passing its output through the token redactor: the access log prints every URL, and link URLs carry bearer tokens (M10). Set SERVER_LOG_FILE to
 * also keep the (redacted) log in a file.
 */
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { redactLinkTokens } from "../app/utils/redact";

const server = spawn("npx", ["tsx", "scripts/http-server.ts"], { stdio: ["inherit", "pipe", "pipe"] });
const logFile = process.env.SERVER_LOG_FILE;

function relay(from: Readable, to: Writable) {
  createInterface({ input: from }).on("line", (line) => {
    const safe = `${redactLinkTokens(line)}\n`;
    to.write(safe);
    if (logFile) appendFileSync(logFile, safe);
  });
}
relay(server.stdout, process.stdout);
relay(server.stderr, process.stderr);

for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
