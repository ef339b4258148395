import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { importSettled } from "~/services/backoffice/imports.server";
import { recordInvoicePayment } from "~/services/shared/payment-recording.server";
import { purgeStaleImportPreviews } from "~/services/shared/retention.server";
import * as importPage from "~/routes/backoffice.import";
import * as issuesCsv from "~/routes/backoffice.import_.$runId.issues[.]csv";
import * as progress from "~/routes/backoffice.import_.$runId.progress";
import * as template from "~/routes/backoffice.import_.template[.]csv";
import { debtorContacts, debtors, importRowIssues, importRuns, invoiceTermsFlags, invoices, staffUsers } from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first, transaction } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
let cookie: string;
let readOnlyCookie: string;
let creditorId: number;
let storageDir: string;

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
async function snapshot() {
  const db = getDb();
  return {
    debtors: await db.select().from(debtors).where(eq(debtors.creditorId, creditorId)),
    contacts: await db.select().from(debtorContacts),
    invoices: await db.select().from(invoices).where(eq(invoices.creditorId, creditorId)),
    flags: await db.select().from(invoiceTermsFlags),
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
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  storageDir = mkdtempSync(join(tmpdir(), "relance-imports-"));
  process.env.STORAGE_DIR = storageDir;
  resetEnvCache();
  closeDb();
  const db = getDb();
  creditorId = first(await db.select().from(staffUsers))!.creditorId;
  await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash });
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  readOnlyCookie = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
}, 60_000);

describe("the CSV import", () => {
  let firstRun: number;

  it("previews a file without writing anything: the lines as read, the counts, the refused rows and the warnings", async () => {
    const before = await snapshot();
    const { runId, page } = await preview([HEADER, ...GOOD, ...BAD, LONG_TERMS].join("\r\n"));
    firstRun = runId;
    expect(await snapshot()).toEqual(before);
    const run = page.run!;
    expect(run.status).toBe("previewed");
    expect(run.counts).toEqual({ debtors: { created: 3, updated: 0, unchanged: 0 }, invoices: { created: 4, updated: 0, unchanged: 0 }, errors: 3, warnings: 1 });
    expect(run.lines[0]).toMatchObject({
      rowNumber: 2,
      debtorRef: "T-001",
      number: "T2026-001",
      amount: expect.stringMatching(/^1\s234,56\s€$/),
      issueDate: "2 novembre 2026",
      dueDate: "2 décembre 2026",
    });
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
    const lefevre = first(
      await db
        .select()
        .from(debtors)
        .where(and(eq(debtors.creditorId, creditorId), eq(debtors.externalRef, "T-001"))),
    )!;
    expect(lefevre).toMatchObject({ name: "Menuiserie Lefèvre", kind: "business", locale: "fr", timeZone: "Europe/Paris" });
    expect(await db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, lefevre.id))).toMatchObject([
      { email: "compta@lefevre.fr", phone: "+33612345678", isPrimary: true },
    ]);
    const initial = first(await db.select().from(invoices).where(eq(invoices.number, "T2026-001")))!;
    expect(initial).toMatchObject({
      amountCents: 123456,
      balanceCents: 123456,
      issueDate: "2026-11-02",
      dueDate: "2026-12-02",
      paymentTermsDays: 30,
      status: "open",
      externalRef: "T2026-001",
    });
    expect(
      await db
        .select()
        .from(invoices)
        .where(sql`${invoices.number} in ('T2026-004','T2026-005','T2026-006')`),
    ).toEqual([]);
    expect(
      await db
        .select()
        .from(debtors)
        .where(sql`${debtors.externalRef} in ('T-003','T-004','T-005')`),
    ).toEqual([]);
    const roux = first(await db.select().from(invoices).where(eq(invoices.number, "T2026-007")))!;
    expect(first(await db.select().from(invoiceTermsFlags).where(eq(invoiceTermsFlags.invoiceId, roux.id)))!.warning).toMatch(/90 jours/);
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
    const before = await snapshot();
    const { runId, page } = await preview([HEADER, ...GOOD, ...BAD, LONG_TERMS].join("\r\n"));
    expect(page.run!.counts).toEqual({ debtors: { created: 0, updated: 0, unchanged: 3 }, invoices: { created: 0, updated: 0, unchanged: 4 }, errors: 3, warnings: 1 });
    const done = await confirm(runId);
    expect(done.run!.counts).toEqual({ debtors: { created: 0, updated: 0, unchanged: 3 }, invoices: { created: 0, updated: 0, unchanged: 4 }, errors: 3, warnings: 1 });
    expect(await snapshot()).toEqual(before);
  });

  it("updates only what changed: a due date, a new contact, never erases a missing column", async () => {
    const { runId, page } = await preview(
      ["ref_client;nom_client;email;numero_facture;montant;date_facture;echeance", "T-001;Menuiserie Lefèvre;paiements@lefevre.fr;T2026-001;1234,56;02/11/2026;10/12/2026"].join(
        "\n",
      ),
    );
    expect(page.run!.counts).toMatchObject({ debtors: { updated: 1 }, invoices: { updated: 1 }, errors: 0 });
    await confirm(runId);
    const db = getDb();
    const invoice = first(await db.select().from(invoices).where(eq(invoices.number, "T2026-001")))!;
    expect(invoice).toMatchObject({ dueDate: "2026-12-10", paymentTermsDays: 38, amountCents: 123456 });
    const lefevre = first(await db.select().from(debtors).where(eq(debtors.externalRef, "T-001")))!;
    const contacts = await db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, lefevre.id));
    expect(contacts.map((c) => [c.email, c.phone, c.isPrimary])).toEqual([
      ["compta@lefevre.fr", "+33612345678", true],
      ["paiements@lefevre.fr", null, false],
    ]);
  });

  it("refuses a new amount once a payment is recorded, with a clear error, and keeps the invoice as it was", async () => {
    const db = getDb();
    const invoice = first(await db.select().from(invoices).where(eq(invoices.number, "T2026-002")))!;
    await transaction(db, async (tx) =>
      recordInvoicePayment(tx, {
        creditorId,
        debtorId: invoice.debtorId,
        invoiceId: invoice.id,
        amountCents: 10000,
        currency: "EUR",
        method: "transfer",
        provider: "test",
        providerRef: "vir-1",
        actor: "staff",
        data: {},
        at: new Date(NOW),
      }),
    );
    const before = await snapshot();
    const { runId, page } = await preview([HEADER, "T-001;Menuiserie Lefèvre;professionnel;compta@lefevre.fr;06 12 34 56 78;T2026-002;500,00;05/11/2026;05/12/2026;;"].join("\n"));
    expect(page.run!.issues[0]).toMatchObject({ rowNumber: 2, column: "montant", severity: "error" });
    expect(page.run!.issues[0]!.message).toMatch(/un paiement a déjà été enregistré/);
    await confirm(runId);
    expect(await snapshot()).toEqual(before);
  });

  it("reads Windows-1252 files with commas and English headers", async () => {
    const text = 'customer_ref,customer_name,invoice_number,amount,issue_date,due_date\r\nT-010,Société Générale d\'Ébénisterie,T2026-010,"1,234.50",2026-11-01,2026-12-01\r\n';
    const bytes = Uint8Array.from([...text].map((ch) => ({ é: 0xe9, É: 0xc9 })[ch] ?? ch.charCodeAt(0)));
    const { runId, page } = await preview(bytes, "export-excel.csv");
    expect(page.run).toMatchObject({ encoding: "windows-1252", delimiter: "," });
    expect(page.run!.lines[0]).toMatchObject({ name: "Société Générale d'Ébénisterie", amount: expect.stringMatching(/^1\s234,50\s€$/) });
    await confirm(runId);
    expect(first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "T-010")))!.name).toBe("Société Générale d'Ébénisterie");
  });

  it("reads a UTF-8 file with a BOM, as Excel writes it", async () => {
    const { page } = await preview("\ufeff" + [HEADER, GOOD[2]].join("\n"));
    expect(page.run).toMatchObject({ encoding: "utf-8", delimiter: ";", counts: { invoices: { unchanged: 1 }, errors: 0 } });
  });

  it("refuses a file without the required columns, naming them, and writes no run", async () => {
    const runs = (await getDb().select().from(importRuns)).length;
    const refused = (await outcome(() => importPage.action(args(upload("nom;montant\nDupont;100"))))) as { data: { error: string }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    expect(refused.data.error).toMatch(/ref_client.*numero_facture.*date_facture/);
    expect((await getDb().select().from(importRuns)).length).toBe(runs);
  });

  it("refuses a file over 20 MB before reading it", async () => {
    const huge = new Request(`${BASE}/backoffice/import`, {
      method: "POST",
      headers: { Origin: BASE, Cookie: cookie, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(25 * 1024 * 1024) },
      body: "--x--",
    });
    const refused = (await outcome(() => importPage.action(args(huge)))) as { data: { error: string }; init: { status: number } };
    expect(refused.init.status).toBe(413);
    expect(refused.data.error).toMatch(/20 Mo/);
  });

  it("cancels a preview, and a cancelled run cannot be confirmed", async () => {
    const { runId } = await preview([HEADER, "T-020;Nouveau;;;;T2026-020;100;01/11/2026;;30;"].join("\n"));
    expect(((await outcome(() => importPage.action(args(intent("cancel", runId))))) as Response).status).toBe(303);
    const again = (await outcome(() => importPage.action(args(intent("confirm", runId))))) as { init: { status: number } };
    expect(again.init.status).toBe(409);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "T2026-020")))).toBeUndefined();
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

/** The uploads kept in STORAGE_DIR, and the runs that own them. */
const storedUploads = () => (existsSync(join(storageDir, "imports")) ? readdirSync(join(storageDir, "imports")) : []);
const runPaths = async () =>
  new Set((await getDb().select({ path: importRuns.filePath }).from(importRuns).where(eq(importRuns.status, "previewed"))).map((r) => r.path!.split("/").at(-1)));
const refusal = async (content: string | Uint8Array) => (await outcome(() => importPage.action(args(upload(content))))) as { data: { error: string }; init: { status: number } };
/** `count` lines of one new debtor and invoice each, ASCII only. */
const asciiLines = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i};Client ${prefix} ${i};professionnel;;;${prefix}-F${i};100,00;02/11/2026;;30;`);

describe("the CSV import, streamed", () => {
  it("reads the whole file as Windows-1252 when its only non-UTF-8 byte is on the last line, far past the first chunk read", async () => {
    const head = [HEADER, ...asciiLines("W", 5000)].join("\r\n") + "\r\n";
    const last = "W-LAST;Société Générale;professionnel;;;W-LAST-F;250,00;02/11/2026;;30;\r\n";
    const bytes = Buffer.concat([Buffer.from(head, "ascii"), Buffer.from(last, "latin1")]);
    expect(bytes.byteLength).toBeGreaterThan(300 * 1024);
    const { runId, page } = await preview(bytes, "excel.csv");
    expect(page.run).toMatchObject({ encoding: "windows-1252", delimiter: ";", totalRows: 5001, counts: { invoices: { created: 5001 }, errors: 0 } });
    const done = await confirm(runId);
    expect(done.run!.status).toBe("done");
    expect(first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "W-LAST")))!.name).toBe("Société Générale");
  });

  it("keeps a UTF-8 file UTF-8 when an accented letter straddles two chunks of the read", async () => {
    // The padding goes in a column the import ignores, so that no length limit refuses the line.
    const head = [`${HEADER};notes`, ...asciiLines("U", 3500)].join("\n") + "\n";
    const start = "U-CUT;Menuiserie Hervé;professionnel;;;U-CUT-F;10,00;02/11/2026;;30;;";
    // The two bytes of "é" fall either side of the 256 KiB boundary of the reads.
    const pad = 256 * 1024 - 1 - Buffer.byteLength(head) - Buffer.byteLength(start);
    expect(pad).toBeGreaterThan(0);
    const text = `${head}${start}${"x".repeat(pad)}é\nU-END;Clémence Roué;particulier;;;U-END-F;20,00;02/11/2026;;30;;\n`;
    expect(
      Buffer.from(text)
        .subarray(256 * 1024 - 1, 256 * 1024 + 1)
        .toString(),
    ).toBe("é");
    const { runId, page } = await preview(text);
    expect(page.run).toMatchObject({ encoding: "utf-8", totalRows: 3502, counts: { errors: 0 } });
    await confirm(runId);
    expect(first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "U-CUT")))!.name).toBe("Menuiserie Hervé");
    expect(first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "U-END")))!.name).toBe("Clémence Roué");
  });

  it("previews exactly what the import then does, across chunks: a number taken in an earlier chunk or the same one, an invoice and a debtor met again", async () => {
    const header = "ref_client;nom_client;email;ref_facture;numero_facture;montant;date_facture;delai_jours";
    const lines = Array.from({ length: 2400 }, (_, i) => `K-${i % 700};Client K ${i % 700};k${i % 700}@example.fr;;KN-${i};100,00;02/11/2026;30`);
    lines[1200] = "K-1;Client K 1;k1@example.fr;KX-1;KN-5;100,00;02/11/2026;30"; // KN-5 is the number of row 7's invoice, two chunks back
    lines[2390] = "K-10;Client K 10;k10-bis@example.fr;;KN-10;150,00;02/11/2026;30"; // KN-10 again, new amount, and a second address for K-10
    lines[2395] = "K-3;Client K 3;k3@example.fr;KY-1;KM-1;100,00;02/11/2026;30";
    lines[2396] = "K-4;Client K 4;k4@example.fr;KY-2;KM-1;100,00;02/11/2026;30"; // KM-1 taken one line up
    const { runId, page } = await preview([header, ...lines].join("\n"));
    expect(page.run!.issues.map((i) => [i.rowNumber, i.column, i.message])).toEqual([
      [1202, "numero_facture", "Le numéro KN-5 est déjà celui d'une autre facture (réf. KN-5)."],
      [2398, "numero_facture", "Le numéro KM-1 est déjà celui d'une autre facture (réf. KY-1)."],
    ]);
    expect(page.run!.counts).toEqual({ debtors: { created: 700, updated: 0, unchanged: 0 }, invoices: { created: 2397, updated: 0, unchanged: 0 }, errors: 2, warnings: 0 });
    const done = await confirm(runId);
    expect(done.run!.counts).toEqual(page.run!.counts);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "KN-10")))).toMatchObject({ amountCents: 15000 });
    const k10 = first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "K-10")))!;
    expect((await getDb().select().from(debtorContacts).where(eq(debtorContacts.debtorId, k10.id))).map((c) => c.email)).toEqual(["k10@example.fr", "k10-bis@example.fr"]);
  });

  it("refuses a file over the row limit with its exact count, deciding nothing, and keeps neither a run nor the file", async () => {
    const runs = (await getDb().select().from(importRuns)).length;
    const uploads = storedUploads();
    // Eleven cells a line, as many as the header: csv-parse is slow on lines of another length, even relaxed.
    const refused = await refusal(HEADER + "\n" + "x;;;;;;;;;;\n".repeat(200_001));
    expect(refused.init.status).toBe(400);
    expect(refused.data.error).toBe("Le fichier compte 200001 lignes ; au plus 200000 par import : découpez-le.");
    expect((await getDb().select().from(importRuns)).length).toBe(runs);
    expect(
      await getDb()
        .select()
        .from(importRowIssues)
        .where(sql`${importRowIssues.runId} not in (select id from import_runs)`),
    ).toEqual([]);
    expect(storedUploads()).toEqual(uploads);
  });

  it("refuses a file whose quotes break far down, naming the line, and keeps nothing", async () => {
    const runs = (await getDb().select().from(importRuns)).length;
    const uploads = storedUploads();
    const refused = await refusal([HEADER, ...asciiLines("Q", 2500), 'Q-BAD;"Guillemet ouvert;professionnel;;;Q-BAD-F;1;02/11/2026;;30;'].join("\n"));
    expect(refused.init.status).toBe(400);
    expect(refused.data.error).toMatch(/^Le fichier n'est pas un CSV lisible \(vers la ligne \d+\) : vérifiez les guillemets/);
    expect((await getDb().select().from(importRuns)).length).toBe(runs);
    expect(storedUploads()).toEqual(uploads);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "Q-F0")))).toBeUndefined();
  });

  it("shows the first 200 refused rows but counts them all, and the report lists every one, across chunks", async () => {
    const lines = Array.from({ length: 2400 }, (_, i) =>
      i % 2 === 0 ? `R-${i};Client R ${i};professionnel;;;R-F${i};-5;02/11/2026;;30;` : `R-${i};Client R ${i};professionnel;;;R-F${i};15,00;02/11/2026;;30;`,
    );
    const { runId, page } = await preview([HEADER, ...lines].join("\n"));
    expect(page.run).toMatchObject({ totalRows: 2400, counts: { errors: 1200, invoices: { created: 1200 } }, moreIssues: true });
    expect(page.run!.issues).toHaveLength(200);
    expect(page.run!.issues[199]).toMatchObject({ rowNumber: 400, column: "montant", severity: "error" });
    const report = await ((await issuesCsv.loader(args(get(`/backoffice/import/${runId}/issues.csv`), { runId: String(runId) }))) as Response).text();
    expect(report.trim().split("\r\n")).toHaveLength(1 + 1200);
    expect(report).toContain('"2400";"Montant";"refusée"');
    const done = await confirm(runId);
    expect(done.run!.counts).toMatchObject({ errors: 1200, invoices: { created: 1200 } });
  });

  it("keeps an upload only while its preview waits: refused, imported or cancelled, the file is gone", async () => {
    await refusal("nom;montant\nDupont;100");
    const paths = await runPaths();
    expect(storedUploads().every((name) => paths.has(name))).toBe(true);
    const { runId } = await preview([HEADER, "S-1;Stockage;;;;S-F1;100;01/11/2026;;30;"].join("\n"));
    const kept = first(await getDb().select().from(importRuns).where(eq(importRuns.id, runId)))!.filePath!;
    expect(existsSync(kept)).toBe(true);
    await confirm(runId);
    expect(existsSync(kept)).toBe(false);
    const pathsAfter = await runPaths();
    expect(storedUploads().every((name) => pathsAfter.has(name))).toBe(true);
  });

  it("does not import a file that changed after its preview, and says so", async () => {
    const { runId } = await preview([HEADER, "C-1;Changé;;;;C-F1;100;01/11/2026;;30;"].join("\n"));
    const path = first(await getDb().select().from(importRuns).where(eq(importRuns.id, runId)))!.filePath!;
    writeFileSync(path, [HEADER, "C-1;Changé;;;;C-F1;999999;01/11/2026;;30;"].join("\n"));
    const page = await confirm(runId);
    expect(page.run).toMatchObject({ status: "failed", failure: "Le fichier de l'aperçu n'est plus disponible ou a changé : importez-le à nouveau." });
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "C-F1")))).toBeUndefined();
  });

  it("purges a preview nobody confirmed after a day, with its issues and its file, and nothing else", async () => {
    const { runId } = await preview([HEADER, "P-1;Oublié;;;;P-F1;-1;01/11/2026;;30;", "P-2;Oublié;;;;P-F2;10;01/11/2026;;30;"].join("\n"));
    const path = first(await getDb().select().from(importRuns).where(eq(importRuns.id, runId)))!.filePath!;
    const finished = await getDb()
      .select({ id: importRuns.id })
      .from(importRuns)
      .where(sql`${importRuns.status} in ('done', 'failed', 'cancelled')`);
    const at = (hours: number) => new Date(new Date(NOW).getTime() + hours * 3_600_000);
    expect((await purgeStaleImportPreviews({ db: getDb(), storageDir, now: at(23) })).purged).toEqual([]);
    expect(existsSync(path)).toBe(true);

    const report = await purgeStaleImportPreviews({ db: getDb(), storageDir, now: at(25) });
    expect(report.purged.map((p) => p.runId)).toContain(runId);
    expect(report.filesOutsideStorage).toEqual([]);
    expect(existsSync(path)).toBe(false);
    expect(await getDb().select().from(importRowIssues).where(eq(importRowIssues.runId, runId))).toEqual([]);
    expect(((await outcome(() => importPage.loader(args(get(`/backoffice/import?run=${runId}`))))) as Response).status).toBe(404);
    expect(await getDb().select().from(importRuns).where(eq(importRuns.status, "previewed"))).toEqual([]);
    expect(
      await getDb()
        .select({ id: importRuns.id })
        .from(importRuns)
        .where(sql`${importRuns.status} in ('done', 'failed', 'cancelled')`),
    ).toEqual(finished);
    expect(storedUploads()).toEqual([]);
    expect((await purgeStaleImportPreviews({ db: getDb(), storageDir, now: at(26) })).purged).toEqual([]);
  });
});
