/**
 * Load test: the built web server and the real job loop on one SQLite file, with autocannon driving
 * debtor sessions through the portal (pages read, language switches written) while the job's passes
 * run. Run `npm run build` first.
 *
 *   npm run bench:load -- [--connections 100] [--duration 60] [--sessions 200] [--job-interval 1] [--engine postgres]
 *
 * Prints throughput, latency p50/p99, errors and unexpected statuses, SQLITE_BUSY lines in the logs
 * and the job passes completed. Every figure depends on the machine and what else runs on it. With
 * `--engine postgres` the same load runs next on a throwaway PostgreSQL cluster (in a child process,
 * whose DATABASE_URL names it), and both reports are printed with the ratio PostgreSQL / SQLite.
 */
import autocannon from "autocannon";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { execFileSync } from "node:child_process";
import { jobPasses, openSessions, preparedDatabase, removeDatabase, startJob, startServer, type ServedApp } from "../test/support/served";
import { engineEnv, enginesFromArgs, ratio, startBenchPostgres } from "./support/engines";

export type LoadOptions = { connections: number; durationSeconds: number; sessions: number; jobIntervalSeconds: number };

export type LoadReport = {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  /** Connection errors and timeouts, plus any answer other than 2xx or 3xx. */
  failures: number;
  busyLogLines: string[];
  serverErrors: string[];
  jobPasses: number;
  jobFailures: string[];
  sessions: number;
  debtors: number;
};

type PortalSession = { cookie: string; csrf: string; invoicePath: string };

/** What a debtor's page gives a form: its CSRF token, and an invoice to open. */
async function describeSession(app: ServedApp, cookie: string): Promise<PortalSession> {
  const html = await (await fetch(`${app.url}/portal`, { headers: { Cookie: cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const invoicePath = /href="(\/portal\/invoices\/\d+)"/.exec(html)?.[1];
  if (!csrf || !invoicePath) throw new Error("the portal home did not show a form token and an invoice");
  return { cookie, csrf, invoicePath };
}

/** One debtor's round: the home, an invoice, two action pages, and two language switches (writes). */
function round(app: ServedApp, session: PortalSession): autocannon.Request[] {
  const headers = { cookie: session.cookie };
  const post = (locale: string): autocannon.Request => ({
    method: "POST",
    path: "/portal/language",
    headers: { ...headers, origin: app.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf: session.csrf, locale, returnTo: "/portal" }).toString(),
  });
  return [
    { method: "GET", path: "/portal", headers },
    { method: "GET", path: session.invoicePath, headers },
    { method: "GET", path: "/portal/pay", headers },
    post("en"),
    { method: "GET", path: "/portal", headers },
    { method: "GET", path: "/portal/promise", headers },
    post("fr"),
  ];
}

/** On SQLite (a new file), or on the empty PostgreSQL database `postgresUrl` names (this process's DATABASE_URL). */
export async function runLoad(options: LoadOptions, log: (line: string) => void = () => {}, postgresUrl?: string): Promise<LoadReport> {
  if (!existsSync("build/server/index.js")) throw new Error("No build: run `npm run build` first.");
  // The job works on today's demo, so its first pass claims and delivers real reminders.
  const path = await preparedDatabase(new Date().toISOString().slice(0, 10), postgresUrl);
  const app = await startServer(path);
  let job: ReturnType<typeof startJob> | undefined;
  try {
    log(`server at ${app.url}; opening ${options.sessions} sessions through link exchanges`);
    const cookies = await openSessions(app, options.sessions);
    const sessions = await Promise.all(cookies.map((cookie) => describeSession(app, cookie)));
    const debtors = new Set(sessions.map((s) => s.invoicePath)).size;

    job = startJob(path, Number(new URL(app.url).port), options.jobIntervalSeconds);
    // The load starts with the job's first pass, the one with real reminders to claim and deliver.
    for (let waited = 0; !job.output().includes("[job] running every"); waited += 100) {
      if (waited > 60_000 || job.process.exitCode !== null) throw new Error(`the job did not start:\n${job.output()}`);
      await sleep(100);
    }
    const serverLogStart = app.output().length;
    let next = 0;
    log(`autocannon: ${options.connections} connections for ${options.durationSeconds} s, job every ${options.jobIntervalSeconds} s`);
    const result = await autocannon({
      url: app.url,
      connections: options.connections,
      duration: options.durationSeconds,
      // Each connection is one debtor's browser going round the portal.
      setupClient: (client) => client.setRequests(round(app, sessions[next++ % sessions.length]!)),
    });
    await job.stop();
    const serverLog = app.output().slice(serverLogStart);
    const jobLog = job.output();
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
    const unexpected = Object.entries(statuses)
      .filter(([code]) => !/^[23]\d\d$/.test(code))
      .reduce((sum, [, n]) => sum + n, 0);
    const lines = `${serverLog}\n${jobLog}`.split("\n");
    return {
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      statuses,
      failures: result.errors + result.timeouts + unexpected,
      busyLogLines: lines.filter((line) => /SQLITE_BUSY|\[busy\]/.test(line)),
      serverErrors: serverLog.split("\n").filter((line) => /Error while serving|Unexpected Server Error/.test(line)),
      jobPasses: jobPasses(jobLog),
      jobFailures: jobLog.split("\n").filter((line) => line.includes("pass failed")),
      sessions: sessions.length,
      debtors,
    };
  } finally {
    await job?.stop();
    await app.stop();
    if (!postgresUrl) removeDatabase(path);
  }
}

export function formatLoadReport(options: LoadOptions, report: LoadReport): string {
  const statuses = Object.entries(report.statuses)
    .map(([code, n]) => `${code}: ${n}`)
    .join(", ");
  return [
    `load: ${options.connections} connections, ${options.durationSeconds} s, ${report.sessions} sessions over ${report.debtors} debtors, job every ${options.jobIntervalSeconds} s`,
    `  throughput         ${report.requestsPerSecond.toFixed(1)} req/s (${report.requests} requests)`,
    `  latency            p50 ${report.p50Ms} ms   p99 ${report.p99Ms} ms   max ${report.maxMs} ms`,
    `  statuses           ${statuses}`,
    `  errors             ${report.failures} (connection errors, timeouts, answers other than 2xx/3xx)`,
    `  SQLITE_BUSY lines  ${report.busyLogLines.length}   server errors ${report.serverErrors.length}`,
    `  job passes         ${report.jobPasses} completed, ${report.jobFailures.length} failed`,
  ].join("\n");
}

/** The two reports' headline figures side by side. */
export function formatComparison(sqlite: LoadReport, postgres: LoadReport): string {
  const value = (v: number, unit: string) => (unit ? `${v.toFixed(1)} ${unit}` : String(v));
  const line = (label: string, a: number, b: number, unit: string) =>
    `  ${label.padEnd(18)} ${value(a, unit).padStart(14)} ${value(b, unit).padStart(14)} ${ratio(b, a).padStart(8)}`;
  return [
    `PostgreSQL beside SQLite (ratio PostgreSQL / SQLite):`,
    `  ${"".padEnd(18)} ${"SQLite".padStart(14)} ${"PostgreSQL".padStart(14)} ${"ratio".padStart(8)}`,
    line("throughput", sqlite.requestsPerSecond, postgres.requestsPerSecond, "req/s"),
    line("latency p50", sqlite.p50Ms, postgres.p50Ms, "ms"),
    line("latency p99", sqlite.p99Ms, postgres.p99Ms, "ms"),
    line("errors", sqlite.failures, postgres.failures, ""),
    line("job passes", sqlite.jobPasses, postgres.jobPasses, ""),
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      connections: { type: "string", default: "100" },
      duration: { type: "string", default: "60" },
      sessions: { type: "string", default: "200" },
      "job-interval": { type: "string", default: "1" },
      engine: { type: "string", default: "sqlite" },
      // Internal: this process is the PostgreSQL run's child, and prints its report as JSON.
      "postgres-child": { type: "string" },
    },
  });
  const options: LoadOptions = {
    connections: Number(values.connections),
    durationSeconds: Number(values.duration),
    sessions: Number(values.sessions),
    jobIntervalSeconds: Number(values["job-interval"]),
  };
  const childUrl = values["postgres-child"];
  if (childUrl) {
    process.stdout.write(`\n${JSON.stringify(await runLoad(options, (line) => console.error(`[load postgres] ${line}`), childUrl))}`);
  } else {
    try {
      const engines = enginesFromArgs(["--engine", values.engine]);
      const report = await runLoad(options, (line) => console.log(`[load sqlite] ${line}`));
      console.log(formatLoadReport(options, report));
      for (const line of [...report.busyLogLines, ...report.serverErrors, ...report.jobFailures].slice(0, 10)) console.log(`  ! ${line}`);
      let failed = report.failures > 0 || report.busyLogLines.length > 0;
      if (engines.includes("postgres")) {
        const postgres = await startBenchPostgres();
        try {
          const url = await postgres.cluster.createDatabase("load");
          const args = ["--import", "tsx", new URL(import.meta.url).pathname, "--postgres-child", url];
          for (const [name, value] of Object.entries({
            connections: values.connections,
            duration: values.duration,
            sessions: values.sessions,
            "job-interval": values["job-interval"],
          })) {
            args.push(`--${name}`, String(value));
          }
          const output = execFileSync(process.execPath, args, { encoding: "utf8", env: engineEnv(url), stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
          const pgReport = JSON.parse(output.trim().split("\n").at(-1)!) as LoadReport;
          console.log(`\non PostgreSQL:\n${formatLoadReport(options, pgReport)}`);
          for (const line of [...pgReport.serverErrors, ...pgReport.jobFailures].slice(0, 10)) console.log(`  ! ${line}`);
          console.log(`\n${formatComparison(report, pgReport)}`);
          failed ||= pgReport.failures > 0;
        } finally {
          await postgres.cluster.stop();
        }
      }
      if (failed) process.exitCode = 1;
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  }
}
