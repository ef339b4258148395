import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, desc, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import * as landing from "~/routes/l.$token";
import * as portal from "~/routes/portal._index";
import * as promise from "~/routes/portal.promise";
import * as plan from "~/routes/portal.plan";
import * as pay from "~/routes/portal.pay._index";
import * as contact from "~/routes/portal.contact";
import * as dispute from "~/routes/portal.dispute";
import * as receipt from "~/routes/portal.documents.receipts.$paymentId";
import * as calls from "~/routes/backoffice.calls";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import * as staffFiles from "~/routes/backoffice.files.$kind.$id";
import * as login from "~/routes/backoffice.login";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { tick } from "../../jobs/tick";
import * as newLink from "~/routes/link.new";
import { callTasks, creditors, devOutbox, debtorSessions, debtors, disputeFiles, disputes, invoices, payments, promises } from "../../db/tables";
import { args, staffCsrf } from "../support/routes";
import * as settingsRoute from "~/routes/backoffice.settings";
import * as teamRoute from "~/routes/backoffice.team";
import { validateEmailTemplate } from "~/domain/message-templates";
import { first, one } from "../../db/client";

/**
 * What a careless client or an attacker types into the portal and back-office forms: extra fields
 * naming another debtor or a status, absurd amounts and dates, huge or invisible texts, files that
 * lie about what they are. Each is refused with a specific error (and nothing written), or, for
 * extra fields, ignored: what is written comes from the session, the URL and the database.
 */
const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const MB = 1024 * 1024;
type Refused = { data: { errors?: Record<string, string>; fields?: Record<string, string | string[] | undefined> }; init: { status: number } };

async function outcome<T = unknown>(run: () => unknown): Promise<T> {
  try {
    return (await run()) as T;
  } catch (thrown) {
    return thrown as T;
  }
}
const statusOf = (r: unknown) => (r instanceof Response ? r.status : ((r as Refused | undefined)?.init?.status ?? 200));

let staff: string;
let session: { cookie: string; csrf: string };
let me: { debtorId: number; invoices: (typeof invoices.$inferSelect)[] };
let other: { debtorId: number; invoiceId: number; strangerInvoiceId: number };

const portalPost = (path: string, fields: [string, string][], headers: Record<string, string> = {}) =>
  new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { Origin: BASE, Cookie: session.cookie, "User-Agent": "Mozilla/5.0 (Android 14)", "X-Forwarded-For": "198.51.100.1, 203.0.113.7", ...headers },
    body: new URLSearchParams([["csrf", session.csrf], ...fields]),
  });
const staffPost = (path: string, fields: Record<string, string>) =>
  new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: staff }, body: new URLSearchParams({ csrf: staffCsrf(staff), ...fields }) });

/** Runs each attempt and checks it was refused with 400, naming the field, and wrote nothing. */
async function refusedAll(attempts: [string, () => unknown, string][]) {
  const before = await databaseDigest(getDb());
  for (const [what, run, field] of attempts) {
    const result = await outcome<Refused>(run);
    expect(statusOf(result), what).toBe(400);
    const errors = result.data.errors ?? result.data.fields ?? {};
    expect(Object.keys(errors), what).toContain(field);
  }
  expect(await databaseDigest(getDb())).toEqual(before);
}

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-hostile-"));
  resetEnvCache();
  closeDb();
  const db = getDb();
  staff = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const target = first(await db.select().from(debtors).where(eq(debtors.name, "Garage des Alpes SAS")))!;
  me = {
    debtorId: target.id,
    invoices: await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, target.id), eq(invoices.status, "open")))
      .orderBy(invoices.dueDate),
  };
  const otherInvoice = first(
    await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.status, "open"), sql`${invoices.debtorId} <> ${target.id}`)),
  )!;
  const elsewhere = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "a@b.fr" }).returning());
  const stranger = one(await db.insert(debtors).values({ creditorId: elsewhere.id, kind: "business", name: "Client d'un autre" }).returning());
  const strangerInvoice = one(
    await db
      .insert(invoices)
      .values({
        creditorId: elsewhere.id,
        debtorId: stranger.id,
        number: "X-1",
        amountCents: 50_000,
        balanceCents: 50_000,
        issueDate: "2026-10-01",
        dueDate: "2026-10-31",
        paymentTermsDays: 30,
      })
      .returning(),
  );
  other = { debtorId: otherInvoice.debtorId, invoiceId: otherInvoice.id, strangerInvoiceId: strangerInvoice.id };

  const env = getEnv();
  const link = await insertLink(db, env, { debtorId: target.id, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const response = await outcome<Response>(() =>
    landing.action(args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), { token })),
  );
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  await db
    .update(debtorSessions)
    .set({ stepUpAt: new Date(NOW) })
    .where(eq(debtorSessions.linkId, link.id));
  session = { cookie, csrf: (await portal.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: cookie } })))).csrf };
}, 60_000);

describe("back office: recording a bank transfer", () => {
  const transfer = (fields: Record<string, string>, debtorId = me.debtorId) =>
    debtorFile.action(
      args(
        staffPost(`/backoffice/debtors/${debtorId}`, { invoiceId: String(me.invoices[0]!.id), amount: "100", receivedOn: "2026-11-19", formKey: `k${"0".repeat(19)}`, ...fields }),
        { debtorId: String(debtorId) },
      ),
    );

  it("refuses absurd amounts and dates, each next to its field", async () => {
    const amounts = ["-10", "0", "0,001", "1e3", "1E3", "NaN", "Infinity", "0x10", "１００", "10000000000000", "99999999999999999999", "", "12,34,56"];
    const dates = ["1900-01-01", "9999-12-31", "2026-02-30", "20/11/2026", "NaN", "2026-11-19T00:00:00Z", ""];
    await refusedAll([
      ...amounts.map((amount): [string, () => unknown, string] => [`amount ${amount}`, () => transfer({ amount }), "amount"]),
      ...dates.map((receivedOn): [string, () => unknown, string] => [`date ${receivedOn}`, () => transfer({ receivedOn }), "receivedOn"]),
    ]);
  });

  it("refuses another debtor's invoice, of this creditor or another, as not open here", async () => {
    await refusedAll([
      ["same creditor, other debtor", () => transfer({ invoiceId: String(other.invoiceId) }), "invoiceId"],
      ["another creditor's invoice", () => transfer({ invoiceId: String(other.strangerInvoiceId) }), "invoiceId"],
    ]);
  });

  it("refuses a 1 MB reference and one with line breaks, NUL or a right-to-left override", async () => {
    const texts = ["x".repeat(MB), "VIR 42\r\nBcc: x@evil.example", "VIR\u000042", "VIR \u202Efdp.exe"];
    await refusedAll(texts.map((reference): [string, () => unknown, string] => [JSON.stringify(reference.slice(0, 30)), () => transfer({ reference }), "reference"]));
  });

  it("ignores fields it did not ask for: the payment is the form's amount, on the URL's debtor, as a staff transfer", async () => {
    const db = getDb();
    const invoice = me.invoices[0]!;
    const otherBefore = JSON.stringify(await db.select().from(invoices).where(eq(invoices.debtorId, other.debtorId)));
    const done = await outcome<Response>(() =>
      transfer({
        amount: "100",
        formKey: `m${"1".repeat(19)}`,
        debtorId: String(other.debtorId),
        creditorId: "999",
        amountCents: "1",
        status: "paid",
        provider: "stripe",
        method: "card",
        kind: "refund",
        balanceCents: "0",
      }),
    );
    expect(done.status).toBe(303);
    const recorded = first(await db.select().from(payments).where(eq(payments.invoiceId, invoice.id)).orderBy(desc(payments.id)))!;
    expect(recorded).toMatchObject({ amountCents: 10_000, method: "transfer", provider: "staff", kind: "payment" });
    expect(first(await db.select().from(invoices).where(eq(invoices.id, invoice.id)))).toMatchObject({ balanceCents: invoice.balanceCents - 10_000, status: "open" });
    expect(JSON.stringify(await db.select().from(invoices).where(eq(invoices.debtorId, other.debtorId)))).toBe(otherBefore);
  });
});

describe("back office: logging a call", () => {
  it("refuses a 1 MB note and a note with control characters; a note with markup is kept as text", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(debtors).where(eq(debtors.id, me.debtorId)))!.creditorId;
    const taskId = one(
      await db
        .insert(callTasks)
        .values({ creditorId, debtorId: me.debtorId, reason: "test", dueAt: new Date(NOW) })
        .returning(),
    ).id;
    const log = (note: string) => calls.action(args(staffPost("/backoffice/calls", { taskId: String(taskId), outcome: "no_answer", note })));
    await refusedAll([
      ["1 MB", () => log("n".repeat(MB)), "note"],
      ["NUL", () => log("rappelé\u0000"), "note"],
      ["escape sequence", () => log("\u001b[2J effacé"), "note"],
      ["RTL override", () => log("client \u202Eeiténgis\u202C"), "note"],
    ]);
    const kept = await outcome<Response>(() => log("Répondeur.\nRappeler <script>alert(1)</script> lundi"));
    expect(kept.status).toBe(303);
    expect(first(await db.select().from(callTasks).where(eq(callTasks.id, taskId)))!.note).toBe("Répondeur.\nRappeler <script>alert(1)</script> lundi");
  });
});

describe("portal: promises, plans and payments", () => {
  const invoiceFields = (): [string, string][] => me.invoices.slice(0, 1).map((i) => ["invoice", String(i.id)]);

  it("refuses absurd promise dates and amounts", async () => {
    const send = (fields: [string, string][]) => promise.action(args(portalPost("/portal/promise", [...invoiceFields(), ["intent", "review"], ...fields])));
    await refusedAll([
      ...["1900-01-01", "9999-12-31", "2026-02-30", "NaN", "", "2026-12-01T00:00", "01/12/2026"].map((date): [string, () => unknown, string] => [
        `date ${date}`,
        () => send([["date", date]]),
        "date",
      ]),
      ...["0", "-1", "1e3", "NaN", "Infinity", "10000000000000", "0,001"].map((amount): [string, () => unknown, string] => [
        `amount ${amount}`,
        () =>
          send([
            ["date", "2026-12-01"],
            ["amount", amount],
          ]),
        "amount",
      ]),
      [
        "an invoice of another debtor only",
        () =>
          promise.action(
            args(
              portalPost("/portal/promise", [
                ["invoice", String(other.invoiceId)],
                ["date", "2026-12-01"],
                ["intent", "review"],
              ]),
            ),
          ),
        "invoices",
      ],
    ]);
  });

  it("records a promise for the session's debtor only, with the text it showed, whatever extra fields say", async () => {
    const db = getDb();
    const reviewed = (await promise.action(args(portalPost("/portal/promise", [...invoiceFields(), ["date", "2026-12-04"], ["intent", "review"]])))) as unknown as {
      ackText: string;
      echo: [string, string][];
    };
    const extras: [string, string][] = [
      ["debtorId", String(other.debtorId)],
      ["creditorId", "999"],
      ["status", "kept"],
      ["source", "staff"],
      ["acknowledgedIp", "1.2.3.4"],
      ["acknowledgmentText", "rien"],
      ["amountCents", "1"],
      ["invoice", String(other.invoiceId)],
    ];
    const otherBefore = (await db.select().from(promises).where(eq(promises.debtorId, other.debtorId))).length;
    await outcome(() => promise.action(args(portalPost("/portal/promise", [...reviewed.echo, ["ack", reviewed.ackText], ["intent", "confirm"], ...extras]))));
    const made = await db.select().from(promises).where(eq(promises.debtorId, me.debtorId));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      invoiceId: me.invoices[0]!.id,
      promisedDate: "2026-12-04",
      status: "open",
      source: "portal",
      amountCents: null,
      acknowledgmentText: reviewed.ackText,
      acknowledgedIp: "203.0.113.7",
    });
    expect((await db.select().from(promises).where(eq(promises.debtorId, other.debtorId))).length).toBe(otherBefore);
  });

  it("refuses absurd plans: 200 installments, zero, negative, fractional or exponent counts, dates in 1900 or 9999", async () => {
    const send = (count: string, start = "2026-12-05") =>
      plan.action(
        args(
          portalPost("/portal/plan", [
            ...me.invoices.slice(1).map((i): [string, string] => ["invoice", String(i.id)]),
            ["mode", "monthly"],
            ["count", count],
            ["start", start],
            ["intent", "review"],
          ]),
        ),
      );
    await refusedAll([
      ...["200", "0", "-3", "2.5", "1e1", "NaN", ""].map((count): [string, () => unknown, string] => [`count ${count}`, () => send(count), "count"]),
      ...["1900-01-01", "9999-12-31", "2026-13-01"].map((start): [string, () => unknown, string] => [`start ${start}`, () => send("3", start), "start"]),
    ]);
  });

  it("refuses absurd card-payment amounts before any checkout is created", async () => {
    const invoice = me.invoices[1]!;
    const before = await databaseDigest(getDb());
    for (const amount of ["-1", "0", "1e3", "NaN", "10000000000000", "0,001"]) {
      const refused = await outcome<Refused>(() =>
        pay.action(
          args(
            portalPost("/portal/pay", [
              ["invoice", String(invoice.id)],
              [`amount-${invoice.id}`, amount],
            ]),
          ),
        ),
      );
      expect(statusOf(refused), amount).toBe(400);
    }
    expect(await databaseDigest(getDb())).toEqual(before);
  });
});

describe("portal: receipts", () => {
  it("serves a receipt only at its own payment's plain id, for this debtor, writing nothing", async () => {
    const db = getDb();
    const paymentOf = async (mine: boolean) =>
      first(
        await db
          .select({ id: payments.id })
          .from(payments)
          .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
          .where(and(eq(payments.kind, "payment"), mine ? eq(invoices.debtorId, me.debtorId) : sql`${invoices.debtorId} <> ${me.debtorId}`)),
      )!.id;
    const own = await paymentOf(true);
    const get = (id: string) =>
      receipt.loader(args(new Request(`${BASE}/portal/documents/receipts/${encodeURIComponent(id)}`, { headers: { Cookie: session.cookie } }), { paymentId: id }));
    const before = await databaseDigest(db);
    expect(statusOf(await outcome(() => get(String(own))))).toBe(200);
    const hostile = [String(await paymentOf(false)), `0x${own.toString(16)}`, `${own}.0`, `+${own}`, ` ${own}`, `${own}e0`, `0${own}`, "0", "-1", "9".repeat(400), "../../1", ""];
    for (const id of hostile) expect(statusOf(await outcome(() => get(id))), JSON.stringify(id)).toBe(404);
    expect(await databaseDigest(db)).toEqual(before);
  });
});

describe("portal: contact details", () => {
  it("refuses names with line breaks (header injection), NUL, RTL overrides, and 1 MB names", async () => {
    const send = (contactName: string, purchaseOrderRef = "") =>
      contact.action(
        args(
          portalPost("/portal/contact", [
            ["preferredChannel", "email"],
            ["contactName", contactName],
            ["contactEmail", "lea@garage.fr"],
            ["contactPhone", ""],
            ["purchaseOrderRef", purchaseOrderRef],
            ["intent", "confirm"],
          ]),
        ),
      );
    await refusedAll([
      ["CRLF", () => send("Léa\r\nBcc: victim@example.com"), "name"],
      ["NUL", () => send("Léa\u0000Fournier"), "name"],
      ["RTL override", () => send("Léa \u202Ereirnuof"), "name"],
      ["1 MB", () => send("L".repeat(MB)), "name"],
      ["PO with CRLF", () => send("Léa", "PO-1\r\nX: y"), "po"],
    ]);
    const result = (await contact.action(
      args(
        portalPost("/portal/contact", [
          ["preferredChannel", "email"],
          ["contactName", "Léa\r\nBcc: victim@example.com"],
          ["contactEmail", "lea@garage.fr"],
          ["contactPhone", ""],
          ["purchaseOrderRef", ""],
          ["intent", "review"],
        ]),
      ),
    )) as unknown as Refused;
    expect(result.data.errors!.name).toBe("Ce texte contient des caractères invisibles ou de contrôle : retapez-le sans copier-coller.");
  });
});

describe("portal: files that lie", () => {
  const multipart = (fields: [string, string | File][]) => {
    const form = new FormData();
    form.append("csrf", session.csrf);
    for (const [name, value] of fields) form.append(name, value);
    return new Request(`${BASE}/portal/dispute`, { method: "POST", headers: { Origin: BASE, Cookie: session.cookie }, body: form });
  };
  const base = (): [string, string][] => [
    ["invoice", String(me.invoices[2]!.id)],
    ["reason", "quality"],
    ["message", "Porte rayée à la livraison."],
  ];

  it("refuses a Windows program renamed .pdf, and a 1 MB message", async () => {
    const exe = new File([new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04])], "facture.pdf", { type: "application/pdf" });
    const elf = new File([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])], "photo.png", { type: "image/png" });
    await refusedAll([
      ["MZ as PDF", () => dispute.action(args(multipart([...base(), ["files", exe]]))), "files"],
      ["ELF as PNG", () => dispute.action(args(multipart([...base(), ["files", elf]]))), "files"],
      [
        "1 MB message",
        () =>
          dispute.action(
            args(
              multipart([
                ["invoice", String(me.invoices[2]!.id)],
                ["reason", "quality"],
                ["message", "m".repeat(MB)],
              ]),
            ),
          ),
        "message",
      ],
    ]);
  });

  it("keeps a PDF/HTML polyglot only as a sandboxed download, under a name stripped of CRLF and quotes", async () => {
    const polyglot = new File([`%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF`], 'preuve"\r\nContent-Type: text/html\r\n.pdf', {
      type: "text/html",
    });
    const done = await outcome<{ data?: unknown }>(() => dispute.action(args(multipart([...base(), ["intent", "confirm"], ["reviewedFiles", "1"], ["files", polyglot]]))));
    expect(statusOf(done)).not.toBe(400);
    const db = getDb();
    const file = first(
      await db.select({ file: disputeFiles }).from(disputeFiles).innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId)).where(eq(disputes.debtorId, me.debtorId)),
    )!.file;
    expect(file.contentType).toBe("application/pdf");
    expect(file.originalName).not.toMatch(/[\r\n"]/);
    const response = (await staffFiles.loader(
      args(new Request(`${BASE}/backoffice/files/dispute/${file.id}`, { headers: { Cookie: staff } }), { kind: "dispute", id: String(file.id) }),
    )) as Response;
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="[^"\r\n]+"; filename\*=UTF-8''[^\s"]+$/);
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});

describe("bodies too large, declared or streamed", () => {
  /** A body sent in chunks without Content-Length: what a script, not a browser, can send to any form. */
  function chunked(bytes: number, prefix: string): ReadableStream<Uint8Array> {
    let sent = 0;
    return new ReadableStream({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(prefix));
        if (sent >= bytes) return controller.close();
        const chunk = new Uint8Array(256 * 1024).fill(0x61);
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  }
  const streamed = (path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>) =>
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { Origin: BASE, "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body,
      duplex: "half",
    } as RequestInit);

  it("refuses a 20 MB portal form and a 1 MB sign-in or new-link form with 413, writing nothing", async () => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    const attempts: [string, () => unknown][] = [
      ["dispute", () => dispute.action(args(streamed("/portal/dispute", chunked(20 * MB, `csrf=${session.csrf}&message=`), { Cookie: session.cookie })))],
      ["promise", () => promise.action(args(streamed("/portal/promise", chunked(20 * MB, `csrf=${session.csrf}&date=`), { Cookie: session.cookie })))],
      ["staff sign-in", () => login.action(args(streamed("/backoffice/login", chunked(MB, "email=a@b.fr&password="), { "X-Forwarded-For": "203.0.113.200" })))],
      ["new link", () => newLink.action(args(streamed("/link/new", chunked(MB, "email="), { "X-Forwarded-For": "203.0.113.201" })))],
    ];
    for (const [what, run] of attempts) expect(statusOf(await outcome(run)), what).toBe(413);
    const after = await databaseDigest(getDb(), { withRateLimits: true });
    // The sign-in and new-link limits count the attempt before reading the form (M17): nothing else moves.
    expect({ ...after, rate_limits: "" }).toEqual({ ...before, rate_limits: "" });
  });
});

describe("header injection through the sender's name", () => {
  it("a line break or an address typed into the creditor's sender name reaches no email header", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(debtors).where(eq(debtors.id, me.debtorId)))!.creditorId;
    await db.update(creditors).set({ senderName: 'Atelier\r\nBcc: victim@example.com\r\n"Banque" <boss@bank.example>' }).where(eq(creditors.id, creditorId));
    await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) });
    const sent = await db.select().from(devOutbox).where(eq(devOutbox.channel, "email"));
    expect(sent.length).toBeGreaterThan(0);
    for (const m of sent) {
      expect(m.fromAddress).not.toMatch(/[\r\n"]/);
      // Copies of debtors' commitments go to the creditor from Relance's own address.
      const from = m.idempotencyKey?.startsWith("creditor-copy:") ? "<relances@relance.test>" : "<relances@atelier-durand.fr>";
      expect(m.fromAddress.match(/<[^>]*>/g)).toEqual([from]);
    }
  }, 60_000);
});

describe("deceptive text in every owner-editable setting, team name and email subject", () => {
  const valid: Record<string, Record<string, string>> = {
    identity: {
      section: "identity",
      legalName: "Atelier Durand SARL",
      tradeName: "Atelier Durand",
      legalForm: "SARL",
      siren: "",
      vatNumber: "",
      addressLine: "14 rue de la Charité",
      postalCode: "69002",
      city: "Lyon",
      country: "FR",
      email: "compta@atelier-durand.fr",
      phone: "",
    },
    bank: { section: "bank", bankAccountHolder: "Atelier Durand", iban: "", bic: "" },
    branding: { section: "branding", displayName: "Durand", accentColor: "" },
    senders: { section: "senders", senderName: "Atelier Durand", senderEmail: "", smsSenderId: "" },
  };
  const textFields: [string, string][] = [
    ["identity", "legalName"],
    ["identity", "tradeName"],
    ["identity", "legalForm"],
    ["identity", "addressLine"],
    ["identity", "city"],
    ["bank", "bankAccountHolder"],
    ["branding", "displayName"],
    ["senders", "senderName"],
  ];
  const tricks: [string, string, RegExp][] = [
    ["CR/LF (a second email header)", "Atelier\r\nBcc: victim@example.com", /une ligne/],
    ["a bidi override", "Atelier\u202Eruoj", /sens de lecture/],
    ["a zero-width space", "Ate\u200Blier", /invisible/],
    ["an escape sequence", "Atelier\u001b[31m", /contrôle/],
  ];
  it.each(tricks)("refuses %s in each setting, next to the field, writing nothing", async (_, trick, message) => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const [section, field] of textFields) {
      const refused = (await outcome(() => settingsRoute.action(args(staffPost("/backoffice/settings", { ...valid[section], [field]: trick }))))) as {
        data: { fields?: Record<string, string> };
        init: { status: number };
      };
      expect(refused.init.status, `${section}.${field}`).toBe(400);
      expect(refused.data.fields?.[field], `${section}.${field}`).toMatch(message);
    }
    const member = (await outcome(() =>
      teamRoute.action(args(staffPost("/backoffice/team", { intent: "add", name: `Léa ${trick}`, email: "lea@atelier-durand.fr", role: "agent" }))),
    )) as { data: { fields?: Record<string, string> }; init: { status: number } };
    expect(member.init.status).toBe(400);
    expect(member.data.fields?.name).toMatch(message);
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });

  it("refuses a hidden character in an email template's subject, and drops them from its body", () => {
    expect(validateEmailTemplate({ subject: "Relance\u202E", body: "Bonjour" })).toMatchObject({ ok: false, errors: { subject: expect.stringMatching(/sens de lecture/) } });
    expect(validateEmailTemplate({ subject: "Relance", body: "Bon\u200Bjour\r\nà vous" })).toMatchObject({ ok: true, body: "Bonjour\nà vous" });
  });
});
