/**
 * Runs the built app (scripts/http-server.ts: remix-serve's stack plus the socket's address for the
 * app) in this process, with everything it writes passed through the token redactor first: the access
 * log prints every URL, and link URLs carry bearer tokens (M10). Set SERVER_LOG_FILE to also keep the
 * (redacted) output in a file. In-process rather than a relay: no second process reading every line.
 */
import { createWriteStream } from "node:fs";
import { redactLinkTokens } from "../app/utils/redact";

const logFile = process.env.SERVER_LOG_FILE ? createWriteStream(process.env.SERVER_LOG_FILE, { flags: "a" }) : null;

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  // Every write, whoever makes it (the access log, console, a library), is redacted before it leaves.
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const safe = redactLinkTokens(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    logFile?.write(safe);
    return write(safe, ...rest);
  }) as typeof stream.write;
}

await import("./http-server");
