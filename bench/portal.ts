/**
 * Portal benchmark: what our pages cost on top of the framework, on one built server.
 *
 *   npm run build && npm run bench:portal -- [--duration 5] [--rounds 3] [--connections 20] [--cpu-prof] [--only name]
 *
 * Measures with autocannon at 20 connections: the link landing (GET /l/:token, and the POST that
 * exchanges it for a session), the portal home with a real session (SQLite queries, i18n), a minimal
 * Remix route rendering a fixed page (/bench/static, on only with BENCH_ROUTES=1), and a bare
 * node:http hello in its own process. The targets take turns, round after round, so that a burst of
 * other work on the machine hits them alike; medians are reported: req/s, p50, p99, and the CPU the
 * server's processes spent per request (less sensitive to a busy machine than req/s). Then the ratios
 * portal / minimal Remix and minimal Remix / bare node. Targets: portal ≥ 70 % of the minimal route,
 * p99 ≤ 50 ms. `--cpu-prof` leaves a V8 profile of the server (remix-serve run directly) in .data/profiles.
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { openSessions, issueLinks, preparedDatabase, removeDatabase, startServer } from "../test/support/served";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "20" },
    "cpu-prof": { type: "boolean", default: false },
    /** Measure only the targets whose name starts with this (to profile one page). */
    only: { type: "string" },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const WARM_UP_SECONDS = 2;
const CLOCK_TICKS_PER_SECOND = 100;

type Target = {
  name: string;
  url: string;
  expect: number;
  /** Whose CPU to count: the process group of the server. */
  group: number;
  requests?: (client: number) => autocannon.Request[];
};
type Measure = { rps: number; p50: number; p99: number; cpuMsPerRequest: number; unexpected: number };

/** CPU time (user + system) of every process in a process group, from /proc (Linux). */
function groupCpuMs(group: number): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after "(comm)": state ppid pgrp … utime (14th) stime (15th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

async function measure(target: Target, seconds: number): Promise<Measure> {
  let client = 0;
  const cpuBefore = groupCpuMs(target.group);
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    ...(target.requests ? { setupClient: (c: autocannon.Client) => c.setRequests(target.requests!(client++)) } : {}),
  });
  const cpuMs = groupCpuMs(target.group) - cpuBefore;
  const unexpected =
    result.errors +
    Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => Number(code) !== target.expect)
      .reduce((sum, [, s]) => sum + (s.count ?? 0), 0);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total),
    unexpected,
  };
}

async function startBareNode(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ["bench/bare-node.mjs"], { stdio: ["ignore", "pipe", "inherit"], detached: true });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolvePort(Number(match[1]));
    });
    child.on("exit", () => reject(new Error("the bare node server stopped")));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill("SIGTERM") };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (!existsSync("build/server/index.js")) {
  console.error("No build: run `npm run build` first.");
  process.exit(1);
}

const profileDir = resolve(".data/profiles");
if (values["cpu-prof"]) mkdirSync(profileDir, { recursive: true });
const path = preparedDatabase(new Date().toISOString().slice(0, 10));
const app = await startServer(path, { BENCH_ROUTES: "1" }, values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
const bare = await startBareNode();
const server = app.process.pid!;
const measures = new Map<string, Measure[]>();
try {
  const [token] = await issueLinks(app, 1);
  const cookies = await openSessions(app, connections);
  let exchange = 0;
  const allTargets: Target[] = [
    { name: "link landing   GET  /l/:token", url: `${app.url}/l/${token}`, expect: 200, group: server },
    {
      name: "link exchange  POST /l/:token",
      url: `${app.url}/l/${token}`,
      expect: 303,
      group: server,
      // A debtor each time: its own address, so the per-address limit (M17) is not what is measured.
      requests: () => [
        {
          method: "POST",
          headers: { origin: app.url, "content-type": "application/x-www-form-urlencoded" },
          body: "",
          setupRequest: (request) => {
            exchange++;
            request.headers = { ...request.headers, "x-forwarded-for": `10.${(exchange >> 16) & 255}.${(exchange >> 8) & 255}.${exchange & 255}` };
            return request;
          },
        },
      ],
    },
    {
      name: "portal home    GET  /portal",
      url: `${app.url}/portal`,
      expect: 200,
      group: server,
      requests: (client) => [{ method: "GET", path: "/portal", headers: { cookie: cookies[client % cookies.length]! } }],
    },
    { name: "minimal Remix  GET  /bench/static", url: `${app.url}/bench/static`, expect: 200, group: server },
    { name: "bare node:http GET  /", url: bare.url, expect: 200, group: bare.pid },
  ];
  const targets = allTargets.filter((t) => !values.only || t.name.startsWith(values.only));
  for (const target of targets) await measure(target, WARM_UP_SECONDS);
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const result = await measure(target, duration);
      measures.set(target.name, [...(measures.get(target.name) ?? []), result]);
      console.log(
        `[bench] round ${round} ${target.name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.cpuMsPerRequest.toFixed(2)} ms CPU/request`,
      );
    }
  }
} finally {
  bare.stop();
  await app.stop();
  removeDatabase(path);
}

const summary = [...measures].map(([name, runs]) => ({
  name,
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  cpu: median(runs.map((r) => r.cpuMsPerRequest)),
  unexpected: runs.reduce((sum, r) => sum + r.unexpected, 0),
}));
const byName = (prefix: string) => summary.find((r) => r.name.startsWith(prefix));
const portal = byName("portal home");
const minimal = byName("minimal Remix");
const floor = byName("bare node");
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
console.log(`
Portal benchmark, ${connections} connections, ${rounds} rounds of ${duration} s per target, medians (${new Date().toISOString().slice(0, 10)})
  ${"".padEnd(36)}${"req/s".padStart(8)}${"p50".padStart(9)}${"p99".padStart(9)}${"CPU/req".padStart(10)}
${summary
  .map(
    (r) =>
      `  ${r.name.padEnd(36)}${r.rps.toFixed(0).padStart(8)}${`${r.p50} ms`.padStart(9)}${`${r.p99} ms`.padStart(9)}${`${r.cpu.toFixed(2)} ms`.padStart(10)}${r.unexpected ? `   ${r.unexpected} unexpected answers` : ""}`,
  )
  .join("\n")}`);
if (portal && minimal && floor) {
  console.log(`  portal / minimal Remix      ${pct(portal.rps, minimal.rps)} of its req/s, ${pct(minimal.cpu, portal.cpu)} by CPU per request   (target ≥ 70 %)
  portal p99                  ${portal.p99} ms   (target ≤ 50 ms)
  minimal Remix / bare node   ${pct(minimal.rps, floor.rps)} of its req/s, ${pct(floor.cpu, minimal.cpu)} by CPU per request`);
}
if (values["cpu-prof"]) console.log(`  CPU profile of the server in ${profileDir}`);
if (summary.some((r) => r.unexpected > 0)) process.exitCode = 1;
