import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, desc, eq, sql } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { DEBTOR_ACTION_TYPES } from "~/services/shared/cadence.server";
import { loadStatementInput, statementLines } from "~/services/documents/account-statement.server";
import { tick } from "../../jobs/tick";
import { sha256 } from "~/services/auth/tokens.server";
import * as landing from "~/routes/l.$token";
import * as newLink from "~/routes/link.new";
import * as portal from "~/routes/portal._index";
import * as verify from "~/routes/portal.verify";
import * as documents from "~/routes/portal.documents._index";
import * as invoicePdf from "~/routes/portal.documents.invoices.$invoiceId";
import * as statementPdf from "~/routes/portal.documents.statement";
import * as contact from "~/routes/portal.contact";
import * as language from "~/routes/portal.language";
import {
  cadencePauses,
  commitmentEvidence,
  debtorContacts,
  debtorLinks,
  debtorSessions,
  debtors,
  devOutbox,
  invoices,
  outboundMessages,
  rateLimits,
  stepUpCodes,
  timelineEvents,
} from "../../db/tables";
import { args } from "../support/routes";
import { first } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
type Result<T = Record<string, unknown>> = { data: T; init: ResponseInit | null };

async function outcome<T = Response>(run: () => unknown): Promise<T> {
  try {
    return (await run()) as T;
  } catch (thrown) {
    return thrown as T;
  }
}

/** The web server's clock is TEST_FIXED_NOW: tests move it to cross code expiries and windows. */
function setNow(iso: string) {
  process.env.TEST_FIXED_NOW = iso;
  resetEnvCache();
}
const clock = () => process.env.TEST_FIXED_NOW!;
const later = (minutes: number) => new Date(new Date(clock()).getTime() + minutes * 60_000).toISOString();

let ipCounter = 0;
/** Each sign-in from its own address, so the per-IP exchange limit is only tested where meant. */
const freshIp = () => `198.51.100.${++ipCounter % 250}, 10.0.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`;

async function tokenFor(debtorId: number) {
  const env = getEnv();
  return signLink(env, await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(clock()) }));
}

async function signIn(debtorId: number): Promise<string> {
  const token = await tokenFor(debtorId);
  const request = new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE, "X-Forwarded-For": freshIp() }, body: new URLSearchParams() });
  const response = await outcome(() => landing.action(args(request, { token })));
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

const get = (path: string, cookie: string) => new Request(`${BASE}${path}`, { headers: { Cookie: cookie } });
const post = (path: string, cookie: string, fields: Record<string, string>) =>
  new Request(`${BASE}${path}`, { method: "POST", headers: { Cookie: cookie, Origin: BASE }, body: new URLSearchParams(fields) });

async function csrfOf(cookie: string): Promise<string> {
  return (await portal.loader(args(get("/portal", cookie)))).csrf;
}

async function sendCode(cookie: string, contactValue?: string) {
  const csrf = await csrfOf(cookie);
  const page = (await verify.loader(args(get("/portal/verify", cookie)))) as Awaited<ReturnType<typeof verify.loader>>;
  const choice = contactValue ?? page.choices[0]!.value;
  return outcome<Result>(() => verify.action(args(post("/portal/verify", cookie, { csrf, intent: "send", contact: choice }))));
}

/** The code as the debtor reads it: the newest message in the development outbox to that address. */
async function lastCodeSentTo(address: string): Promise<string> {
  const message = first(await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)))!;
  return /(\d{6})/.exec(message.subject ?? message.text)![1]!;
}

async function typeCode(cookie: string, code: string, returnTo = "/portal/documents") {
  const csrf = await csrfOf(cookie);
  return outcome<Result<{ status: string; message?: string }> | Response>(() => verify.action(args(post("/portal/verify", cookie, { csrf, intent: "verify", code, returnTo }))));
}

async function stepUp(debtorId: number): Promise<string> {
  const cookie = await signIn(debtorId);
  await sendCode(cookie);
  const email = first(
    await getDb()
      .select()
      .from(debtorContacts)
      .where(and(eq(debtorContacts.debtorId, debtorId), eq(debtorContacts.isPrimary, true))),
  )!.email!;
  const response = (await typeCode(cookie, await lastCodeSentTo(email))) as Response;
  expect(response.status).toBe(303);
  return cookie;
}

const count = async (table: typeof timelineEvents | typeof cadencePauses | typeof stepUpCodes | typeof devOutbox | typeof debtorSessions | typeof debtorContacts) =>
  first(
    await getDb()
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(table),
  )!.n;

let martin: { id: number; email: string; phone: string };

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  setNow(NOW);
  closeDb();
  const db = getDb();
  await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) });
  const c = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, "compta@boulangerie-martin.fr")))!;
  martin = { id: c.debtorId, email: c.email!, phone: c.phone! };
});

beforeEach(() => setNow(NOW));

describe("step-up by a code sent to a contact on file", () => {
  it("sends documents and contact changes to the code page first, and a forwarded link sees only invoices", async () => {
    const cookie = await signIn(martin.id);
    const home = await portal.loader(args(get("/portal", cookie)));
    // Before step-up the home shows creditor, invoice numbers, amounts and due dates: no address, phone or document.
    expect(JSON.stringify(home)).not.toMatch(/@|\+33|\.pdf/);
    for (const [run, path] of [
      [() => documents.loader(args(get("/portal/documents", cookie))), "/portal/documents"],
      [() => statementPdf.loader(args(get("/portal/documents/statement", cookie))), "/portal/documents/statement"],
      [() => contact.loader(args(get("/portal/contact", cookie))), "/portal/contact"],
    ] as const) {
      const response = await outcome(run);
      expect(response.status, path).toBe(303);
      expect(response.headers.get("Location")).toBe(`/portal/verify?returnTo=${encodeURIComponent(path)}`);
    }
    const csrf = home.csrf;
    const before = JSON.stringify(first(await getDb().select().from(debtors).where(eq(debtors.id, martin.id))));
    const refused = await outcome(() => contact.action(args(post("/portal/contact", cookie, { csrf, intent: "confirm", preferredChannel: "sms", purchaseOrderRef: "PO-1" }))));
    expect(refused.status).toBe(303);
    expect(JSON.stringify(first(await getDb().select().from(debtors).where(eq(debtors.id, martin.id))))).toBe(before);
  });

  it("offers only the contacts on file, masked, and sends a 6-digit code without a link, keeping only its hash", async () => {
    const cookie = await signIn(martin.id);
    const page = await verify.loader(args(get("/portal/verify?returnTo=%2Fportal%2Fcontact", cookie)));
    expect(page.returnTo).toBe("/portal/contact");
    expect(page.choices.map((c) => c.label)).toEqual(["c***@b***.fr", "+33 6 ** ** ** 01"]);
    expect(JSON.stringify(page)).not.toContain("boulangerie-martin");

    const sent = await sendCode(cookie);
    expect(sent.data).toEqual({ status: "sent", to: "c***@b***.fr" });
    const message = first(await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, martin.email)).orderBy(desc(devOutbox.id)))!;
    const code = await lastCodeSentTo(martin.email);
    expect(message.text).not.toContain("/l/");
    const row = first(await getDb().select().from(stepUpCodes).orderBy(desc(stepUpCodes.id)))!;
    expect(row.codeHash).not.toContain(code);
    expect(row.sentTo).toBe("c***@b***.fr");
    expect(row.expiresAt.getTime() - new Date(NOW).getTime()).toBe(10 * 60_000);
    const outbox = first(
      await getDb()
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.key, `notice:step-up-${row.id}:email`)),
    )!;
    expect(outbox.bodyText).not.toContain(code);
    expect((await verify.loader(args(get("/portal/verify", cookie)))).pendingTo).toBe("c***@b***.fr");
  });

  it("sends by SMS to the phone on file when chosen", async () => {
    const cookie = await signIn(martin.id);
    await sendCode(cookie, `sms:${first(await getDb().select().from(debtorContacts).where(eq(debtorContacts.phone, martin.phone)))!.id}`);
    const sms = first(await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, martin.phone)).orderBy(desc(devOutbox.id)))!;
    expect(sms.text).toMatch(/\b\d{6}\b/);
    expect(sms.text).not.toContain("/l/");
  });

  it("refuses a contact that is not this debtor's", async () => {
    const cookie = await signIn(martin.id);
    const other = first(
      await getDb()
        .select()
        .from(debtorContacts)
        .where(sql`${debtorContacts.debtorId} <> ${martin.id}`),
    )!;
    const before = await count(stepUpCodes);
    const result = await sendCode(cookie, `email:${other.id}`);
    expect(result.data).toMatchObject({ status: "error", field: "contact" });
    expect(await count(stepUpCodes)).toBe(before);
  });

  it("accepts the right code once, then returns where the debtor was going", async () => {
    const cookie = await signIn(martin.id);
    await sendCode(cookie);
    const code = await lastCodeSentTo(martin.email);
    const response = (await typeCode(cookie, code, "/portal/documents")) as Response;
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/portal/documents");
    const page = await documents.loader(args(get("/portal/documents", cookie)));
    expect(page.invoices.length).toBeGreaterThan(0);
    // Each payment's receipt of the last 12 months, the same ones the home links to.
    const settled = (await portal.loader(args(get("/portal", cookie)))).settled;
    expect(settled.length).toBeGreaterThan(0);
    expect(page.receipts.map((r) => r.id)).toEqual(settled.flatMap((invoice) => invoice.receipts.map((r) => r.id)));
    expect(page.receipts[0]!.label).toMatch(/^Reçu du paiement du .+, facture .+ \(PDF\)$/);
    // Reuse: the same code again is refused as used.
    const again = (await typeCode(cookie, code)) as Result<{ message: string }>;
    expect(again.data.message).toBe("Ce code a déjà servi. Demandez un nouveau code si besoin.");
    expect((await getDb().select().from(timelineEvents).where(eq(timelineEvents.type, "portal.stepped_up"))).length).toBeGreaterThan(0);
  });

  it("never leaves the portal after the code", async () => {
    const cookie = await signIn(martin.id);
    await sendCode(cookie);
    const response = (await typeCode(cookie, await lastCodeSentTo(martin.email), "https://evil.example/portal")) as Response;
    expect(response.headers.get("Location")).toBe("/portal");
  });

  it("counts wrong codes down, and after 5 even the right one is refused", async () => {
    const cookie = await signIn(martin.id);
    await sendCode(cookie);
    const code = await lastCodeSentTo(martin.email);
    const wrong = code === "000000" ? "111111" : "000000";
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) messages.push(((await typeCode(cookie, wrong)) as Result<{ message: string }>).data.message);
    expect(messages).toEqual([
      "Ce code n'est pas le bon. Il vous reste 4 essais.",
      "Ce code n'est pas le bon. Il vous reste 3 essais.",
      "Ce code n'est pas le bon. Il vous reste 2 essais.",
      "Ce code n'est pas le bon. Il vous reste 1 essai.",
      "Trop d'essais pour ce code : il ne fonctionne plus. Demandez un nouveau code.",
    ]);
    const sixth = (await typeCode(cookie, code)) as Result<{ message: string }>;
    expect(sixth.data.message).toBe("Trop d'essais pour ce code : il ne fonctionne plus. Demandez un nouveau code.");
    const documentsAfter = await outcome(() => documents.loader(args(get("/portal/documents", cookie))));
    expect(documentsAfter.status).toBe(303);
  });

  it("refuses an expired code with its own message", async () => {
    const cookie = await signIn(martin.id);
    await sendCode(cookie);
    const code = await lastCodeSentTo(martin.email);
    setNow(later(10));
    const result = (await typeCode(cookie, code)) as Result<{ message: string }>;
    expect(result.data.message).toBe("Ce code a expiré ou a été remplacé par un plus récent. Demandez un nouveau code.");
  });

  it("refuses a code replaced by a newer one", async () => {
    const cookie = await signIn(martin.id);
    await sendCode(cookie);
    const initial = await lastCodeSentTo(martin.email);
    await sendCode(cookie);
    const second = await lastCodeSentTo(martin.email);
    if (initial !== second) {
      const result = (await typeCode(cookie, initial)) as Result<{ message: string }>;
      expect(result.data.message).toMatch(/expiré ou a été remplacé/);
    }
    expect(((await typeCode(cookie, second)) as Response).status).toBe(303);
  });

  it("refuses another session's code, even of the same debtor", async () => {
    const alice = await signIn(martin.id);
    const mallory = await signIn(martin.id);
    await sendCode(mallory);
    await sendCode(alice);
    const alicesCode = await lastCodeSentTo(martin.email);
    const result = (await typeCode(mallory, alicesCode)) as Result<{ status: string; message: string }>;
    // Unless the two random codes happen to be equal (one in a million), Alice's code means nothing to Mallory.
    expect(result.data.status).toBe("error");
    expect(result.data.message).toMatch(/n'est pas le bon/);
  });

  it("says what is wrong with a malformed code and asks for a code first when none was sent", async () => {
    const cookie = await signIn(martin.id);
    expect(((await typeCode(cookie, "12a45")) as Result<{ message: string }>).data.message).toBe("Saisissez les 6 chiffres du code reçu, sans espace.");
    expect(((await typeCode(cookie, "123456")) as Result<{ message: string }>).data.message).toBe("Demandez d'abord un code.");
  });
});

describe("documents after step-up", () => {
  it("downloads this debtor's invoice copy and statement as attachments, and 404s for anyone else's invoice", async () => {
    const cookie = await stepUp(martin.id);
    const own = first(
      await getDb()
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, martin.id), eq(invoices.status, "open"))),
    )!;
    const response = (await invoicePdf.loader(args(get(`/portal/documents/invoices/${own.id}`, cookie), { invoiceId: String(own.id) }))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="facture-${own.number}.pdf"`);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const others = await getDb()
      .select()
      .from(invoices)
      .where(sql`${invoices.debtorId} <> ${martin.id}`);
    for (const id of [String(others[0]!.id), String(others.at(-1)!.id), "99999", "abc", "-1"]) {
      const refused = await outcome(() => invoicePdf.loader(args(get(`/portal/documents/invoices/${id}`, cookie), { invoiceId: id })));
      expect(refused.status, id).toBe(404);
    }

    const statement = (await statementPdf.loader(args(get("/portal/documents/statement", cookie)))) as Response;
    expect(statement.headers.get("Content-Disposition")).toBe('attachment; filename="releve-2026-11-20.pdf"');
    expect(
      Buffer.from(await statement.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
  });

  it("lists every open invoice, payments, the balance, and penalties for professionals only", async () => {
    const db = getDb();
    const text = async (debtorId: number) => statementLines((await loadStatementInput(db, debtorId, "fr", "2026-11-20", "Europe/Paris"))!).map((l) => l.text);
    const overdueBusiness = first(
      await db
        .select({ debtorId: invoices.debtorId })
        .from(invoices)
        .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
        .where(and(eq(debtors.kind, "business"), eq(invoices.status, "open"), sql`${invoices.dueDate} < '2026-11-20'`)),
    )!.debtorId;
    const business = await text(overdueBusiness);
    const open = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, overdueBusiness), eq(invoices.status, "open")));
    for (const invoice of open) expect(business.join("\n")).toContain(`Facture ${invoice.number}`);
    expect(business).toContain("Paiements reçus");
    expect(business.some((l) => l.startsWith("Solde dû : "))).toBe(true);
    expect(business).toContain("Pénalités de retard");

    const consumer = await db.select().from(debtors).where(eq(debtors.kind, "consumer"));
    for (const d of consumer) expect((await text(d.id)).join("\n")).not.toMatch(/Pénalités|indemnité/);
  });

  it("a document request pauses reminders 7 days, once, with one event and a notice", async () => {
    const db = getDb();
    // A debtor the cadence would contact before the pause ends (27 November, 10:00 in Paris).
    const week = (await dryRun(db, { from: "2026-11-20", to: "2026-11-27" })).filter((r) => r.channel !== "-" && r.when < "2026-11-27 10:00");
    expect(week.length).toBeGreaterThan(0);
    const debtorId = week[0]!.debtorId;
    const cookie = await stepUp(debtorId);
    const csrf = await csrfOf(cookie);
    const before = { pauses: await count(cadencePauses), events: await count(timelineEvents), outbox: await count(devOutbox) };

    const invalid = (await documents.action(args(post("/portal/documents", cookie, { csrf, intent: "review", kind: "other", invoiceId: "", note: "" })))) as unknown as Result;
    expect(invalid.init?.status).toBe(400);
    expect(invalid.data).toMatchObject({ step: "edit", errors: { note: expect.any(String) } });
    const notMine = first(
      await getDb()
        .select()
        .from(invoices)
        .where(sql`${invoices.debtorId} <> ${debtorId}`),
    )!;
    const wrongInvoice = (await documents.action(
      args(post("/portal/documents", cookie, { csrf, intent: "review", kind: "delivery_note", invoiceId: String(notMine.id), note: "" })),
    )) as unknown as Result;
    expect(wrongInvoice.data).toMatchObject({ step: "edit", errors: { invoice: expect.any(String) } });

    const fields = { csrf, kind: "purchase_order", invoiceId: "", note: "Réf. client 4411" };
    const review = (await documents.action(args(post("/portal/documents", cookie, { ...fields, intent: "review" })))) as unknown as Result;
    expect(review.data).toMatchObject({ step: "review", untilLabel: "27 novembre 2026" });
    expect(await count(cadencePauses)).toBe(before.pauses);

    const done = (await documents.action(args(post("/portal/documents", cookie, { ...fields, intent: "confirm" })))) as unknown as Result;
    expect(done.data).toEqual({ step: "done", untilLabel: "27 novembre 2026" });
    await documents.action(args(post("/portal/documents", cookie, { ...fields, intent: "confirm" })));
    expect(await count(cadencePauses)).toBe(before.pauses + 1);
    const pause = first(await db.select().from(cadencePauses).orderBy(desc(cadencePauses.id)))!;
    expect(pause).toMatchObject({ debtorId, reason: "document_requested", owner: "system", invoiceId: null });
    expect(pause.endsAt!.getTime() - new Date(NOW).getTime()).toBe(7 * 86_400_000);
    const events = await db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "document.requested")));
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe("debtor");
    expect(await count(devOutbox)).toBe(before.outbox + 1);

    // The cadence: nothing for this debtor during the 7 days, reminders again afterwards.
    const after = (await dryRun(db, { from: "2026-11-20", to: "2026-12-31", debtorId })).filter((r) => r.channel !== "-");
    expect(after.filter((r) => r.when < "2026-11-27 10:00")).toEqual([]);
    expect(after.length).toBeGreaterThan(0);
  });
});

describe("contact preferences after step-up", () => {
  it("validates each field and changes nothing on bad input", async () => {
    const cookie = await stepUp(martin.id);
    const csrf = await csrfOf(cookie);
    const before = { debtor: JSON.stringify(first(await getDb().select().from(debtors).where(eq(debtors.id, martin.id)))), contacts: await count(debtorContacts) };
    const attempt = async (fields: Record<string, string>) =>
      (await contact.action(
        args(
          post("/portal/contact", cookie, {
            csrf,
            intent: "confirm",
            preferredChannel: "email",
            contactName: "",
            contactEmail: "",
            contactPhone: "",
            purchaseOrderRef: "",
            ...fields,
          }),
        ),
      )) as unknown as Result<{ step: string; errors: Record<string, string> }>;
    expect((await attempt({ preferredChannel: "pigeon" })).data.errors.channel).toBe("Choisissez un moyen de contact.");
    expect((await attempt({ contactName: "Léa", contactEmail: "lea@" })).data.errors.email).toMatch(/adresse e-mail complète/);
    expect((await attempt({ contactName: "Léa", contactPhone: "06 12" })).data.errors.phone).toMatch(/numéro de téléphone valide/);
    expect((await attempt({ contactEmail: "lea@exemple.fr" })).data.errors.name).toMatch(/nom du contact/);
    expect((await attempt({ contactName: "Léa" })).data.errors.reach).toMatch(/au moins un e-mail ou un téléphone/);
    expect((await attempt({ purchaseOrderRef: "x".repeat(61) })).data.errors.po).toMatch(/60 caractères/);
    const invalid = await attempt({ preferredChannel: "pigeon" });
    expect(invalid.init?.status).toBe(400);
    expect(JSON.stringify(first(await getDb().select().from(debtors).where(eq(debtors.id, martin.id))))).toBe(before.debtor);
    expect(await count(debtorContacts)).toBe(before.contacts);
  });

  it("records channel, new primary contact and PO number after review, with one event and a notice to the previous address", async () => {
    // Another debtor than the one above, with a phone on file.
    const target = first(await getDb().select().from(debtorContacts).where(eq(debtorContacts.email, "factures@garage-des-alpes.fr")))!;
    const cookie = await stepUp(target.debtorId);
    const csrf = await csrfOf(cookie);
    const beforeDry = JSON.stringify(await dryRun(getDb(), { from: "2026-11-20", to: "2026-12-31", debtorId: target.debtorId }));
    const fields = {
      csrf,
      preferredChannel: "sms",
      contactName: "Léa Fournier",
      contactEmail: " Lea.Fournier@Garage-des-Alpes.fr ",
      contactPhone: "06 98 76 54 32",
      purchaseOrderRef: "BC-2026-118",
    };
    const review = (await contact.action(args(post("/portal/contact", cookie, { ...fields, intent: "review" })))) as unknown as Result<{
      step: string;
      values: Record<string, string>;
      changes: string[];
    }>;
    expect(review.data.step).toBe("review");
    expect(review.data.values).toMatchObject({ contactEmail: "lea.fournier@garage-des-alpes.fr", contactPhone: "+33698765432" });
    expect(review.data.changes).toEqual(["Moyen de contact préféré : SMS.", "Nouveau contact comptabilité : Léa Fournier.", "Numéro de bon de commande : BC-2026-118."]);
    const before = { debtorEvents: (await getDb().select().from(timelineEvents).where(eq(timelineEvents.actor, "debtor"))).length, contacts: await count(debtorContacts) };

    const confirm = { ...review.data.values, csrf, intent: "confirm" };
    const done = (await contact.action(args(post("/portal/contact", cookie, confirm)))) as unknown as Result<{ step: string; changes: string[] }>;
    expect(done.data.step).toBe("done");
    expect(done.data.changes.length).toBeGreaterThan(0);
    const twice = (await contact.action(args(post("/portal/contact", cookie, confirm)))) as unknown as Result<{ step: string; changes: string[] }>;
    expect(twice.data).toEqual({ step: "done", changes: [] });

    const debtor = first(await getDb().select().from(debtors).where(eq(debtors.id, target.debtorId)))!;
    expect(debtor).toMatchObject({ preferredChannel: "sms", purchaseOrderRef: "BC-2026-118" });
    const contacts = await getDb().select().from(debtorContacts).where(eq(debtorContacts.debtorId, target.debtorId));
    expect(await count(debtorContacts)).toBe(before.contacts + 1);
    expect(contacts.filter((c) => c.isPrimary)).toEqual([
      expect.objectContaining({ name: "Léa Fournier", role: "accounts_payable", email: "lea.fournier@garage-des-alpes.fr", phone: "+33698765432" }),
    ]);
    expect(contacts.find((c) => c.id === target.id)).toMatchObject({ email: "factures@garage-des-alpes.fr", isPrimary: false });
    const events = (await getDb().select().from(timelineEvents).where(eq(timelineEvents.debtorId, target.debtorId))).filter((e) => e.type === "contact.updated");
    expect(events).toHaveLength(1);
    const byDebtor = await getDb().select().from(timelineEvents).where(eq(timelineEvents.actor, "debtor"));
    expect(byDebtor.length).toBe(before.debtorEvents + 1);
    expect(DEBTOR_ACTION_TYPES).not.toContain("contact.updated");
    // Not a debtor action: the cadence plans exactly what it planned before.
    expect(JSON.stringify(await dryRun(getDb(), { from: "2026-11-20", to: "2026-12-31", debtorId: target.debtorId }))).toBe(beforeDry);

    const notices = await getDb()
      .select()
      .from(devOutbox)
      .where(sql`${devOutbox.subject} like '%coordonnées ont été modifiées%'`);
    expect(notices.map((n) => n.toAddress).sort()).toEqual(["factures@garage-des-alpes.fr", "lea.fournier@garage-des-alpes.fr"]);
    // The heads-up to the old address carries no way in (M14): no link in it, and the links already
    // out are revoked, all but the one this session came from.
    expect(notices.find((n) => n.toAddress === "factures@garage-des-alpes.fr")!.text).not.toMatch(/\/l\//);
    const links = await getDb().select().from(debtorLinks).where(eq(debtorLinks.debtorId, target.debtorId));
    const live = links.filter((l) => l.revokedAt === null);
    expect(links.some((l) => l.revokedReason === "contact changed")).toBe(true);
    expect(live.filter((l) => l.sentToHash === sha256("factures@garage-des-alpes.fr"))).toEqual([]);
    expect(live.length).toBeGreaterThan(0);

    // M22: the creditor's owner gets a copy of what changed, with the evidence kept on record.
    const evidence = await getDb()
      .select()
      .from(commitmentEvidence)
      .where(and(eq(commitmentEvidence.debtorId, target.debtorId), eq(commitmentEvidence.kind, "contact_change")));
    expect(evidence).toEqual([expect.objectContaining({ recordId: events[0]!.id, acknowledgmentText: review.data.changes.join(" ; "), acknowledgedAt: new Date(NOW) })]);
    const copy = await getDb()
      .select()
      .from(devOutbox)
      .where(and(eq(devOutbox.toAddress, "demo@atelier-durand.fr"), sql`${devOutbox.subject} like 'Copie : Changement de coordonnées%'`));
    expect(copy).toHaveLength(1);
    expect(copy[0]!.text).toContain("Nouveau contact comptabilité : Léa Fournier.");
  });

  it("asks for a phone before SMS when none is on file", async () => {
    const noPhone = first(
      await getDb()
        .select()
        .from(debtorContacts)
        .where(sql`${debtorContacts.phone} is null and ${debtorContacts.email} is not null`),
    );
    if (!noPhone) {
      // The demo has a phone for every debtor: take one away for this case.
      await getDb().update(debtorContacts).set({ phone: null }).where(eq(debtorContacts.email, "direction@hotel-du-parc.fr"));
    }
    const debtorId = noPhone?.debtorId ?? first(await getDb().select().from(debtorContacts).where(eq(debtorContacts.email, "direction@hotel-du-parc.fr")))!.debtorId;
    const cookie = await stepUp(debtorId);
    const csrf = await csrfOf(cookie);
    const result = (await contact.action(
      args(post("/portal/contact", cookie, { csrf, intent: "review", preferredChannel: "sms", contactName: "", contactEmail: "", contactPhone: "", purchaseOrderRef: "" })),
    )) as unknown as Result<{ errors: Record<string, string> }>;
    expect(result.data.errors.phone).toBe("Pour être contacté par SMS ou téléphone, indiquez un numéro de téléphone.");
  });
});

describe("language", () => {
  it("is stored on the debtor for the portal and later messages, from any portal page, and returns to that page only", async () => {
    const debtorId = first(await getDb().select().from(debtorContacts).where(eq(debtorContacts.email, "administratif@lefevre-archi.fr")))!.debtorId;
    const cookie = await signIn(debtorId);
    const csrf = await csrfOf(cookie);
    const response = (await language.action(args(post("/portal/language", cookie, { csrf, locale: "en", returnTo: "/portal/invoices/1" })))) as Response;
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/portal/invoices/1");
    expect(first(await getDb().select().from(debtors).where(eq(debtors.id, debtorId)))!.locale).toBe("en");
    expect((await portal.loader(args(get("/portal", cookie)))).locale).toBe("en");
    const away = (await language.action(args(post("/portal/language", cookie, { csrf, locale: "fr", returnTo: "https://evil.example/" })))) as Response;
    expect(away.headers.get("Location")).toBe("/portal");
    const forged = await outcome(() => language.action(args(post("/portal/language", cookie, { csrf: "forged", locale: "en", returnTo: "/portal" }))));
    expect(forged.status).toBe(403);
    expect(first(await getDb().select().from(debtors).where(eq(debtors.id, debtorId)))!.locale).toBe("fr");
  });
});

describe("rate limits (M17)", () => {
  it("link exchanges: 60 per address per 10 minutes, then 429 that creates nothing, and again in the next window", async () => {
    setNow("2026-11-20T10:00:00Z");
    const token = await tokenFor(martin.id);
    const exchange = () =>
      outcome<Response | Result>(() =>
        landing.action(
          args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE, "X-Forwarded-For": "203.0.113.7" }, body: new URLSearchParams() }), { token }),
        ),
      );
    for (let i = 0; i < 60; i++) expect(((await exchange()) as Response).status).toBe(303);
    const sessions = await count(debtorSessions);
    const refused = (await exchange()) as Result<{ status: string; retryAt: string }>;
    expect(refused.init?.status).toBe(429);
    expect(new Headers(refused.init?.headers).get("Retry-After")).toBe("600");
    expect(refused.data).toMatchObject({ status: "rate_limited", retryAt: "2026-11-20T10:10:00.000Z" });
    expect(await count(debtorSessions)).toBe(sessions);
    // Another address is not affected.
    const elsewhere = await outcome(() =>
      landing.action(
        args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE, "X-Forwarded-For": "203.0.113.8" }, body: new URLSearchParams() }), { token }),
      ),
    );
    expect(elsewhere.status).toBe(303);
    setNow("2026-11-20T10:10:00Z");
    expect(((await exchange()) as Response).status).toBe(303);
  });

  it("new links: 10 per client address and 3 per address typed per hour", async () => {
    setNow("2026-11-20T11:00:00Z");
    const ask = (email: string, ip: string) =>
      newLink.action(
        args(new Request(`${BASE}/link/new`, { method: "POST", headers: { Origin: BASE, "X-Forwarded-For": ip }, body: new URLSearchParams({ email }) })),
      ) as unknown as Promise<{ status: string } | Result<{ status: string; retryAt: string }>>;
    for (let i = 0; i < 10; i++) expect(await ask(`nobody${i}@nowhere.example`, "203.0.113.20")).toEqual({ status: "sent" });
    const byIp = (await ask("compta@boulangerie-martin.fr", "203.0.113.20")) as Result<{ status: string; retryAt: string }>;
    expect(byIp.init?.status).toBe(429);
    expect(byIp.data.retryAt).toBe("2026-11-20T12:00:00.000Z");

    const outbox = await count(devOutbox);
    for (let i = 0; i < 3; i++) expect(await ask("Garage@Example.fr", `203.0.113.${30 + i}`)).toEqual({ status: "sent" });
    const byAddress = (await ask("garage@example.fr ", "203.0.113.40")) as Result<{ status: string }>;
    expect(byAddress.init?.status).toBe(429);
    expect(await count(devOutbox)).toBe(outbox);
    setNow("2026-11-20T12:00:00Z");
    expect(await ask("garage@example.fr", "203.0.113.40")).toEqual({ status: "sent" });
    expect(await ask("someone@example.fr", "203.0.113.20")).toEqual({ status: "sent" });
  });

  it("code sends: 3 per session per quarter hour; the 4th sends nothing", async () => {
    setNow("2026-11-20T13:00:00Z");
    const cookie = await signIn(martin.id);
    for (let i = 0; i < 3; i++) expect((await sendCode(cookie)).data).toMatchObject({ status: "sent" });
    const before = { codes: await count(stepUpCodes), outbox: await count(devOutbox) };
    const refused = await sendCode(cookie);
    expect(refused.init?.status).toBe(429);
    expect(refused.data).toMatchObject({ status: "rate_limited", retryAt: "2026-11-20T13:15:00.000Z" });
    expect({ codes: await count(stepUpCodes), outbox: await count(devOutbox) }).toEqual(before);
    setNow("2026-11-20T13:15:00Z");
    expect((await sendCode(cookie)).data).toMatchObject({ status: "sent" });
  });

  it("code entries: 10 per session per quarter hour, whatever the code; the 11th is not even checked", async () => {
    setNow("2026-11-20T14:00:00Z");
    const cookie = await signIn(martin.id);
    await sendCode(cookie);
    await typeCode(cookie, "12345x");
    for (let i = 0; i < 4; i++) await typeCode(cookie, "999999");
    await sendCode(cookie);
    for (let i = 0; i < 5; i++) await typeCode(cookie, "999998");
    const code = await lastCodeSentTo(martin.email);
    const attemptsBefore = first(await getDb().select().from(stepUpCodes).orderBy(desc(stepUpCodes.id)))!.attempts;
    const refused = (await typeCode(cookie, code)) as Result<{ status: string }>;
    expect(refused.init?.status).toBe(429);
    expect(refused.data.status).toBe("rate_limited");
    expect(first(await getDb().select().from(stepUpCodes).orderBy(desc(stepUpCodes.id)))!.attempts).toBe(attemptsBefore);
    setNow("2026-11-20T14:15:00Z");
    await sendCode(cookie);
    expect(((await typeCode(cookie, await lastCodeSentTo(martin.email))) as Response).status).toBe(303);
  });

  it("stores no address in clear in its counters", async () => {
    const keys = (await getDb().select().from(rateLimits)).map((r) => r.key).join(" ");
    expect(keys).not.toMatch(/@|203\.0\.113/);
  });
});
