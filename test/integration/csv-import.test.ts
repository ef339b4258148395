import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { freshDb } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { importSettled } from "~/services/backoffice/imports.server";
import { recordInvoicePayment } from "~/services/shared/payment-recording.server";
import * as importPage from "~/routes/backoffice.import";
import * as issuesCsv from "~/routes/backoffice.import_.$runId.issues[.]csv";
import * as progress from "~/routes/backoffice.import_.$runId.progress";
import * as template from "~/routes/backoffice.import_.template[.]csv";
import { debtorContacts, debtors, importRuns, invoiceTermsFlags, invoices, staffUsers } from "../../db/schema";
import { args, outcome, staffCsrf } from "../support/routes";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
let cookie: string;
let readOnlyCookie: string;
let creditorId: number;

function upload(content: string | Uint8Array, name = "factures.csv", as = cookie) {
  const form = new FormData();
  form.set("csrf", staffCsrf(as));
  form.append("intent", "preview");
  form.append("file", new File([typeof content === "string" ? new TextEncoder().encode(content) : Buffer.from(content)], name, { type: "text/csv" }));
  return new Request(`${BASE}/backoffice/import`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: form });
}
function intent(name: "confirm" | "cancel", runId: number, as = cookie) {
  const form = new FormData();
  form.set("csrf", staffCsrf(as));
  form.append("intent", name);
  form.append("runId", String(runId));
  return new Request(`${BASE}/backoffice/import`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: form });
}
const get = (path: string, as = cookie) => new Request(`${BASE}${path}`, { headers: { Cookie: as } });
type PageData = Awaited<ReturnType<typeof importPage.loader>>;

/** Preview a file: the run id from the redirect, and the page as the staff member sees it. */
async function preview(content: string | Uint8Array, name?: string) {
  const response = (await outcome(() => importPage.action(args(upload(content, name))))) as Response;
  expect(response.status).toBe(303);
  const runId = Number(new URL(response.headers.get("Location")!, BASE).searchParams.get("run"));
  const page = (await importPage.loader(args(get(`/backoffice/import?run=${runId}`)))) as PageData;
  return { runId, page };
}
async function confirm(runId: number) {
  const response = (await outcome(() => importPage.action(args(intent("confirm", runId))))) as Response;
  expect(response.status).toBe(303);
  await importSettled(runId);
  return (await importPage.loader(args(get(`/backoffice/import?run=${runId}`)))) as PageData;
}

/** Everything intake may touch, to prove that nothing changed. */
function snapshot() {
  const db = getDb();
  return {
    debtors: db.select().from(debtors).where(eq(debtors.creditorId, creditorId)).all(),
    contacts: db.select().from(debtorContacts).all(),
    invoices: db.select().from(invoices).where(eq(invoices.creditorId, creditorId)).all(),
    flags: db.select().from(invoiceTermsFlags).all(),
  };
}

const HEADER = "ref_client;nom_client;type_client;email;telephone;numero_facture;montant;date_facture;echeance;delai_jours;conditions";
const GOOD = [
  "T-001;Menuiserie Lefèvre;professionnel;compta@lefevre.fr;06 12 34 56 78;T2026-001;1 234,56;02/11/2026;;30;",
  "T-001;Menuiserie Lefèvre;professionnel;compta@lefevre.fr;06 12 34 56 78;T2026-002;480,00;05/11/2026;05/12/2026;;",
  "T-002;Claire Dubois;particulier;claire@example.fr;;T2026-003;99.90;2026-10-01;;;30 jours",
];
const BAD = [
  "T-003;Garage Martin;professionnel;garage@example.fr;;T2026-004;-50;02/11/2026;;30;", // negative amount
  "T-004;;professionnel;x@example.fr;;T2026-005;100;02/11/2026;;30;", // no name
  "T-005;Dupont SA;professionnel;dupont@example.fr;;T2026-006;100;31/02/2026;;30;", // no such date
];
const LONG_TERMS = "T-006;Transports Roux;professionnel;roux@example.fr;;T2026-007;5000;01/09/2026;30/11/2026;;"; // 90 days

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  process.env.DATABASE_PATH = path;
  process.env.TEST_FIXED_NOW = NOW;
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-imports-"));
  resetEnvCache();
  closeDb();
  const db = getDb();
  creditorId = db.select().from(staffUsers).get()!.creditorId;
  db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash }).run();
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  readOnlyCookie = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
}, 60_000);

describe("the CSV import", () => {
  let firstRun: number;

  it("previews a file without writing anything: the lines as read, the counts, the refused rows and the warnings", async () => {
    const before = snapshot();
    const { runId, page } = await preview([HEADER, ...GOOD, ...BAD, LONG_TERMS].join("\r\n"));
    firstRun = runId;
    expect(snapshot()).toEqual(before);
    const run = page.run!;
    expect(run.status).toBe("previewed");
    expect(run.counts).toEqual({ debtors: { created: 3, updated: 0, unchanged: 0 }, invoices: { created: 4, updated: 0, unchanged: 0 }, errors: 3, warnings: 1 });
    expect(run.lines[0]).toMatchObject({ rowNumber: 2, debtorRef: "T-001", number: "T2026-001", amount: expect.stringMatching(/^1\s234,56\s€$/), issueDate: "2 novembre 2026", dueDate: "2 décembre 2026" });
    expect(run.issues.map((i) => [i.rowNumber, i.column, i.severity])).toEqual([
      [5, "montant", "error"],
      [6, "nom_client", "error"],
      [7, "date_facture", "error"],
      [8, "echeance", "warning"],
    ]);
    expect(run.issues[0]!.message).toMatch(/positif/);
    expect(run.issues[3]!.message).toMatch(/90 jours.*limite légale/);
  });

  it("imports the valid rows on confirmation, not the refused ones, and flags the long terms", async () => {
    const page = await confirm(firstRun);
    expect(page.run!.status).toBe("done");
    expect(page.run!.processedRows).toBe(7);
    expect(page.run!.counts).toMatchObject({ invoices: { created: 4, updated: 0, unchanged: 0 }, errors: 3 });
    const db = getDb();
    const lefevre = db.select().from(debtors).where(and(eq(debtors.creditorId, creditorId), eq(debtors.externalRef, "T-001"))).get()!;
    expect(lefevre).toMatchObject({ name: "Menuiserie Lefèvre", kind: "business", locale: "fr", timeZone: "Europe/Paris" });
    expect(db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, lefevre.id)).all()).toMatchObject([{ email: "compta@lefevre.fr", phone: "+33612345678", isPrimary: true }]);
    const first = db.select().from(invoices).where(eq(invoices.number, "T2026-001")).get()!;
    expect(first).toMatchObject({ amountCents: 123456, balanceCents: 123456, issueDate: "2026-11-02", dueDate: "2026-12-02", paymentTermsDays: 30, status: "open", externalRef: "T2026-001" });
    expect(db.select().from(invoices).where(sql`${invoices.number} in ('T2026-004','T2026-005','T2026-006')`).all()).toEqual([]);
    expect(db.select().from(debtors).where(sql`${debtors.externalRef} in ('T-003','T-004','T-005')`).all()).toEqual([]);
    const roux = db.select().from(invoices).where(eq(invoices.number, "T2026-007")).get()!;
    expect(db.select().from(invoiceTermsFlags).where(eq(invoiceTermsFlags.invoiceId, roux.id)).get()!.warning).toMatch(/90 jours/);
    expect(page.flags.list.map((f) => f.number)).toContain("T2026-007");
    expect(page.history[0]).toMatchObject({ id: firstRun, status: "done" });
  });

  it("offers the per-row report as a CSV that neutralises formulas", async () => {
    const response = (await issuesCsv.loader(args(get(`/backoffice/import/${firstRun}/issues.csv`), { runId: String(firstRun) }))) as Response;
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="rapport-import-/);
    const text = await response.text();
    expect(text.split("\r\n")[0]).toBe('"Ligne";"Colonne";"Gravité";"Motif"');
    expect(text).toContain('"5";"Montant";"refusée";"Le montant doit être positif');
  });

  it("changes nothing when the same file comes again, and says every invoice is unchanged", async () => {
    const before = snapshot();
    const { runId, page } = await preview([HEADER, ...GOOD, ...BAD, LONG_TERMS].join("\r\n"));
    expect(page.run!.counts).toEqual({ debtors: { created: 0, updated: 0, unchanged: 3 }, invoices: { created: 0, updated: 0, unchanged: 4 }, errors: 3, warnings: 1 });
    const done = await confirm(runId);
    expect(done.run!.counts).toEqual({ debtors: { created: 0, updated: 0, unchanged: 3 }, invoices: { created: 0, updated: 0, unchanged: 4 }, errors: 3, warnings: 1 });
    expect(snapshot()).toEqual(before);
  });

  it("updates only what changed: a due date, a new contact, never erases a missing column", async () => {
    const { runId, page } = await preview(["ref_client;nom_client;email;numero_facture;montant;date_facture;echeance", "T-001;Menuiserie Lefèvre;paiements@lefevre.fr;T2026-001;1234,56;02/11/2026;10/12/2026"].join("\n"));
    expect(page.run!.counts).toMatchObject({ debtors: { updated: 1 }, invoices: { updated: 1 }, errors: 0 });
    await confirm(runId);
    const db = getDb();
    const invoice = db.select().from(invoices).where(eq(invoices.number, "T2026-001")).get()!;
    expect(invoice).toMatchObject({ dueDate: "2026-12-10", paymentTermsDays: 38, amountCents: 123456 });
    const lefevre = db.select().from(debtors).where(eq(debtors.externalRef, "T-001")).get()!;
    const contacts = db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, lefevre.id)).all();
    expect(contacts.map((c) => [c.email, c.phone, c.isPrimary])).toEqual([
      ["compta@lefevre.fr", "+33612345678", true],
      ["paiements@lefevre.fr", null, false],
    ]);
  });

  it("refuses a new amount once a payment is recorded, with a clear error, and keeps the invoice as it was", async () => {
    const db = getDb();
    const invoice = db.select().from(invoices).where(eq(invoices.number, "T2026-002")).get()!;
    db.transaction((tx) =>
      recordInvoicePayment(tx, { creditorId, debtorId: invoice.debtorId, invoiceId: invoice.id, amountCents: 10000, currency: "EUR", method: "transfer", provider: "test", providerRef: "vir-1", actor: "staff", data: {}, at: new Date(NOW) }),
    );
    const before = snapshot();
    const { runId, page } = await preview([HEADER, "T-001;Menuiserie Lefèvre;professionnel;compta@lefevre.fr;06 12 34 56 78;T2026-002;500,00;05/11/2026;05/12/2026;;"].join("\n"));
    expect(page.run!.issues[0]).toMatchObject({ rowNumber: 2, column: "montant", severity: "error" });
    expect(page.run!.issues[0]!.message).toMatch(/un paiement a déjà été enregistré/);
    await confirm(runId);
    expect(snapshot()).toEqual(before);
  });

  it("reads Windows-1252 files with commas and English headers", async () => {
    const text = "customer_ref,customer_name,invoice_number,amount,issue_date,due_date\r\nT-010,Société Générale d'Ébénisterie,T2026-010,\"1,234.50\",2026-11-01,2026-12-01\r\n";
    const bytes = Uint8Array.from([...text].map((ch) => ({ é: 0xe9, É: 0xc9 })[ch] ?? ch.charCodeAt(0)));
    const { runId, page } = await preview(bytes, "export-excel.csv");
    expect(page.run).toMatchObject({ encoding: "windows-1252", delimiter: "," });
    expect(page.run!.lines[0]).toMatchObject({ name: "Société Générale d'Ébénisterie", amount: expect.stringMatching(/^1\s234,50\s€$/) });
    await confirm(runId);
    expect(getDb().select().from(debtors).where(eq(debtors.externalRef, "T-010")).get()!.name).toBe("Société Générale d'Ébénisterie");
  });

  it("reads a UTF-8 file with a BOM, as Excel writes it", async () => {
    const { page } = await preview("\ufeff" + [HEADER, GOOD[2]].join("\n"));
    expect(page.run).toMatchObject({ encoding: "utf-8", delimiter: ";", counts: { invoices: { unchanged: 1 }, errors: 0 } });
  });

  it("refuses a file without the required columns, naming them, and writes no run", async () => {
    const runs = getDb().select().from(importRuns).all().length;
    const refused = (await outcome(() => importPage.action(args(upload("nom;montant\nDupont;100"))))) as { data: { error: string }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    expect(refused.data.error).toMatch(/ref_client.*numero_facture.*date_facture/);
    expect(getDb().select().from(importRuns).all().length).toBe(runs);
  });

  it("refuses a file over 20 MB before reading it", async () => {
    const huge = new Request(`${BASE}/backoffice/import`, { method: "POST", headers: { Origin: BASE, Cookie: cookie, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(25 * 1024 * 1024) }, body: "--x--" });
    const refused = (await outcome(() => importPage.action(args(huge)))) as { data: { error: string }; init: { status: number } };
    expect(refused.init.status).toBe(413);
    expect(refused.data.error).toMatch(/20 Mo/);
  });

  it("cancels a preview, and a cancelled run cannot be confirmed", async () => {
    const { runId } = await preview([HEADER, "T-020;Nouveau;;;;T2026-020;100;01/11/2026;;30;"].join("\n"));
    expect(((await outcome(() => importPage.action(args(intent("cancel", runId))))) as Response).status).toBe(303);
    const again = (await outcome(() => importPage.action(args(intent("confirm", runId))))) as { init: { status: number } };
    expect(again.init.status).toBe(409);
    expect(getDb().select().from(invoices).where(eq(invoices.number, "T2026-020")).get()).toBeUndefined();
  });

  it("reports progress, and confirms a run once only", async () => {
    const { runId } = await preview([HEADER, "T-021;Nouveau;;;;T2026-021;100;01/11/2026;;30;"].join("\n"));
    await confirm(runId);
    const again = (await outcome(() => importPage.action(args(intent("confirm", runId))))) as { init: { status: number } };
    expect(again.init.status).toBe(409);
    const polled = (await progress.loader(args(get(`/backoffice/import/${runId}/progress`), { runId: String(runId) }))) as Response;
    expect(await polled.json()).toEqual({ status: "done", processedRows: 1, totalRows: 1 });
  });

  it("does not let a read-only member import, and offers the template to everyone", async () => {
    const refused = (await outcome(() => importPage.action(args(upload([HEADER, ...GOOD].join("\n"), "f.csv", readOnlyCookie))))) as Response;
    expect(refused.status).toBe(403);
    const page = (await importPage.loader(args(get("/backoffice/import", readOnlyCookie)))) as PageData;
    expect(page.canImport).toBe(false);
    const csv = await ((await template.loader(args(get("/backoffice/import/template.csv", readOnlyCookie)))) as Response).text();
    expect(csv.split("\r\n")[0]).toContain('"ref_client";"nom_client"');
  });

  it("refuses a form from another origin", async () => {
    const forged = new Request(`${BASE}/backoffice/import`, { method: "POST", headers: { Origin: "https://evil.example", Cookie: cookie }, body: new FormData() });
    expect(((await outcome(() => importPage.action(args(forged)))) as Response).status).toBe(403);
  });
});
