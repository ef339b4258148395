import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { storeLetterPdf } from "~/services/shared/letters.server";
import { loadCadenceStates } from "~/services/shared/cadence.server";
import { decideCadence } from "~/domain/cadence";
import * as calls from "~/routes/backoffice.calls";
import * as lettersRoute from "~/routes/backoffice.letters";
import * as letterPdf from "~/routes/backoffice.letters_.$letterId.pdf";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import * as dashboard from "~/routes/backoffice._index";
import * as login from "~/routes/backoffice.login";
import * as exportCsv from "~/routes/backoffice.export[.]csv";
import { tick } from "../../jobs/tick";
import { getEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { creditors, invoices, outboundMessageInvoices, outboundMessages, payments } from "../../db/tables";
import { callTasks, debtors, letters, promises, staffUsers, timelineEvents } from "../../db/tables";
import { args, outcome, signInPage, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const storage = mkdtempSync(join(tmpdir(), "relance-letters-"));

let cookie: string;
let readOnlyCookie: string;
let debtorId: number;
let taskId: number;
let letterId: number;

const post = (path: string, fields: Record<string, string>, as = cookie) =>
  new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: new URLSearchParams({ csrf: staffCsrf(as), ...fields }) });
const get = (path: string, as = cookie) => new Request(`${BASE}${path}`, { headers: { Cookie: as } });

beforeAll(async () => {
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
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  readOnlyCookie = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const overdue = first(
    await db
      .select()
      .from(debtors)
      .where(sql`exists (select 1 from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open' and i.due_date < '2026-11-01')`),
  )!;
  debtorId = overdue.id;
  taskId = one(
    await db
      .insert(callTasks)
      .values({ creditorId, debtorId, reason: "Deuxième relance sans réponse", dueAt: new Date("2026-11-20T08:00:00Z") })
      .returning(),
  ).id;
  const stored = storeLetterPdf(storage, new TextEncoder().encode("%PDF-1.7 test letter"), "formal-notice-test.pdf");
  letterId = one(await db.insert(letters).values({ creditorId, debtorId, kind: "formal_notice", pdfPath: stored.path, pdfSha256: stored.sha256 }).returning()).id;
});

describe("the call list", () => {
  it("lists the calls due, with the debtor's phone, amount and why it ranks there", async () => {
    const page = (await calls.loader(args(get("/backoffice/calls")))) as Awaited<ReturnType<typeof calls.loader>>;
    expect(page.rows.filter((r) => r.dueNow).map((r) => r.taskId)).toEqual([taskId]);
    expect(page.rows.filter((r) => r.dueNow)[0]!.why.some((w) => w.includes("j de retard"))).toBe(true);
  });

  it("refuses a promise outcome without a date, and a date beyond the policy, changing nothing", async () => {
    const noDate = (await outcome(() => calls.action(args(post("/backoffice/calls", { taskId: String(taskId), outcome: "promise" }))))) as {
      data: { fields: Record<string, string> };
      init: { status: number };
    };
    expect(noDate.init.status).toBe(400);
    expect(noDate.data.fields.promiseDate).toMatch(/date de paiement promise/);
    const tooFar = (await outcome(() => calls.action(args(post("/backoffice/calls", { taskId: String(taskId), outcome: "promise", promiseDate: "2027-06-01" }))))) as {
      data: { fields: Record<string, string> };
    };
    expect(tooFar.data.fields.promiseDate).toMatch(/limite de la politique/);
    expect(first(await getDb().select().from(callTasks).where(eq(callTasks.id, taskId)))!.status).toBe("open");
  });

  it("does not let a read-only member log a call", async () => {
    const refused = (await outcome(() => calls.action(args(post("/backoffice/calls", { taskId: String(taskId), outcome: "no_answer" }, readOnlyCookie))))) as Response;
    expect(refused.status).toBe(403);
  });

  it("logs a promise taken on the phone: the task is done, promises pause the cadence, the timeline has both facts", async () => {
    const done = (await outcome(() =>
      calls.action(args(post("/backoffice/calls", { taskId: String(taskId), outcome: "promise", promiseDate: "2026-12-04", note: "Virement prévu début décembre" }))),
    )) as Response;
    expect(done.status).toBe(303);
    const db = getDb();
    expect(first(await db.select().from(callTasks).where(eq(callTasks.id, taskId)))).toMatchObject({ status: "done", outcome: "promise" });
    const made = await db
      .select()
      .from(promises)
      .where(and(eq(promises.debtorId, debtorId), eq(promises.status, "open")));
    expect(made.length).toBeGreaterThan(0);
    expect(made.every((p) => p.source === "phone" && p.promisedDate === "2026-12-04")).toBe(true);
    const types = (await db.select({ type: timelineEvents.type }).from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId))).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["call.answered", "promise.made"]));
    // The cadence now waits for the promised date.
    const [loaded] = await loadCadenceStates(db, new Date("2026-11-27T09:00:00Z"), [debtorId]);
    expect(decideCadence(loaded!.state, new Date("2026-11-27T09:00:00Z")).contacts.filter((c) => c.plannedFor <= new Date("2026-11-27T09:00:00Z"))).toEqual([]);
  });

  it("says so when the call was already logged by a colleague", async () => {
    const again = (await outcome(() => calls.action(args(post("/backoffice/calls", { taskId: String(taskId), outcome: "no_answer" }))))) as { init: { status: number } };
    expect(again.init.status).toBe(409);
  });
});

describe("letters to post", () => {
  it("downloads the stored PDF as an attachment", async () => {
    const response = (await letterPdf.loader(args(get(`/backoffice/letters/${letterId}/pdf`), { letterId: String(letterId) }))) as Response;
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(new TextDecoder().decode(await response.arrayBuffer())).toMatch(/^%PDF/);
  });

  it("says a letter whose file the retention pass deleted is gone, rather than failing", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(staffUsers))!.creditorId;
    const gone = one(
      await db
        .insert(letters)
        .values({ creditorId, debtorId, kind: "formal_notice", pdfPath: join(storage, "letters", "deleted.pdf"), pdfSha256: "ab".repeat(32), status: "posted" })
        .returning(),
    ).id;
    const response = (await outcome(() => letterPdf.loader(args(get(`/backoffice/letters/${gone}/pdf`), { letterId: String(gone) })))) as Response;
    expect(response.status).toBe(410);
    expect(await response.text()).toContain("supprimé à la fin de la durée de conservation");
  });

  it("refuses a bad tracking number, then records the posting with its number on the timeline", async () => {
    const bad = (await outcome(() => lettersRoute.action(args(post("/backoffice/letters", { letterId: String(letterId), trackingNumber: "12 3" }))))) as {
      data: { error: string };
    };
    expect(bad.data.error).toMatch(/numéro de l'envoi recommandé/);
    const ok = (await outcome(() => lettersRoute.action(args(post("/backoffice/letters", { letterId: String(letterId), trackingNumber: "1a23456789012" }))))) as Response;
    expect(ok.status).toBe(303);
    const db = getDb();
    expect(first(await db.select().from(letters).where(eq(letters.id, letterId)))).toMatchObject({ status: "posted", trackingNumber: "1A23456789012" });
    const event = first(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "letter.posted")))!;
    expect(event.data).toMatchObject({ trackingNumber: "1A23456789012" });
  });

  it("refuses to serve a letter whose file changed since it was made", async () => {
    const db = getDb();
    const letter = first(await db.select().from(letters).where(eq(letters.id, letterId)))!;
    writeFileSync(letter.pdfPath, "%PDF-1.7 tampered");
    const refused = (await outcome(() => letterPdf.loader(args(get(`/backoffice/letters/${letterId}/pdf`), { letterId: String(letterId) })))) as Response;
    expect(refused.status).toBe(500);
  });
});

describe("the debtor file", () => {
  type Page = Awaited<ReturnType<typeof debtorFile.loader>>;
  const load = async (path: string, id = debtorId) => (await outcome(() => debtorFile.loader(args(get(path), { debtorId: String(id) })))) as Page | Response;

  it("shows every message with what was sent, newest first, and can narrow to one invoice", async () => {
    const db = getDb();
    await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) });
    // The debtor who promised on the phone is paused: their file shows the call, the promise and the letter.
    const called = (await load(`/backoffice/debtors/${debtorId}`)) as Page;
    expect(called.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(["promise.made", "call.answered", "letter.posted"]));

    const reminded = first(
      await db
        .select({ debtorId: timelineEvents.debtorId })
        .from(timelineEvents)
        .innerJoin(debtors, eq(debtors.id, timelineEvents.debtorId))
        .where(and(eq(timelineEvents.type, "message.sent"), eq(debtors.locale, "fr")))
        .orderBy(timelineEvents.id),
    )!.debtorId;
    const page = (await load(`/backoffice/debtors/${reminded}`, reminded)) as Page;
    const sent = page.timeline.filter((e) => e.type === "message.sent");
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.message?.body).toContain("Bonjour");
    expect(sent[0]!.message?.contentHash).toMatch(/^[0-9a-f]{64}$/);

    const invoice = page.invoices.find((i) => i.status === "open")!;
    const narrowed = (await load(`/backoffice/debtors/${reminded}?facture=${invoice.id}`, reminded)) as Page;
    expect(narrowed.invoiceId).toBe(invoice.id);
    expect(narrowed.timeline.length).toBeGreaterThan(0);
    const listing = new Set((await db.select().from(outboundMessageInvoices).where(eq(outboundMessageInvoices.invoiceId, invoice.id))).map((r) => r.messageId));
    expect(narrowed.timeline.every((e) => e.messageId !== null && listing.has(e.messageId))).toBe(true);
  });

  it("answers 404 for another creditor's debtor, as for a missing one", async () => {
    const db = getDb();
    const other = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "a@b.fr" }).returning());
    const stranger = one(await db.insert(debtors).values({ creditorId: other.id, kind: "business", name: "Client d'un autre" }).returning());
    await db.insert(invoices).values({
      creditorId: other.id,
      debtorId: stranger.id,
      number: "X-1",
      amountCents: 100,
      balanceCents: 100,
      issueDate: "2026-10-01",
      dueDate: "2026-10-31",
      paymentTermsDays: 30,
    });
    expect(((await load(`/backoffice/debtors/${stranger.id}`, stranger.id)) as Response).status).toBe(404);
    expect(((await load("/backoffice/debtors/999999", 999999)) as Response).status).toBe(404);
  });
});

describe("recording a bank transfer from the debtor file", () => {
  type Refused = { data: { fields: Record<string, string> }; init: { status: number } };
  const send = (id: number, fields: Record<string, string>, as = cookie) =>
    outcome(() => debtorFile.action(args(post(`/backoffice/debtors/${id}`, fields, as), { debtorId: String(id) })));

  it("records a partial transfer once however often the form is sent, and refuses more than the balance", async () => {
    const db = getDb();
    const invoice = first(
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.status, "open"), sql`${invoices.balanceCents} > 20000`)),
    )!;
    const page = (await debtorFile.loader(args(get(`/backoffice/debtors/${invoice.debtorId}`), { debtorId: String(invoice.debtorId) }))) as Awaited<
      ReturnType<typeof debtorFile.loader>
    >;
    const fields = { invoiceId: String(invoice.id), amount: "100,00", receivedOn: "2026-11-19", reference: "VIR 42", formKey: page.formKey };
    const earlier = (await db.select().from(payments).where(eq(payments.invoiceId, invoice.id))).length;
    const paid = async () => (await db.select().from(payments).where(eq(payments.invoiceId, invoice.id))).slice(earlier);

    const tooMuch = (await send(invoice.debtorId, { ...fields, amount: String(invoice.balanceCents) })) as Refused;
    expect(tooMuch.data.fields.amount).toMatch(/ne peut pas dépasser le reste dû/);
    const future = (await send(invoice.debtorId, { ...fields, receivedOn: "2026-11-21" })) as Refused;
    expect(future.data.fields.receivedOn).toMatch(/futur/);
    expect(await paid()).toEqual([]);

    expect(((await send(invoice.debtorId, fields)) as Response).status).toBe(303);
    expect(((await send(invoice.debtorId, fields)) as Response).status).toBe(303);
    expect((await paid()).map((p) => [p.amountCents, p.method])).toEqual([[10_000, "transfer"]]);
    expect(first(await db.select().from(invoices).where(eq(invoices.id, invoice.id)))).toMatchObject({ balanceCents: invoice.balanceCents - 10_000, status: "open" });
    expect(
      (
        await db
          .select()
          .from(timelineEvents)
          .where(and(eq(timelineEvents.invoiceId, invoice.id), eq(timelineEvents.type, "payment.recorded")))
      ).filter((e) => e.data.reference === "VIR 42"),
    ).toHaveLength(1);
  });

  it("is refused to read-only members", async () => {
    const invoice = first(await getDb().select().from(invoices).where(eq(invoices.status, "open")))!;
    const refused = (await send(invoice.debtorId, { invoiceId: String(invoice.id), amount: "1", receivedOn: "2026-11-19", formKey: "k".repeat(20) }, readOnlyCookie)) as Response;
    expect(refused.status).toBe(403);
  });
});

describe("the dashboard", () => {
  it("shows DSO, what was collected this month net of refunds, and what holds the cadence", async () => {
    const load = async () => (await dashboard.loader(args(get("/backoffice")))) as Awaited<ReturnType<typeof dashboard.loader>>;
    const before = await load();
    expect(before.dso).toEqual(expect.any(Number));
    const db = getDb();
    const invoice = first(await db.select().from(invoices).where(eq(invoices.status, "open")))!;
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: 12_345,
      currency: "EUR",
      method: "card",
      provider: "test",
      providerRef: "dash-1",
      kind: "payment",
      receivedAt: new Date("2026-11-19T10:00:00Z"),
    });
    // Refund rows are negative, as the Stripe webhook writes them; an overpayment is owed back, not collected.
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: -2_345,
      currency: "EUR",
      method: "card",
      provider: "test",
      providerRef: "dash-1",
      kind: "refund",
      receivedAt: new Date("2026-11-19T11:00:00Z"),
    });
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: 9_999,
      currency: "EUR",
      method: "card",
      provider: "test",
      providerRef: "dash-1",
      kind: "overpayment",
      receivedAt: new Date("2026-11-19T12:00:00Z"),
    });
    // Paid before the month began in Paris (31 October 23:30 UTC is 1 November 00:30 in Paris: this month).
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: 500,
      currency: "EUR",
      method: "transfer",
      provider: "test",
      providerRef: "dash-2",
      kind: "payment",
      receivedAt: new Date("2026-10-31T23:30:00Z"),
    });
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: 700,
      currency: "EUR",
      method: "transfer",
      provider: "test",
      providerRef: "dash-3",
      kind: "payment",
      receivedAt: new Date("2026-10-31T22:30:00Z"),
    });
    // Weeks start on Monday in Paris: 15 November 23:30 UTC is already Monday 16th there, 22:30 is still Sunday.
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: 200,
      currency: "EUR",
      method: "transfer",
      provider: "test",
      providerRef: "dash-4",
      kind: "payment",
      receivedAt: new Date("2026-11-15T23:30:00Z"),
    });
    await db.insert(payments).values({
      invoiceId: invoice.id,
      amountCents: 300,
      currency: "EUR",
      method: "transfer",
      provider: "test",
      providerRef: "dash-5",
      kind: "payment",
      receivedAt: new Date("2026-11-15T22:30:00Z"),
    });
    const after = await load();
    const euros = (label: string) => Number(label.replace(/[^\d,]/g, "").replace(",", "."));
    expect(Math.round((euros(after.collectedThisMonth) - euros(before.collectedThisMonth)) * 100)).toBe(12_345 - 2_345 + 500 + 200 + 300);
    // The weekly chart: this week (from Monday 16th) and the one before, by the same rules.
    const weekly = (page: typeof after, back: number) => page.cashByWeek[page.cashByWeek.length - 1 - back]!.cents;
    expect(after.cashByWeek).toHaveLength(52);
    expect(after.cashByWeek.at(-1)!.label).toBe("16 nov.");
    expect(weekly(after, 0) - weekly(before, 0)).toBe(12_345 - 2_345 + 200);
    expect(weekly(after, 1) - weekly(before, 1)).toBe(300);
    // The DSO line ends on today's figure, the one the card shows.
    expect(after.dsoByMonth).toHaveLength(12);
    expect(after.dsoByMonth.at(-1)!.dso).toBe(after.dso);
    expect(after.holds.promise).toBeGreaterThan(0);
    // The day's pass sent reminders earlier in this file: the funnel counts them by step and channel.
    const sentToday = (
      await db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.status, "sent"), eq(outboundMessages.channel, "email"), eq(outboundMessages.step, "first_reminder")))
    ).length;
    expect(after.funnel.find((r) => r.step === "first_reminder" && r.channel === "email")?.sent).toBe(sentToday);
  });
});

describe("formal notices left unposted", () => {
  it("are flagged on the dashboard after 3 business days waiting, not at 3", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(staffUsers))!.creditorId;
    const stored = storeLetterPdf(storage, new TextEncoder().encode("%PDF-1.7 late letter"), "formal-notice-late.pdf");
    const queue = async (createdAt: string) =>
      one(
        await db
          .insert(letters)
          .values({ creditorId, debtorId, kind: "formal_notice", pdfPath: stored.path, pdfSha256: stored.sha256, createdAt: new Date(createdAt) })
          .returning(),
      ).id;
    // Today is Friday 20 November: queued Tuesday 17th is 3 business days old, Monday 16th is 4.
    const threeDays = await queue("2026-11-17T10:00:00Z");
    const fourDays = await queue("2026-11-16T10:00:00Z");
    const page = (await dashboard.loader(args(get("/backoffice")))) as Awaited<ReturnType<typeof dashboard.loader>>;
    expect(page.lateLetters.map((l) => l.id)).toEqual([fourDays]);
    expect(page.lateLetters[0]).toMatchObject({ debtorId, queuedOn: "2026-11-16", businessDays: 4 });
    expect(page.lateLetters.map((l) => l.id)).not.toContain(threeDays);
    // Posted, it is no longer late.
    await db
      .update(letters)
      .set({ status: "posted", trackingNumber: "1A23456789012", postedAt: new Date(NOW) })
      .where(eq(letters.id, fourDays));
    const after = (await dashboard.loader(args(get("/backoffice")))) as Awaited<ReturnType<typeof dashboard.loader>>;
    expect(after.lateLetters).toEqual([]);
    await db.update(letters).set({ status: "cancelled" }).where(eq(letters.id, threeDays));
  });
});

describe("staff sign-in", () => {
  it("stops trying passwords after 10 attempts on one email, the right password included, and says when to retry", async () => {
    const attempt = (password: string) =>
      outcome(() =>
        login.action(
          args(
            new Request(`${BASE}/backoffice/login`, {
              method: "POST",
              headers: { Origin: BASE, Cookie: signInPage().cookie },
              body: new URLSearchParams({ csrf: signInPage().csrf, email: "lecture@atelier-durand.fr", password }),
            }),
          ),
        ),
      );
    for (let i = 0; i < 10; i++) expect(((await attempt(`wrong-${i}`)) as { init: { status: number } }).init.status).toBe(401);
    const blocked = (await attempt(DEMO_LOGIN.password)) as { data: { formError: string }; init: { status: number; headers: Record<string, string> } };
    expect(blocked.init.status).toBe(429);
    expect(blocked.init.headers["Retry-After"]).toMatch(/^\d+$/);
    expect(blocked.data.formError).toMatch(/Trop de tentatives de connexion\. Réessayez après \d{2}:\d{2}/);
  }, 30_000); // eleven scrypt derivations (about 100 ms each on a quiet machine) take seconds on a busy one
});

describe("exporting the open book", () => {
  it("writes a CSV a spreadsheet opens without running anything a debtor typed", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(staffUsers))!.creditorId;
    const hostile = one(await db.insert(debtors).values({ creditorId, kind: "business", name: '=HYPERLINK("http://evil.example","Cliquez")' }).returning());
    await db.insert(invoices).values({
      creditorId,
      debtorId: hostile.id,
      number: "+CMD-1",
      amountCents: 12_345,
      balanceCents: 12_345,
      issueDate: "2026-10-01",
      dueDate: "2026-10-31",
      paymentTermsDays: 30,
    });
    const response = (await exportCsv.loader(args(get("/backoffice/export.csv")))) as Response;
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="encours-2026-11-20.csv"');
    const csv = await response.text();
    const line = csv.split("\r\n").find((l) => l.includes("HYPERLINK"))!;
    expect(line).toBe(`"'=HYPERLINK(""http://evil.example"",""Cliquez"")";"";"'+CMD-1";"2026-10-01";"2026-10-31";"123,45";"123,45";"20";"ouverte"`);
  });
});
