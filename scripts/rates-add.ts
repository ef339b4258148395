/**
 * `npm run rates:add -- --kind ecb|legal --from YYYY-MM-DD --rate 2.15 --source "…"`: records a rate
 * published after the code's tables were written, so penalties and the contract-rate floor use it
 * instead of saying "taux non encore publié". A rate already stored for that date is never replaced.
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "../app/db.server";
import { checkPublishedRate } from "../app/domain/published-rates";
import { insertPublishedRate } from "../app/models/published-rates.server";

const usage = `Usage: npm run rates:add -- --kind ecb|legal --from YYYY-MM-DD --rate 2.15 --source "…"
  --kind    ecb: the ECB main refinancing rate, from the day it took effect
            legal: the taux de l'intérêt légal "pour tous les autres cas", from 1 January or 1 July
  --from    the date it applies from
  --rate    in percent, e.g. 2.15
  --source  where it was published (ECB press release, arrêté and Journal officiel)`;

try {
  const { values } = parseArgs({
    options: { kind: { type: "string" }, from: { type: "string" }, rate: { type: "string" }, source: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(usage);
  } else {
    const checked = checkPublishedRate(values);
    if (!checked.ok) {
      console.error(`${checked.errors.join("\n")}\n\n${usage}`);
      process.exitCode = 1;
    } else if (!(await insertPublishedRate(getDb(), checked.rate, new Date()))) {
      console.error(`A ${checked.rate.kind} rate from ${checked.rate.effectiveFrom} is already stored; nothing changed.`);
      process.exitCode = 1;
    } else {
      console.log(`[rates] ${checked.rate.kind} ${(checked.rate.rateBp / 100).toFixed(2)} % from ${checked.rate.effectiveFrom} recorded (${checked.rate.source})`);
    }
  }
} catch (error) {
  console.error(error instanceof TypeError ? `${error.message}\n\n${usage}` : error);
  process.exitCode = 1;
} finally {
  closeDb();
}
