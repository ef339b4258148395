/**
 * Gives the demo a past: runs the reminder job as it would have run every three hours over the last
 * 30 days, with the development drivers, so the outbox and the back office show a realistic month of
 * reminders. Run by `npm start` right after seeding an empty database.
 */
import { getDb, closeDb } from "../app/db.server";
import { getEnv } from "../app/env.server";
import { addDays } from "../app/domain/dates";
import { ticksBetween } from "../app/domain/cadence-simulation";
import { devOutboxEmailSender } from "../app/integrations/email.server";
import { devOutboxSmsSender } from "../app/integrations/sms.server";
import { tick } from "../jobs/tick";

const env = getEnv();
const db = getDb();
const now = new Date();
const today = now.toISOString().slice(0, 10);
let clock = now;
const email = devOutboxEmailSender(db, () => clock);
const sms = devOutboxSmsSender(db, () => clock);
let sent = 0;
for (const at of ticksBetween(addDays(today, -30), today, 3).filter((t) => t <= now)) {
  clock = at;
  sent += (await tick({ db, env, email, sms, now: at })).sent;
}
console.log(`[demo] replayed the last 30 days of reminders: ${sent} messages, calls and letters`);
closeDb();
