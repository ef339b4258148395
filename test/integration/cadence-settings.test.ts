import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, asc, eq, inArray } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { DEMO_LOGIN, seedDemo } from "../../db/seed";
import { parseEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { runCadence } from "~/services/shared/cadence.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { tick } from "../../jobs/tick";
import { testEnv } from "../support/env";
import * as settings from "~/routes/backoffice.cadence._index";
import * as templates from "~/routes/backoffice.cadence.templates";
import * as preview from "~/routes/backoffice.cadence.preview";
import * as calendar from "~/routes/backoffice.cadence.calendar";
import {
  cadencePolicies,
  cadenceSteps,
  contactWindowSettings,
  creditors,
  debtorContacts,
  debtors,
  devOutbox,
  invoices,
  messageTemplates,
  outboundMessageInvoices,
  outboundMessages,
  staffUsers,
} from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-cadence-files-")) }));

type Result = { data: Record<string, unknown> & { errors: Record<string, string> }; init: { status: number } | null };

let owner: string;
let readOnly: string;
let otherPolicyId: number;
let otherDebtorId: number;

/** A fresh demo book as the web process's database, an owner and a read-only member signed in, and a second creditor. */
async function openDemo() {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  const creditorId = first(await db.select().from(staffUsers))!.creditorId;
  await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash });
  owner = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  readOnly = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const other = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue X", postalCode: "75001", city: "Paris", email: "a@autre.fr" }).returning());
  otherPolicyId = one(await db.insert(cadencePolicies).values({ creditorId: other.id, name: "Standard", segment: "standard" }).returning()).id;
  await db.insert(cadenceSteps).values({ policyId: otherPolicyId, kind: "first_reminder", offsetDays: 5, channel: "email", tone: "cordial", position: 0 });
  otherDebtorId = one(await db.insert(debtors).values({ creditorId: other.id, name: "Client de l'autre", kind: "business", segment: "standard" }).returning()).id;
  return db;
}

const post = (path: string, fields: Record<string, string | string[]>, as = owner) => {
  const body = new URLSearchParams({ csrf: staffCsrf(as) });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body });
};
const get = (path: string, as = owner) => new Request(`${BASE}${path}`, { headers: { Cookie: as } });

async function policyOf(segment: "standard" | "high_risk" | "good_payer") {
  const db = getDb();
  const policy = first(await db.select().from(cadencePolicies).where(eq(cadencePolicies.segment, segment)).orderBy(asc(cadencePolicies.id)))!;
  const steps = await db.select().from(cadenceSteps).where(eq(cadenceSteps.policyId, policy.id)).orderBy(asc(cadenceSteps.position));
  return { policy, steps };
}

/** The policy's form as the page would submit it, with some fields changed. */
async function policyForm(segment: "standard" | "high_risk" | "good_payer", change: (fields: Record<string, string>) => void = () => {}) {
  const { policy, steps } = await policyOf(segment);
  const fields: Record<string, string> = {
    policyId: String(policy.id),
    intent: "save",
    minDaysBetweenContacts: String(policy.minDaysBetweenContacts),
    maxDaysWithoutContact: String(policy.maxDaysWithoutContact),
    brokenPromisesBeforeLitigation: String(policy.brokenPromisesBeforeLitigation),
    promiseGraceDays: String(policy.promiseGraceDays),
    maxPromiseDays: String(policy.maxPromiseDays),
    maxPlanMonths: String(policy.maxPlanMonths),
    minInstallmentEuros: String(policy.minInstallmentCents / 100),
    autoAcceptPlanMonths: String(policy.autoAcceptPlanMonths),
  };
  steps.forEach((s, i) =>
    Object.assign(fields, { [`steps.${i}.kind`]: s.kind, [`steps.${i}.offsetDays`]: String(s.offsetDays), [`steps.${i}.channel`]: s.channel, [`steps.${i}.tone`]: s.tone }),
  );
  change(fields);
  return fields;
}

const snapshot = async () => {
  const db = getDb();
  return JSON.stringify([
    await db.select().from(cadencePolicies),
    await db.select().from(cadenceSteps),
    await db.select().from(contactWindowSettings),
    await db.select().from(messageTemplates),
  ]);
};

describe("editing the cadence policies", () => {
  beforeAll(openDemo);

  it("shows the three policies with their steps and limits; read-only members may look", async () => {
    const page = (await settings.loader(args(get("/backoffice/cadence")))) as Awaited<ReturnType<typeof settings.loader>>;
    expect(page.canEdit).toBe(true);
    expect(page.policies.map((p) => p.segment)).toEqual(["standard", "high_risk", "good_payer"]);
    expect(page.policies[0]!.draft.steps.map((s) => `${s.kind}:${s.offsetDays}:${s.channel}`)).toEqual([
      "pre_reminder:-5:email",
      "first_reminder:5:email",
      "second_reminder:15:email",
      "second_reminder:15:sms",
      "call:20:call",
      "formal_notice:30:letter",
      "formal_notice:30:email",
    ]);
    expect(page.windows.find((w) => w.channel === "sms")).toMatchObject({ weekdays: ["1", "2", "3", "4", "5"], start: "09:00", end: "19:00" });
    const seen = (await settings.loader(args(get("/backoffice/cadence", readOnly)))) as Awaited<ReturnType<typeof settings.loader>>;
    expect(seen.canEdit).toBe(false);
    expect(seen.policies).toHaveLength(3);
  });

  it("refuses offsets that do not increase along the ladder, with the error on the field, and writes nothing", async () => {
    const before = await snapshot();
    const result = (await settings.action(args(post("/backoffice/cadence", await policyForm("standard", (f) => (f["steps.1.offsetDays"] = "15")))))) as Result;
    expect(result.init?.status).toBe(400);
    expect(result.data.errors["steps.2.offsetDays"]).toMatch(/Doit venir après l'étape précédente \(première relance à J\+15\)/);
    const gap = (await settings.action(args(post("/backoffice/cadence", await policyForm("standard", (f) => (f.minDaysBetweenContacts = "45")))))) as Result;
    expect(gap.data.errors.minDaysBetweenContacts).toMatch(/Entre 1 et 30/);
    expect(await snapshot()).toBe(before);
  });

  it("adds, removes and moves steps in the draft only, until it is saved", async () => {
    const before = await snapshot();
    const added = (await settings.action(args(post("/backoffice/cadence", await policyForm("standard", (f) => (f.intent = "add")))))) as Result;
    expect((added.data.draft as { steps: unknown[] }).steps).toHaveLength(8);
    const moved = (await settings.action(args(post("/backoffice/cadence", await policyForm("standard", (f) => (f.intent = "up:4")))))) as Result;
    expect((moved.data.draft as { steps: { kind: string }[] }).steps.map((s) => s.kind).slice(2, 5)).toEqual(["second_reminder", "call", "second_reminder"]);
    const removed = (await settings.action(args(post("/backoffice/cadence", await policyForm("standard", (f) => (f.intent = "remove:0")))))) as Result;
    expect((removed.data.draft as { steps: { kind: string }[] }).steps[0]!.kind).toBe("first_reminder");
    expect(await snapshot()).toBe(before);
  });

  it("sets how many business days a plan may wait for a decision, refusing what is not 1 to 20", async () => {
    const days = async () =>
      first(
        await getDb()
          .select()
          .from(creditors)
          .where(eq(creditors.id, first(await getDb().select().from(staffUsers))!.creditorId)),
      )!.planReviewBusinessDays;
    expect(await days()).toBe(5);
    for (const [value, message] of [
      ["0", /Au moins 1 jour/],
      ["21", /Au plus 20/],
      ["2,5", /nombre/],
      ["", /nombre de jours/],
    ] as const) {
      const refused = (await outcome(() => settings.action(args(post("/backoffice/cadence", { form: "review", planReviewBusinessDays: value }))))) as {
        data: { error: string };
        init: { status: number };
      };
      expect(refused.init.status).toBe(400);
      expect(refused.data.error).toMatch(message);
    }
    expect(await days()).toBe(5);
    const readOnlyRefused = (await outcome(() => settings.action(args(post("/backoffice/cadence", { form: "review", planReviewBusinessDays: "8" }, readOnly))))) as Response;
    expect(readOnlyRefused.status).toBe(403);
    const saved = (await outcome(() => settings.action(args(post("/backoffice/cadence", { form: "review", planReviewBusinessDays: "8" }))))) as Response;
    expect(saved.headers.get("Location")).toBe("/backoffice/cadence?saved=review#review");
    expect(await days()).toBe(8);
    expect((await settings.loader(args(get("/backoffice/cadence")))).planReviewBusinessDays).toBe(8);
  });

  it("does not let a read-only member save, nor anyone save another creditor's policy", async () => {
    const before = await snapshot();
    const refused = (await outcome(async () => settings.action(args(post("/backoffice/cadence", await policyForm("standard"), readOnly))))) as Response;
    expect(refused.status).toBe(403);
    const foreign = (await outcome(async () =>
      settings.action(args(post("/backoffice/cadence", await policyForm("standard", (f) => (f.policyId = String(otherPolicyId)))))),
    )) as Response;
    expect(foreign.status).toBe(404);
    const crossSite = (await outcome(async () =>
      settings.action(
        args(
          new Request(`${BASE}/backoffice/cadence`, {
            method: "POST",
            headers: { Origin: "https://evil.example", Cookie: owner },
            body: new URLSearchParams(await policyForm("standard")),
          }),
        ),
      ),
    )) as Response;
    expect(crossSite.status).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it("saves a policy whose steps were removed and limits changed", async () => {
    const fields = await policyForm("high_risk", (f) => {
      f.minDaysBetweenContacts = "5";
      f.minInstallmentEuros = "75,50";
      // Without the SMS of the second reminder: the rows after it move up.
      for (const name of ["kind", "offsetDays", "channel", "tone"]) {
        for (let i = 3; i < 6; i++) f[`steps.${i}.${name}`] = f[`steps.${i + 1}.${name}`]!;
        delete f[`steps.6.${name}`];
      }
    });
    const saved = (await outcome(() => settings.action(args(post("/backoffice/cadence", fields))))) as Response;
    expect(saved.status).toBe(303);
    const { policy, steps } = await policyOf("high_risk");
    expect(policy).toMatchObject({ minDaysBetweenContacts: 5, minInstallmentCents: 7550 });
    expect(steps.map((s) => `${s.kind}:${s.channel}`)).toEqual([
      "pre_reminder:email",
      "first_reminder:email",
      "second_reminder:email",
      "call:call",
      "formal_notice:letter",
      "formal_notice:email",
    ]);
    const other = await getDb().select().from(cadenceSteps).where(eq(cadenceSteps.policyId, otherPolicyId));
    expect(other).toHaveLength(1);
  });

  it("turns on, and off again, switching channels after an unanswered contact (off by default)", async () => {
    expect((await policyOf("standard")).policy.alternateChannelsAfterUnanswered).toBe(false);
    const on = await policyForm("standard", (f) => (f.alternateChannelsAfterUnanswered = "on"));
    expect(((await outcome(() => settings.action(args(post("/backoffice/cadence", on))))) as Response).status).toBe(303);
    expect((await policyOf("standard")).policy.alternateChannelsAfterUnanswered).toBe(true);
    const page = await settings.loader(args(new Request(`${BASE}/backoffice/cadence`, { headers: { Cookie: owner } })));
    expect(page.policies.find((p) => p.segment === "standard")!.draft.alternateChannelsAfterUnanswered).toBe("on");
    // An unticked checkbox is not sent at all.
    const off = await policyForm("standard");
    expect(((await outcome(() => settings.action(args(post("/backoffice/cadence", off))))) as Response).status).toBe(303);
    expect((await policyOf("standard")).policy.alternateChannelsAfterUnanswered).toBe(false);
  });
});

describe("a changed offset moves what the cadence plans", () => {
  let martinId: number;
  beforeAll(async () => {
    const db = await openDemo();
    martinId = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, "compta@boulangerie-martin.fr")))!.debtorId;
  });

  const firstReminderOf66 = async () =>
    (await dryRun(getDb(), { from: "2026-11-20", to: "2026-12-20", debtorId: martinId })).find((r) => r.what === "first_reminder" && r.invoices.includes("F-2026-0066"));

  const claimedFirstReminder = async () =>
    await getDb()
      .select({ key: outboundMessages.key, invoiceId: outboundMessageInvoices.invoiceId })
      .from(outboundMessages)
      .innerJoin(outboundMessageInvoices, eq(outboundMessageInvoices.messageId, outboundMessages.id))
      .where(and(eq(outboundMessages.debtorId, martinId), eq(outboundMessages.step, "first_reminder")));

  it("in the dry-run, the calendar and a real job pass", { timeout: 120_000 }, async () => {
    // Good payers: first reminder at D+10 for 30-day terms, D+17 for Martin's 60-day terms (due 23 November).
    expect((await firstReminderOf66())?.when).toBe("2026-12-10 09:00");
    const saved = (await outcome(async () =>
      settings.action(args(post("/backoffice/cadence", await policyForm("good_payer", (f) => (f["steps.1.offsetDays"] = "11"))))),
    )) as Response;
    expect(saved.status).toBe(303);
    expect((await firstReminderOf66())?.when).toBe("2026-12-11 09:00");

    const page = (await calendar.loader(args(get(`/backoffice/cadence/calendar?debtorId=${martinId}`)))) as Awaited<ReturnType<typeof calendar.loader>>;
    const day = page.days.find((d) => d.date === "2026-12-11")!;
    expect(day.title).toBe("vendredi 11 décembre");
    expect(day.items.find((i) => i.invoices.includes("F-2026-0066"))).toMatchObject({ time: "09:00", what: "première relance", channel: "e-mail" });
    expect(day.items[0]!.why).toMatch(/^Première relance pour F-2026-0066 \((\d+ jours? de retard|échue le .+)\)$/);
    expect(page.days.some((d) => d.date === "2026-12-10" && d.items.some((i) => i.invoices.includes("F-2026-0066") && i.what === "première relance"))).toBe(false);

    const deps = (now: string) => ({ db: getDb(), env, email: devOutboxEmailSender(getDb()), sms: devOutboxSmsSender(getDb()), now: new Date(now) });
    await runCadence(deps("2026-12-10T09:00:00Z"));
    expect((await claimedFirstReminder()).filter((c) => c.key.includes("2026-12-10"))).toEqual([]);
    await tick(deps("2026-12-11T09:00:00Z"));
    const claimed = await claimedFirstReminder();
    const invoice66 = first(await getDb().select().from(invoices).where(eq(invoices.number, "F-2026-0066")))!;
    expect(claimed).toContainEqual({ key: `first_reminder:debtor-${martinId}:2026-12-11:email`, invoiceId: invoice66.id });
  });

  it("refuses a calendar or a preview for another creditor's debtor", async () => {
    const calendarRefused = (await outcome(() => calendar.loader(args(get(`/backoffice/cadence/calendar?debtorId=${otherDebtorId}`))))) as Response;
    expect(calendarRefused.status).toBe(404);
    const previewRefused = (await outcome(() => preview.loader(args(get(`/backoffice/cadence/preview?debtorId=${otherDebtorId}`))))) as Response;
    expect(previewRefused.status).toBe(404);
  });
});

describe("contact windows", () => {
  beforeAll(openDemo);

  const windowsForm = (change: (f: Record<string, string | string[]>) => void = () => {}) => {
    const fields: Record<string, string | string[]> = {
      form: "windows",
      "email.weekdays": ["1", "2", "3", "4", "5", "6"],
      "email.start": "08:00",
      "email.end": "20:00",
      "sms.weekdays": ["1", "2", "3", "4", "5"],
      "sms.start": "09:00",
      "sms.end": "19:00",
      "call.weekdays": ["1", "2", "3", "4", "5"],
      "call.start": "09:00",
      "call.end": "19:00",
      "letter.weekdays": ["1", "2", "3", "4", "5"],
      "letter.start": "09:00",
      "letter.end": "17:00",
    };
    change(fields);
    return fields;
  };

  it("refuses windows outside the L10 bounds, per field, and writes nothing", async () => {
    const result = (await settings.action(
      args(
        post(
          "/backoffice/cadence",
          windowsForm((f) => Object.assign(f, { "sms.weekdays": ["1", "2", "3", "4", "5", "6", "7"], "call.start": "07:00", "email.end": "22:00" })),
        ),
      ),
    )) as Result;
    expect(result.init?.status).toBe(400);
    expect(result.data.errors).toEqual({
      "sms.weekdays": expect.stringMatching(/jamais le dimanche/),
      "call.start": expect.stringMatching(/pas avant 08:00/),
      "email.end": expect.stringMatching(/pas après 20:00/),
    });
    expect(await getDb().select().from(contactWindowSettings)).toEqual([]);
    const refused = (await outcome(() => settings.action(args(post("/backoffice/cadence", windowsForm(), readOnly))))) as Response;
    expect(refused.status).toBe(403);
  });

  it("saved windows decide when the job sends", async () => {
    const saved = (await outcome(() =>
      settings.action(
        args(
          post(
            "/backoffice/cadence",
            windowsForm((f) => Object.assign(f, { "email.weekdays": ["2", "4"], "email.start": "10:00", "email.end": "12:00" })),
          ),
        ),
      ),
    )) as Response;
    expect(saved.status).toBe(303);
    const db = getDb();
    expect(first(await db.select().from(contactWindowSettings).where(eq(contactWindowSettings.channel, "email")))).toMatchObject({
      weekdays: "24",
      startMinute: 600,
      endMinute: 720,
    });
    // Friday: email is closed, so the morning's pass claims no email at all.
    await runCadence({ db, env, now: new Date(NOW) });
    expect(await db.select().from(outboundMessages).where(eq(outboundMessages.channel, "email"))).toEqual([]);
    const emails = (await dryRun(db, { from: "2026-11-20", to: "2026-12-05" })).filter((r) => r.channel === "email");
    expect(emails.length).toBeGreaterThan(0);
    const parisDebtors = new Set((await db.select({ id: debtors.id }).from(debtors).where(eq(debtors.timeZone, "Europe/Paris"))).map((d) => d.id));
    const paris = emails.filter((r) => parisDebtors.has(r.debtorId));
    for (const row of paris) {
      const weekday = new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone: "Europe/Paris" }).format(row.at);
      expect(["Tue", "Thu"]).toContain(weekday);
      expect(row.when.slice(11) >= "10:00" && row.when.slice(11) < "12:00").toBe(true);
    }
    const page = (await settings.loader(args(get("/backoffice/cadence")))) as Awaited<ReturnType<typeof settings.loader>>;
    expect(page.windows.find((w) => w.channel === "email")!.summary).toBe("mar., jeu., 10:00–12:00");
  });
});

describe("message templates", () => {
  let englishDebtorId: number;
  beforeAll(async () => {
    const db = await openDemo();
    englishDebtorId = first(await db.select().from(debtors).where(eq(debtors.name, "Thames Interiors Ltd")))!.id;
  });

  const save = (fields: Record<string, string>, as = owner) => outcome(() => templates.action(args(post("/backoffice/cadence/templates", { intent: "save", ...fields }, as))));

  it("refuses an unknown placeholder, an SMS without its link or too long, naming the problem, and writes nothing", async () => {
    const unknown = (await save({ step: "first_reminder", channel: "email", locale: "fr", subject: "Rappel {facture}", body: "Bonjour {debtor}" })) as Result;
    expect(unknown.init?.status).toBe(400);
    expect(unknown.data.errors.subject).toMatch(/Variable inconnue : \{facture\}/);
    const noLink = (await save({ step: "second_reminder", channel: "sms", locale: "fr", body: "Merci de régler {amount} rapidement." })) as Result;
    expect(noLink.data.errors.body).toMatch(/doit garder \{link\}/);
    const long = (await save({ step: "second_reminder", channel: "sms", locale: "fr", body: `${"Nous vous remercions de bien vouloir régulariser. ".repeat(5)}{link}` })) as Result;
    expect(long.data.errors.body).toMatch(/segments ; au plus 2/);
    const readOnlyRefused = (await save({ step: "first_reminder", channel: "email", locale: "fr", subject: "Rappel", body: "Bonjour" }, readOnly)) as Response;
    expect(readOnlyRefused.status).toBe(403);
    expect(await getDb().select().from(messageTemplates)).toEqual([]);
  });

  it("a saved email template is what a real job pass sends, invoice lines, penalties and link kept", { timeout: 120_000 }, async () => {
    const saved = (await save({
      step: "first_reminder",
      channel: "email",
      locale: "fr",
      subject: "{creditor} : {invoices} en attente",
      body: "Bonjour {debtor},\n\nNous n'avons pas encore reçu {amount}, échu depuis le {due_date}.",
    })) as Response;
    expect(saved.status).toBe(303);
    await tick({ db: getDb(), env, email: devOutboxEmailSender(getDb()), sms: devOutboxSmsSender(getDb()), now: new Date(NOW) });
    const garage = first(await getDb().select().from(debtorContacts).where(eq(debtorContacts.email, "factures@garage-des-alpes.fr")))!;
    const sent = await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, garage.email!));
    const reminder = sent.find((m) => m.subject?.startsWith("Atelier Durand : F-"))!;
    expect(reminder.subject).toMatch(/^Atelier Durand : F-\d{4}-\d{4}(, F-\d{4}-\d{4})* et F-\d{4}-\d{4} en attente$/);
    expect(reminder.text).toContain("Bonjour Garage des Alpes SAS,");
    expect(reminder.text).toMatch(/Nous n'avons pas encore reçu [\d\s\u202f]+,\d\d\s€, échu depuis le/);
    expect(reminder.text).not.toContain("Sauf erreur de notre part");
    expect(reminder.text).toContain("Facture F-");
    expect(reminder.text).toContain("L441-10");
    expect(reminder.text).toMatch(/\/l\/[\w.-]+/);
    // English debtors keep the default English wording: the template was French only.
    const english = await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, "accounts@thames-interiors.co.uk"));
    expect(english.some((m) => m.subject === "Atelier Durand: reminder about 2 overdue invoices")).toBe(true);
  });

  it("previews the email and the SMS of a chosen debtor with the creditor's text, in each language", async () => {
    const fr = (await preview.loader(args(get("/backoffice/cadence/preview?channel=email&step=first_reminder&locale=fr")))) as Awaited<ReturnType<typeof preview.loader>>;
    expect(fr.email!.subject).toMatch(/en attente$/);
    expect(fr.email!.html).toContain("Nous n&#x27;avons pas encore reçu");
    const en = (await preview.loader(args(get(`/backoffice/cadence/preview?channel=email&step=second_reminder&locale=en&debtorId=${englishDebtorId}`)))) as Awaited<
      ReturnType<typeof preview.loader>
    >;
    expect(en.query.debtorId).toBe(englishDebtorId);
    expect(en.email!.subject).toMatch(/^Atelier Durand: second reminder, \d unpaid invoices$/);
    expect(en.email!.html).toContain("Hello Thames Interiors Ltd,");

    const smsSaved = (await save({ step: "second_reminder", channel: "sms", locale: "en", body: "{debtor}, {amount} is overdue. Pay by {deadline}: {link}" })) as Response;
    expect(smsSaved.status).toBe(303);
    const sms = (await preview.loader(args(get(`/backoffice/cadence/preview?channel=sms&step=second_reminder&locale=en&debtorId=${englishDebtorId}`)))) as Awaited<
      ReturnType<typeof preview.loader>
    >;
    expect(sms.sms!.body).toMatch(
      /^Atelier Durand: Thames Interiors Ltd, .+ is overdue\. Pay by \d+ \w+ 2026: http:\/\/localhost:4310\/l\/apercu_lien_fictif_000\nReply STOP to opt out$/,
    );
    expect(sms.sms!.segments).toBeLessThanOrEqual(2);
    // A preview writes nothing: no link issued, no message.
    expect(
      (
        await getDb()
          .select()
          .from(outboundMessages)
          .where(inArray(outboundMessages.debtorId, [englishDebtorId]))
      ).every((m) => m.step !== "second_reminder"),
    ).toBe(true);
  });

  it("resets a template to the default", async () => {
    const reset = (await outcome(() =>
      templates.action(args(post("/backoffice/cadence/templates", { intent: "reset", step: "first_reminder", channel: "email", locale: "fr" }))),
    )) as Response;
    expect(reset.status).toBe(303);
    const page = (await templates.loader(args(get("/backoffice/cadence/templates?step=first_reminder&channel=email&locale=fr")))) as Awaited<ReturnType<typeof templates.loader>>;
    expect(page.current).toBeNull();
    expect(page.overrides.map((o) => o.label)).toEqual(["Deuxième relance · SMS · anglais"]);
    const fr = (await preview.loader(args(get("/backoffice/cadence/preview?channel=email&step=first_reminder&locale=fr")))) as Awaited<ReturnType<typeof preview.loader>>;
    expect(fr.email!.html).toContain("Sauf erreur de notre part");
  });
});
