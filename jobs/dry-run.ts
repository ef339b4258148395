import { parseArgs } from "node:util";
import { getDb } from "../app/db.server";
import { addDays, isCalendarDate } from "../app/domain/dates";
import { runCli, UsageError } from "./cli";
import { dryRun } from "../app/services/shared/dry-run.server";

const usage = `Usage: npm run cadence:dry-run -- [--from 2026-11-20] [--to 2026-12-20] [--debtor 7]
  Prints what each debtor will receive between the two dates (default: the next 30 days), and why,
  if nobody pays or answers. Writes nothing.`;

async function main() {
  const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" }, debtor: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) return console.log(usage);
  const from = values.from ?? new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(from)) throw new UsageError(`--from must be a date such as 2026-11-20, got "${from}"`);
  const to = values.to ?? addDays(from, 30);
  if (!isCalendarDate(to)) throw new UsageError(`--to must be a date such as 2026-12-20, got "${to}"`);
  if (to < from) throw new UsageError(`--to (${to}) is before --from (${from})`);
  const debtorId = values.debtor === undefined ? undefined : Number(values.debtor);
  if (debtorId !== undefined && !Number.isSafeInteger(debtorId)) throw new UsageError(`--debtor must be a debtor id, got "${values.debtor}"`);

  const rows = await dryRun(getDb(), { from, to, debtorId });
  let current = "";
  for (const row of rows) {
    if (row.debtorName !== current) {
      current = row.debtorName;
      console.log(`\n${row.debtorName} (#${row.debtorId})`);
    }
    console.log(`  ${row.when}  ${row.what.padEnd(20)} ${row.channel.padEnd(6)} ${row.invoices.join(", ").padEnd(24)} ${row.why}`);
  }
  console.log(`\n${rows.length} planned contacts and escalations from ${from} to ${to}.`);
}

await runCli(main, usage);
