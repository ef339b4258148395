/**
 * Portal benchmark: what our pages cost on top of the framework.
 *
 *   npm run build && npm run bench:portal -- [--duration 5] [--rounds 3] [--connections 20] [--cpu-prof] [--only name]
 *
 * Measures with autocannon at 20 connections, on our built server (scripts/serve.ts): the link landing
 * (GET /l/:token, and the POST that exchanges it for a session), and the portal home with a real
 * session (SQLite queries, i18n). The yardstick is a separate app, none of our code: Remix's default
 * template (bench/minimal-remix: one root, one route), built here in the same run and served by
 * remix-serve; the same app carrying our route tree (every route empty: what our number of routes
 * costs Remix on each request, whatever the pages do); and a bare node:http hello, the floor under
 * all. Each landing and exchange uses a link
 * from a pool and its own client address, as many debtors would: a refusal by the limits (M17) is
 * not what is measured. The targets take turns, round after round, so that a burst of other work on
 * the machine hits them alike; medians are reported: req/s, p50, p99, and the CPU the server's
 * processes spent per request (less sensitive to a busy machine than req/s), beside the ratios to the
 * minimal app and their targets: portal home ≥ 50 % of its req/s with p99 ≤ 1.5 × its p99, landing
 * and exchange ≥ 70 %. `--cpu-prof` leaves V8 profiles of both servers in .data/profiles.
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { freePort, issueLinks, openSessions, preparedDatabase, removeDatabase, startChild, startServer, type Child } from "../test/support/served";
import { reportFigures } from "./support/figures";

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

const MINIMAL_APP = resolve("bench/minimal-remix");

/**
 * Builds the minimal app from its folder with the top-level node_modules (a few seconds), twice: as
 * the template is, and carrying our route tree (every route empty), whose cost is the framework's.
 */
function buildMinimalRemix(routeTree: string) {
  for (const env of [{}, { MINIMAL_REMIX_ROUTES: routeTree }]) {
    const result = spawnSync(join(process.cwd(), "node_modules/.bin/remix"), ["vite:build"], { cwd: MINIMAL_APP, env: { ...process.env, ...env }, encoding: "utf8" });
    if (result.status !== 0) {
      console.error(`Building bench/minimal-remix failed:\n${result.stdout}${result.stderr}`);
      process.exit(1);
    }
  }
}

/** Our routes (id, parent, path, index) from our build, read in a child: the build checks its environment on import. */
function writeOurRouteTree(env: Record<string, string>): string {
  const build = pathToFileURL(resolve("build/server/index.js")).href;
  const script = `const { routes } = await import(${JSON.stringify(build)});
console.log(JSON.stringify(Object.values(routes).filter((r) => r.id !== "root").map(({ id, parentId, path, index }) => ({ id, parentId, path, index }))));
process.exit(0);`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env }, encoding: "utf8" });
  const json = result.stdout.trim().split("\n").at(-1);
  if (result.status !== 0 || !json?.startsWith("[")) {
    console.error(`Reading our route tree failed:\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  const file = resolve(".data/bench/route-tree.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, json);
  return file;
}

/** The minimal app under remix-serve, as its template's `npm start` runs it, once it answers. */
async function startMinimalRemix(nodeFlags: string[], buildDirectory = "build"): Promise<Child & { url: string }> {
  const port = await freePort();
  const serve = join(process.cwd(), "node_modules/@remix-run/serve/dist/cli.js");
  const child = startChild(
    [...nodeFlags, serve, `./${buildDirectory}/server/index.js`],
    { NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1" },
    process.execPath,
    MINIMAL_APP,
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.process.exitCode !== null) throw new Error(`the minimal Remix app stopped:\n${child.output()}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { ...child, url };
    await sleep(100);
  }
  await child.stop();
  throw new Error(`the minimal Remix app did not answer within 30 s:\n${child.output()}`);
}

/** A client address per request (TRUST_PROXY=1 in the served environment), so no per-address limit is reached. */
function nextClientAddress(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Links enough for the run: each link may be opened or exchanged 100 times in 10 minutes (M17), and
 * the requests go round the pool.
 */
const LINKS_PER_POOL = 500;

if (!existsSync("build/server/index.js")) {
  console.error("No build: run `npm run build` first.");
  process.exit(1);
}

const profileDir = resolve(".data/profiles");
const nodeFlags = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
if (values["cpu-prof"]) mkdirSync(profileDir, { recursive: true });
const loadBefore = loadavg();
const path = await preparedDatabase(new Date().toISOString().slice(0, 10));
const app = await startServer(path, {}, nodeFlags);
const routeTree = writeOurRouteTree(app.env);
buildMinimalRemix(routeTree);
const ourRouteCount = (JSON.parse(readFileSync(routeTree, "utf8")) as unknown[]).length;
const minimalApp = await startMinimalRemix(nodeFlags);
const withRoutes = await startMinimalRemix([], "build-with-routes");
const bare = await startBareNode();
const server = app.process.pid!;
const measures = new Map<string, Measure[]>();
try {
  const [landingTokens, exchangeTokens] = [await issueLinks(app, LINKS_PER_POOL), await issueLinks(app, LINKS_PER_POOL)];
  const cookies = await openSessions(app, connections);
  let landings = 0;
  let exchanges = 0;
  const allTargets: Target[] = [
    {
      name: "link landing   GET  /l/:token",
      url: app.url,
      expect: 200,
      group: server,
      requests: () => [
        {
          method: "GET",
          setupRequest: (request) => {
            landings++;
            request.path = `/l/${landingTokens[landings % landingTokens.length]}`;
            request.headers = { ...request.headers, "x-forwarded-for": nextClientAddress(landings) };
            return request;
          },
        },
      ],
    },
    {
      name: "link exchange  POST /l/:token",
      url: app.url,
      expect: 303,
      group: server,
      requests: () => [
        {
          method: "POST",
          headers: { origin: app.url, "content-type": "application/x-www-form-urlencoded" },
          body: "",
          setupRequest: (request) => {
            exchanges++;
            request.path = `/l/${exchangeTokens[exchanges % exchangeTokens.length]}`;
            request.headers = { ...request.headers, "x-forwarded-for": nextClientAddress(exchanges) };
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
    { name: "minimal Remix  GET  / (remix-serve)", url: minimalApp.url, expect: 200, group: minimalApp.process.pid! },
    { name: `minimal + our ${ourRouteCount} routes GET /`, url: withRoutes.url, expect: 200, group: withRoutes.process.pid! },
    { name: "bare node:http GET  /", url: bare.url, expect: 200, group: bare.pid },
  ];
  const targets = allTargets.filter((t) => !values.only || t.name.startsWith(values.only) || t.name.startsWith("minimal"));
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
  await Promise.all([app.stop(), minimalApp.stop(), withRoutes.stop()]);
  removeDatabase(path);
}
const loadAfter = loadavg();

const summary = [...measures].map(([name, runs]) => ({
  name,
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  cpu: median(runs.map((r) => r.cpuMsPerRequest)),
  unexpected: runs.reduce((sum, r) => sum + r.unexpected, 0),
}));
const minimal = summary.find((r) => r.name.startsWith("minimal Remix"))!;
/** Ours against the minimal app: at least this share of its req/s, at most this multiple of its p99. */
const TARGETS: Record<string, { rps: number; p99?: number }> = {
  "link landing": { rps: 0.7 },
  "link exchange": { rps: 0.7 },
  "portal home": { rps: 0.5, p99: 1.5 },
};
const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const verdict = (met: boolean) => (met ? "met" : "MISSED");
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
console.log(`
Portal benchmark, ${connections} connections, ${rounds} rounds of ${duration} s per target, medians (${new Date().toISOString().slice(0, 10)})
load average ${loads(loadBefore)} before, ${loads(loadAfter)} after; ratios are to the minimal Remix app
  ${"".padEnd(38)}${"req/s".padStart(7)}${"p50".padStart(9)}${"p99".padStart(9)}${"CPU/req".padStart(10)}   ${"req/s ratio (target)".padEnd(27)}${"p99 ratio (target)".padEnd(26)}CPU ratio
${summary
  .map((r) => {
    const target = Object.entries(TARGETS).find(([prefix]) => r.name.startsWith(prefix))?.[1];
    const rpsRatio = r.rps / minimal.rps;
    const p99Ratio = r.p99 / Math.max(1, minimal.p99);
    const ratios =
      r === minimal
        ? "".padEnd(53)
        : `${`${pct(rpsRatio)}${target ? ` (≥ ${pct(target.rps)}) ${verdict(rpsRatio >= target.rps)}` : ""}`.padEnd(27)}${`${p99Ratio.toFixed(2)} ×${target?.p99 ? ` (≤ ${target.p99} ×) ${verdict(p99Ratio <= target.p99)}` : ""}`.padEnd(26)}`;
    const cpuRatio = r === minimal ? "" : `${(r.cpu / minimal.cpu).toFixed(2)} ×`;
    return `  ${r.name.padEnd(38)}${r.rps.toFixed(0).padStart(7)}${`${r.p50} ms`.padStart(9)}${`${r.p99} ms`.padStart(9)}${`${r.cpu.toFixed(2)} ms`.padStart(10)}   ${ratios}${cpuRatio}${r.unexpected ? `   ${r.unexpected} unexpected answers` : ""}`;
  })
  .join("\n")}`);
const treeOnly = summary.find((r) => r.name.startsWith("minimal +"));
const ours = summary.filter((r) => Object.keys(TARGETS).some((prefix) => r.name.startsWith(prefix)));
if (treeOnly && ours.length > 0) {
  console.log(
    `  against the minimal app with our route tree: ${ours.map((r) => `${r.name.slice(0, 14).trim()} ${pct(r.rps / treeOnly.rps)} of its req/s, ${(r.cpu / treeOnly.cpu).toFixed(2)} × its CPU`).join("; ")}`,
  );
}
if (values["cpu-prof"]) console.log(`  CPU profiles in ${profileDir}: ours CPU.*.${server}.cpuprofile, the minimal app's CPU.*.${minimalApp.process.pid}.cpuprofile`);
if (summary.some((r) => r.unexpected > 0)) process.exitCode = 1;
reportFigures(
  "portal",
  ours.flatMap((r) => {
    const target = Object.entries(TARGETS).find(([prefix]) => r.name.startsWith(prefix))![1];
    const name = r.name.split(/\s{2,}/)[0]!;
    return [
      { name: `${name}, req/s ratio to minimal Remix`, value: (100 * r.rps) / minimal.rps, unit: "%", target: { atLeast: 100 * target.rps } },
      ...(target.p99 ? [{ name: `${name}, p99 ratio to minimal Remix`, value: r.p99 / Math.max(1, minimal.p99), unit: "×", target: { atMost: target.p99 } }] : []),
    ];
  }),
);
