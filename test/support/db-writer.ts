/**
 * A second process writing to a database as the web server or the job would: small IMMEDIATE
 * transactions, each adding a debtor and its contact together, until SIGTERM. Prints "writing" after
 * its first commit and the number of transactions when it stops.
 */
import { openDatabase } from "../../db/client";

const db = openDatabase(process.argv[2]!);
const sqlite = db.$client;
const insertDebtor = sqlite.prepare(
  "insert into debtors (creditor_id, kind, name, locale, time_zone, segment, created_at) values (1, 'business', ?, 'fr', 'Europe/Paris', 'standard', 0)",
);
const insertContact = sqlite.prepare("insert into debtor_contacts (debtor_id, email, is_primary, created_at) values (?, ?, 1, 0)");
const write = sqlite.transaction((n: number) => {
  const id = Number(insertDebtor.run(`Writer ${n}`).lastInsertRowid);
  insertContact.run(id, `writer${n}@example.fr`);
});

let done = 0;
let stopping = false;
process.on("SIGTERM", () => (stopping = true));
function loop() {
  if (stopping) {
    sqlite.close();
    console.log(`wrote ${done}`);
    return;
  }
  for (let i = 0; i < 20; i++) write.immediate(done++);
  if (done === 20) console.log("writing");
  setImmediate(loop);
}
loop();
