/**
 * The web server: what remix-serve does (compression, static files, access log, the Remix handler),
 * plus what it cannot: the socket's remote address handed to the app in a header no client can set
 * (app/utils/peer-address.ts), so rate limits and evidence know the client without a proxy; and the
 * debtor-facing paths served by handlers over their own routes (scripts/debtor-build.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import compression from "compression";
import morgan from "morgan";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals, type ServerBuild } from "@remix-run/node";
import { stampPeerAddress } from "../app/utils/peer-address";
import { CROSS_SITE_FORM_MESSAGE, isCrossSiteForm } from "../app/utils/same-origin";
import { setSecurityHeaders } from "../app/utils/security-headers";
import { DEBTOR_SEGMENTS, segmentBuild, segmentPaths } from "./debtor-build";
import { assertPostgresMigrated } from "../db/migrate";

// SQLite's file is checked when the app first opens it; a PostgreSQL database is checked before listening.
try {
  if (process.env.DATABASE_URL) await assertPostgresMigrated(process.env.DATABASE_URL);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
installGlobals({ nativeFetch: true });
const build = (await import(pathToFileURL(resolve("build/server/index.js")).href)) as ServerBuild;
const port = Number(process.env.PORT ?? 3000);

function firstSegment(path: string): string {
  try {
    return decodeURIComponent(path.split("/")[1] ?? "");
  } catch {
    return "";
  }
}

const app = express();
app.disable("x-powered-by");
app.use((req: IncomingMessage, _res: unknown, next: () => void) => {
  stampPeerAddress(req.headers, req.socket.remoteAddress);
  next();
});
app.use(compression());
// Vite's hashed files: cached for a year. Anything else it copied into the client build (public/, if
// one is added): an hour. Served only under the paths they have, so that a page costs no file lookup.
app.use(`${build.publicPath}assets`, express.static(join(build.assetsBuildDirectory, "assets"), { immutable: true, maxAge: "1y" }));
const otherClientEntries = new Set(readdirSync(build.assetsBuildDirectory).filter((name) => name !== "assets"));
const otherClientFiles = express.static(build.assetsBuildDirectory, { maxAge: "1h" });
app.use((req: IncomingMessage & { path: string }, res: unknown, next: () => void) => (otherClientEntries.has(firstSegment(req.path)) ? otherClientFiles(req, res, next) : next()));
app.use(morgan("tiny"));
// A page's form posted from another site: refused here with the action's own words, since Remix
// would abort it with a bare 500 before any action runs. The API and the webhooks take no such form.
app.use((req: IncomingMessage & { path: string }, res: ServerResponse, next: () => void) => {
  if (!req.path.startsWith("/api/") && !req.path.startsWith("/webhooks/") && isCrossSiteForm(req.method ?? "GET", req.headers)) {
    const headers = new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    setSecurityHeaders(headers, { url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}` });
    res.writeHead(403, Object.fromEntries(headers)).end(CROSS_SITE_FORM_MESSAGE);
    return;
  }
  next();
});
for (const segment of DEBTOR_SEGMENTS) app.all(segmentPaths(segment), createRequestHandler({ build: segmentBuild(build, segment), mode: process.env.NODE_ENV }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = process.env.HOST ? app.listen(port, process.env.HOST) : app.listen(port);
server.on("listening", () => console.log(`[relance] http://localhost:${port}`));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close());
