import { expect, test } from "@playwright/test";
import { formatLoadReport, runLoad, type LoadOptions } from "../../bench/load";

// The CI-sized run of `npm run bench:load`: the built server and the job loop on one SQLite file,
// debtors going round the portal (reads and writes) while the job's passes run.
test("under load with the job running, every portal request is answered and SQLITE_BUSY never shows", async () => {
  test.setTimeout(180_000);
  const options: LoadOptions = { connections: 20, durationSeconds: 10, sessions: 40, jobIntervalSeconds: 1 };
  const report = await runLoad(options);
  console.log(formatLoadReport(options, report));
  expect(report.requests).toBeGreaterThan(0);
  expect(report.failures).toBe(0);
  expect(Object.keys(report.statuses).sort()).toEqual(["200", "303"]);
  expect(report.busyLogLines).toEqual([]);
  expect(report.serverErrors).toEqual([]);
  expect(report.jobFailures).toEqual([]);
  expect(report.jobPasses).toBeGreaterThanOrEqual(1);
});
