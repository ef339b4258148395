import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { addDays } from "~/domain/dates";
import * as calls from "~/routes/backoffice.calls";
import * as calendar from "~/routes/backoffice.cadence.calendar";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import { tick } from "../../jobs/tick";
import { callTasks, debtors, timelineEvents } from "../../db/tables";
import { args } from "../support/routes";

/**
 * Issue 16, item 3: what the cadence tells staff (call tasks, the calendar, the dry-run, the reasons a
 * file went to litigation) is a sentence a person reads, never an internal key, a database id or an
 * ISO date. The demo book runs six weeks of daily passes so that every kind of reason occurs.
 */
const BASE = "http://localhost:4310";
let cookie: string;

/** What gives an internal string away. */
const INTERNAL = [
  { name: "a snake_case key", pattern: /\b[a-z]+_[a-z_]+\b/ },
  { name: "a database id", pattern: /\b(invoice|debtor|message|installment|promise|plan) \d+\b/i },
  { name: "an ISO date", pattern: /\b\d{4}-\d{2}-\d{2}\b/ },
  { name: "English job notes", pattern: /\b(reached|unanswered|overdue|did not arrive|paid in full|asked to be called)\b/ },
];

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  delete process.env.TEST_FIXED_NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  for (let day = "2026-11-20"; day <= "2026-12-31"; day = addDays(day, 1)) {
    await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(`${day}T09:00:00Z`) });
  }
  process.env.TEST_FIXED_NOW = "2026-12-31T10:00:00Z";
  resetEnvCache();
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date("2026-12-31T10:00:00Z")))!.split(";")[0]!;
}, 120_000);

function expectReadable(source: string, texts: readonly string[], rules = INTERNAL) {
  expect(texts.length, `${source}: something to read`).toBeGreaterThan(0);
  const leaks = texts.flatMap((text) => rules.filter((rule) => rule.pattern.test(text)).map((rule) => `${source}: ${rule.name} in "${text}"`));
  expect(leaks).toEqual([]);
}

describe("reasons staff read", () => {
  it("call tasks, the call list and the litigation reasons are sentences", async () => {
    const db = getDb();
    expectReadable(
      "call task",
      (await db.select({ reason: callTasks.reason }).from(callTasks)).map((t) => t.reason),
    );
    const escalated = await db.select().from(timelineEvents).where(eq(timelineEvents.type, "debtor.escalated"));
    expectReadable(
      "litigation reason",
      escalated.map((e) => String((e.data as { reason?: unknown }).reason)),
    );
    const page = await calls.loader(args(new Request(`${BASE}/backoffice/calls`, { headers: { Cookie: cookie } })));
    const rows = page.rows;
    expectReadable(
      "call list",
      rows.flatMap((r) => [r.reason, ...r.why]),
    );
  });

  it("the calendar and the dry-run say why each contact is planned, in words", async () => {
    expectReadable(
      "dry-run",
      (await dryRun(getDb(), { from: "2026-12-31", to: "2027-02-28" })).map((r) => r.why),
    );
    const page = await calendar.loader(args(new Request(`${BASE}/backoffice/cadence/calendar`, { headers: { Cookie: cookie } })));
    expectReadable(
      "calendar",
      page.days.flatMap((d) => d.items.flatMap((i) => [i.what, i.why])),
    );
  });

  it("every line of every debtor's timeline is words: the event, what it says and the message it sent", async () => {
    const lines: string[] = [];
    const messages: string[] = [];
    for (const { id } of await getDb().select({ id: debtors.id }).from(debtors)) {
      const request = new Request(`${BASE}/backoffice/debtors/${id}`, { headers: { Cookie: cookie } });
      const file = (await debtorFile.loader(args(request, { debtorId: String(id) }))) as Awaited<ReturnType<typeof debtorFile.loader>>;
      lines.push(...file.timeline.map((e) => e.description).filter(Boolean));
      messages.push(...file.timeline.flatMap((e) => (e.message ? [e.message.summary] : [])));
    }
    expectReadable("timeline", lines);
    // A message line quotes the subject the debtor received, in their language: English is fine there.
    expectReadable(
      "timeline message",
      messages,
      INTERNAL.filter((rule) => rule.name !== "English job notes"),
    );
  });
});
